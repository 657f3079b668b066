// Public PReLU entry points: argument checks, workspace, launch.
#include <cuact/prelu.hpp>

#include "cuda/detail/cuda_check.hpp"
#include "cuda/launch.hpp"
#include "host/argument_checks.hpp"
#include "host/channel_checks.hpp"
#include "host/entry_point.hpp"

#include <cuact/registry.h>

#include <cstdint>

namespace cuact {

namespace {

constexpr const char* kSizeFunction = "prelu_backward_workspace_size";

template <class T>
void prelu_backward_checked(const char* fn, const T* x, const T* dy, const compute_t<T>* alpha,
                            T* dx, compute_t<T>* dalpha, PreluShape shape, GradMode mode,
                            void* workspace, std::size_t workspace_bytes, bool allocate,
                            cudaStream_t stream) {
  detail::expect_valid_grad_mode(fn, mode);
  const std::int64_t n = detail::expect_channelwise_shape<T>(fn, shape);
  if (n == 0 || (dx == nullptr && dalpha == nullptr)) {
    return;
  }
  const auto bytes = n * static_cast<std::int64_t>(sizeof(T));
  const auto alpha_bytes = detail::param_bytes_of<T>(shape);
  const bool needs_workspace = dalpha != nullptr && !allocate;
  const detail::ChannelwisePlan plan = detail::channelwise_plan_for<T>(fn, shape, dalpha != nullptr);
  if (needs_workspace) {
    detail::expect_workspace(fn, workspace, workspace_bytes, plan.workspace_bytes, "dalpha",
                             kSizeFunction);
  }
  // dx and dalpha may be null (not computed), alpha too when dx is; dx may be in place over
  // x or dy; dalpha and the workspace are apart from everything.
  detail::expect_call_tensors(
      fn, n,
      {{"x", x, bytes}, {"dy", dy, bytes}, {"alpha", alpha, alpha_bytes, true, dx == nullptr}},
      {{"dx", dx, bytes, false, true},
       {"workspace", needs_workspace ? workspace : nullptr,
        static_cast<std::int64_t>(workspace_bytes), true, true},
       {"dalpha", dalpha, alpha_bytes, true, true}});

  detail::with_channelwise_workspace(fn, plan, dalpha != nullptr, allocate, workspace, stream,
                                     [&](void* ws) {
                                       detail::launch_prelu_backward<T>(fn, plan, x, dy, alpha, dx,
                                                                        dalpha, mode, ws, stream);
                                     });
}

}  // namespace

template <class T>
void prelu_forward(const T* x, const compute_t<T>* alpha, T* y, PreluShape shape,
                   cudaStream_t stream) {
  CUACT_ENTRY_POINT("prelu_forward");
  const std::int64_t n = detail::expect_channelwise_shape<T>(fn, shape);
  if (n == 0) {
    return;
  }
  const auto bytes = n * static_cast<std::int64_t>(sizeof(T));
  detail::expect_call_tensors(
      fn, n, {{"x", x, bytes}, {"alpha", alpha, detail::param_bytes_of<T>(shape), true}},
      {{"y", y, bytes}});
  detail::launch_prelu_forward<T>(fn, detail::channelwise_plan_for<T>(fn, shape, false), x, alpha,
                                  y, stream);
}

template <class T>
std::size_t prelu_backward_workspace_size(PreluShape shape) {
  constexpr const char* fn = kSizeFunction;
  if (detail::expect_channelwise_shape<T>(fn, shape) == 0) {
    return 0;
  }
  return detail::channelwise_plan_for<T>(fn, shape, true).workspace_bytes;
}

template <class T>
void prelu_backward(const T* x, const T* dy, const compute_t<T>* alpha, nondeduced_t<T>* dx,
                    compute_t<T>* dalpha, PreluShape shape, GradMode mode, void* workspace,
                    std::size_t workspace_bytes, cudaStream_t stream) {
  CUACT_ENTRY_POINT("prelu_backward");
  prelu_backward_checked(fn, x, dy, alpha, dx, dalpha, shape, mode, workspace, workspace_bytes,
                         false, stream);
}

template <class T>
void prelu_backward(const T* x, const T* dy, const compute_t<T>* alpha, nondeduced_t<T>* dx,
                    compute_t<T>* dalpha, PreluShape shape, GradMode mode, cudaStream_t stream) {
  CUACT_ENTRY_POINT("prelu_backward");
  prelu_backward_checked(fn, x, dy, alpha, dx, dalpha, shape, mode, nullptr, 0, true, stream);
}

#define CUACT_DETAIL_INSTANTIATE_PRELU_API(ctx, ENUM, value, T, name)                          \
  template void prelu_forward<T>(const T*, const compute_t<T>*, T*, PreluShape, cudaStream_t); \
  template std::size_t prelu_backward_workspace_size<T>(PreluShape);                           \
  template void prelu_backward<T>(const T*, const T*, const compute_t<T>*, T*, compute_t<T>*,  \
                                  PreluShape, GradMode, void*, std::size_t, cudaStream_t);     \
  template void prelu_backward<T>(const T*, const T*, const compute_t<T>*, T*, compute_t<T>*,  \
                                  PreluShape, GradMode, cudaStream_t);

CUACT_DTYPES(CUACT_DETAIL_INSTANTIATE_PRELU_API, ~)

}  // namespace cuact
