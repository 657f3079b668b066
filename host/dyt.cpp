// Public DyT entry points (dyt.hpp): argument checks, workspace, launch on the channelwise
// engine (cuda/dyt_device.cu).
#include <cuact/dyt.hpp>

#include "cuda/detail/cuda_check.hpp"
#include "cuda/dyt_workspace.hpp"
#include "cuda/launch.hpp"
#include "host/argument_checks.hpp"
#include "host/channel_checks.hpp"
#include "host/entry_point.hpp"

#include <cuact/registry.h>

#include <cstdint>
#include <string>

namespace cuact {

namespace {

constexpr const char* kSizeFunction = "dyt_backward_workspace_size";
constexpr int kTerms = 3;

template <class T>
std::size_t workspace_bytes_of(const char* fn, const ChannelShape& shape) {
  return detail::dyt_workspace_bytes(detail::channelwise_plan_for<T>(fn, shape, true, kTerms),
                                     shape.channels, sizeof(compute_t<T>));
}

template <class T>
void backward_checked(const char* fn, const T* x, const T* dy, const compute_t<T>* alpha,
                      const compute_t<T>* gamma, T* dx, compute_t<T>* dalpha,
                      compute_t<T>* dgamma, compute_t<T>* dbeta, ChannelShape shape,
                      GradMode mode, void* workspace, std::size_t workspace_bytes, bool allocate,
                      cudaStream_t stream) {
  using C = compute_t<T>;
  detail::expect_valid_grad_mode(fn, mode);
  const std::int64_t n = detail::expect_channelwise_shape<T>(fn, shape, kTerms);
  if (n == 0) {
    return;
  }
  const int given = (dalpha != nullptr) + (dgamma != nullptr) + (dbeta != nullptr);
  if (given != 0 && given != 3) {
    detail::throw_invalid_argument(
        fn, std::string("'dalpha', 'dgamma' and 'dbeta' must all be null or all be given, got ") +
                (dalpha != nullptr ? "dalpha " : "") + (dgamma != nullptr ? "dgamma " : "") +
                (dbeta != nullptr ? "dbeta " : "") + "alone");
  }
  const bool grads = given == 3;
  if (dx == nullptr && !grads) {
    detail::throw_invalid_argument(
        fn, "'dx', 'dalpha', 'dgamma' and 'dbeta' are all null: nothing to compute");
  }
  const auto bytes = n * static_cast<std::int64_t>(sizeof(T));
  const auto param_bytes = detail::param_bytes_of<T>(shape);
  const auto scalar_bytes = static_cast<std::int64_t>(sizeof(C));
  const detail::ChannelwisePlan plan = detail::channelwise_plan_for<T>(fn, shape, grads, kTerms);
  const std::size_t needed = grads ? detail::dyt_workspace_bytes(plan, shape.channels, sizeof(C)) : 0;
  const bool needs_workspace = grads && !allocate;
  if (needs_workspace) {
    detail::expect_workspace(fn, workspace, workspace_bytes, needed, "dalpha", kSizeFunction);
  }
  detail::expect_call_tensors(
      fn, n,
      {{"x", x, bytes},
       {"dy", dy, bytes},
       {"alpha", alpha, scalar_bytes, true},
       {"gamma", gamma, param_bytes, true}},
      {{"dx", dx, bytes, false, true},
       {"workspace", needs_workspace ? workspace : nullptr,
        static_cast<std::int64_t>(workspace_bytes), true, true},
       {"dalpha", dalpha, scalar_bytes, true, true},
       {"dgamma", dgamma, param_bytes, true, true},
       {"dbeta", dbeta, param_bytes, true, true}});
  if (!grads || !allocate) {
    detail::launch_dyt<T>(fn, plan, alpha, gamma, nullptr, x, dy, dx, dalpha, dgamma, dbeta, mode,
                          workspace, stream);
    return;
  }
  // Every backward with gradients needs the scratch, direct plans too.
  void* owned = nullptr;
  CUACT_CUDA_TRY(cudaMallocAsync(&owned, needed, stream), fn);
  try {
    detail::launch_dyt<T>(fn, plan, alpha, gamma, nullptr, x, dy, dx, dalpha, dgamma, dbeta, mode,
                          owned, stream);
  } catch (...) {
    cudaFreeAsync(owned, stream);
    throw;
  }
  CUACT_CUDA_TRY(cudaFreeAsync(owned, stream), fn);
}

}  // namespace

template <class T>
void dyt_forward(const T* x, const compute_t<T>* alpha, const compute_t<T>* gamma,
                 const compute_t<T>* beta, nondeduced_t<T>* y, ChannelShape shape,
                 cudaStream_t stream) {
  CUACT_ENTRY_POINT("dyt_forward");
  const std::int64_t n = detail::expect_channelwise_shape<T>(fn, shape, kTerms);
  if (n == 0) {
    return;
  }
  const auto bytes = n * static_cast<std::int64_t>(sizeof(T));
  const auto param_bytes = detail::param_bytes_of<T>(shape);
  detail::expect_call_tensors(fn, n,
                              {{"x", x, bytes},
                               {"alpha", alpha, static_cast<std::int64_t>(sizeof(compute_t<T>)),
                                true},
                               {"gamma", gamma, param_bytes, true},
                               {"beta", beta, param_bytes, true}},
                              {{"y", y, bytes}});
  detail::launch_dyt<T>(fn, detail::channelwise_plan_for<T>(fn, shape, false, kTerms), alpha,
                        gamma, beta, x, nullptr, y, nullptr, nullptr, nullptr,
                        GradMode::overwrite, nullptr, stream);
}

template <class T>
std::size_t dyt_backward_workspace_size(ChannelShape shape) {
  if (detail::expect_channelwise_shape<T>(kSizeFunction, shape, kTerms) == 0) {
    return 0;
  }
  return workspace_bytes_of<T>(kSizeFunction, shape);
}

template <class T>
void dyt_backward(const T* x, const T* dy, const compute_t<T>* alpha, const compute_t<T>* gamma,
                  nondeduced_t<T>* dx, compute_t<T>* dalpha, compute_t<T>* dgamma,
                  compute_t<T>* dbeta, ChannelShape shape, GradMode mode, void* workspace,
                  std::size_t workspace_bytes, cudaStream_t stream) {
  CUACT_ENTRY_POINT("dyt_backward");
  backward_checked(fn, x, dy, alpha, gamma, dx, dalpha, dgamma, dbeta, shape, mode, workspace,
                   workspace_bytes, false, stream);
}

template <class T>
void dyt_backward(const T* x, const T* dy, const compute_t<T>* alpha, const compute_t<T>* gamma,
                  nondeduced_t<T>* dx, compute_t<T>* dalpha, compute_t<T>* dgamma,
                  compute_t<T>* dbeta, ChannelShape shape, GradMode mode, cudaStream_t stream) {
  CUACT_ENTRY_POINT("dyt_backward");
  backward_checked(fn, x, dy, alpha, gamma, dx, dalpha, dgamma, dbeta, shape, mode, nullptr, 0,
                   true, stream);
}

#define CUACT_DETAIL_INSTANTIATE_DYT_API(ctx, ENUM, value, T, name)                              \
  template void dyt_forward<T>(const T*, const compute_t<T>*, const compute_t<T>*,               \
                               const compute_t<T>*, T*, ChannelShape, cudaStream_t);             \
  template std::size_t dyt_backward_workspace_size<T>(ChannelShape);                             \
  template void dyt_backward<T>(const T*, const T*, const compute_t<T>*, const compute_t<T>*, T*, \
                                compute_t<T>*, compute_t<T>*, compute_t<T>*, ChannelShape,       \
                                GradMode, void*, std::size_t, cudaStream_t);                     \
  template void dyt_backward<T>(const T*, const T*, const compute_t<T>*, const compute_t<T>*, T*, \
                                compute_t<T>*, compute_t<T>*, compute_t<T>*, ChannelShape,       \
                                GradMode, cudaStream_t);

CUACT_DTYPES(CUACT_DETAIL_INSTANTIATE_DYT_API, ~)

}  // namespace cuact
