// Public Snake and SnakeBeta entry points (snake.hpp): argument checks, workspace, launch on
// the channelwise engine (cuda/snake_device.cu, cuda/snakebeta_device.cu).
#include <cuact/snake.hpp>

#include "cuda/launch.hpp"
#include "host/argument_checks.hpp"
#include "host/channel_checks.hpp"
#include "host/entry_point.hpp"

#include <cuact/registry.h>

#include <cstdint>
#include <string>

namespace cuact {

namespace {

constexpr const char* kSnakeSizeFunction = "snake_backward_workspace_size";
constexpr const char* kSnakeBetaSizeFunction = "snakebeta_backward_workspace_size";

void expect_valid_scale(const char* fn, ParamScale scale) {
  if (scale != ParamScale::linear && scale != ParamScale::log) {
    detail::throw_invalid_argument(
        fn, "'scale' must be ParamScale::linear or ParamScale::log, got " +
                std::to_string(static_cast<int>(scale)));
  }
}

/// The parameters of a call: alpha, and beta for snakebeta (null name: none).
struct Params {
  const void* alpha;
  const char* beta_name;
  const void* beta;
};

/// The forward's checks; false for an empty shape (nothing to launch).
template <class T>
bool expect_forward(const char* fn, const T* x, T* y, const Params& p, ChannelShape shape,
                    ParamScale scale) {
  expect_valid_scale(fn, scale);
  const std::int64_t n = detail::expect_channelwise_shape<T>(fn, shape);
  if (n == 0) {
    return false;
  }
  const auto bytes = n * static_cast<std::int64_t>(sizeof(T));
  const auto param_bytes = detail::param_bytes_of<T>(shape);
  detail::expect_call_tensors(fn, n,
                              {{"x", x, bytes},
                               {"alpha", p.alpha, param_bytes, true},
                               {p.beta_name != nullptr ? p.beta_name : "", p.beta, param_bytes,
                                true, p.beta_name == nullptr}},
                              {{"y", y, bytes}});
  return true;
}

/// The backward's checks and its plan; launch(plan, workspace) runs it, with the caller's
/// workspace or one allocated stream-ordered (`allocate`). dalpha and dbeta (snakebeta:
/// p.beta_name set) both or neither.
template <class T, class Launch>
void backward_checked(const char* fn, const char* size_function, int terms, const T* x,
                      const T* dy, T* dx, const Params& p, compute_t<T>* dalpha,
                      compute_t<T>* dbeta, ChannelShape shape, ParamScale scale, GradMode mode,
                      void* workspace, std::size_t workspace_bytes, bool allocate,
                      cudaStream_t stream, Launch&& launch) {
  expect_valid_scale(fn, scale);
  detail::expect_valid_grad_mode(fn, mode);
  const std::int64_t n = detail::expect_channelwise_shape<T>(fn, shape, terms);
  if (n == 0) {
    return;
  }
  const bool beta = p.beta_name != nullptr;
  if (beta && (dalpha == nullptr) != (dbeta == nullptr)) {
    detail::throw_invalid_argument(
        fn, std::string("'dalpha' is ") + (dalpha == nullptr ? "null" : "not null") +
                " but 'dbeta' is " + (dbeta == nullptr ? "null" : "not null") +
                ": the parameter gradients are computed together (both or neither)");
  }
  const bool grads = dalpha != nullptr;
  if (dx == nullptr && !grads) {
    detail::throw_invalid_argument(
        fn, beta ? "'dx', 'dalpha' and 'dbeta' are all null: nothing to compute"
                 : "'dx' and 'dalpha' are both null: nothing to compute");
  }
  const auto bytes = n * static_cast<std::int64_t>(sizeof(T));
  const auto param_bytes = detail::param_bytes_of<T>(shape);
  const detail::ChannelwisePlan plan = detail::channelwise_plan_for<T>(fn, shape, grads, terms);
  const bool needs_workspace = grads && !allocate;
  if (needs_workspace) {
    detail::expect_workspace(fn, workspace, workspace_bytes, plan.workspace_bytes,
                             "dalpha", size_function);
  }
  // dx may be in place over x or dy; the parameters, their gradients and the workspace are
  // apart from everything.
  detail::expect_call_tensors(
      fn, n,
      {{"x", x, bytes},
       {"dy", dy, bytes},
       {"alpha", p.alpha, param_bytes, true},
       {beta ? p.beta_name : "", p.beta, param_bytes, true, !beta}},
      {{"dx", dx, bytes, false, true},
       {"workspace", needs_workspace ? workspace : nullptr,
        static_cast<std::int64_t>(workspace_bytes), true, true},
       {"dalpha", dalpha, param_bytes, true, true},
       {"dbeta", dbeta, param_bytes, true, true}});
  detail::with_channelwise_workspace(fn, plan, grads, allocate, workspace, stream,
                                     [&](void* ws) { launch(plan, ws); });
}

template <class T>
void snake_backward_checked(const char* fn, const T* x, const T* dy, const compute_t<T>* alpha,
                            T* dx, compute_t<T>* dalpha, ChannelShape shape, ParamScale scale,
                            GradMode mode, void* workspace, std::size_t workspace_bytes,
                            bool allocate, cudaStream_t stream) {
  backward_checked(fn, kSnakeSizeFunction, 1, x, dy, dx, {alpha, nullptr, nullptr}, dalpha,
                   nullptr, shape, scale, mode, workspace, workspace_bytes, allocate, stream,
                   [&](const detail::ChannelwisePlan& plan, void* ws) {
                     detail::launch_snake<T>(fn, plan, alpha, scale == ParamScale::log, x, dy,
                                             dx, dalpha, mode, ws, stream);
                   });
}

template <class T>
void snakebeta_backward_checked(const char* fn, const T* x, const T* dy,
                                const compute_t<T>* alpha, const compute_t<T>* beta, T* dx,
                                compute_t<T>* dalpha, compute_t<T>* dbeta, ChannelShape shape,
                                ParamScale scale, GradMode mode, void* workspace,
                                std::size_t workspace_bytes, bool allocate, cudaStream_t stream) {
  backward_checked(fn, kSnakeBetaSizeFunction, 2, x, dy, dx, {alpha, "beta", beta}, dalpha,
                   dbeta, shape, scale, mode, workspace, workspace_bytes, allocate, stream,
                   [&](const detail::ChannelwisePlan& plan, void* ws) {
                     detail::launch_snakebeta<T>(fn, plan, alpha, beta, scale == ParamScale::log,
                                                 x, dy, dx, dalpha, dbeta, mode, ws, stream);
                   });
}

template <class T>
std::size_t backward_workspace_size(const char* fn, ChannelShape shape, int terms) {
  if (detail::expect_channelwise_shape<T>(fn, shape, terms) == 0) {
    return 0;
  }
  return detail::channelwise_plan_for<T>(fn, shape, true, terms).workspace_bytes;
}

}  // namespace

template <class T>
void snake_forward(const T* x, const compute_t<T>* alpha, nondeduced_t<T>* y, ChannelShape shape,
                   ParamScale scale, cudaStream_t stream) {
  CUACT_ENTRY_POINT("snake_forward");
  if (expect_forward<T>(fn, x, y, {alpha, nullptr, nullptr}, shape, scale)) {
    detail::launch_snake<T>(fn, detail::channelwise_plan_for<T>(fn, shape, false), alpha,
                            scale == ParamScale::log, x, nullptr, y, nullptr,
                            GradMode::overwrite, nullptr, stream);
  }
}

template <class T>
std::size_t snake_backward_workspace_size(ChannelShape shape) {
  return backward_workspace_size<T>(kSnakeSizeFunction, shape, 1);
}

template <class T>
void snake_backward(const T* x, const T* dy, const compute_t<T>* alpha, nondeduced_t<T>* dx,
                    compute_t<T>* dalpha, ChannelShape shape, ParamScale scale, GradMode mode,
                    void* workspace, std::size_t workspace_bytes, cudaStream_t stream) {
  CUACT_ENTRY_POINT("snake_backward");
  snake_backward_checked(fn, x, dy, alpha, dx, dalpha, shape, scale, mode, workspace,
                         workspace_bytes, false, stream);
}

template <class T>
void snake_backward(const T* x, const T* dy, const compute_t<T>* alpha, nondeduced_t<T>* dx,
                    compute_t<T>* dalpha, ChannelShape shape, ParamScale scale, GradMode mode,
                    cudaStream_t stream) {
  CUACT_ENTRY_POINT("snake_backward");
  snake_backward_checked(fn, x, dy, alpha, dx, dalpha, shape, scale, mode, nullptr, 0, true,
                         stream);
}

template <class T>
void snakebeta_forward(const T* x, const compute_t<T>* alpha, const compute_t<T>* beta,
                       nondeduced_t<T>* y, ChannelShape shape, ParamScale scale,
                       cudaStream_t stream) {
  CUACT_ENTRY_POINT("snakebeta_forward");
  if (expect_forward<T>(fn, x, y, {alpha, "beta", beta}, shape, scale)) {
    detail::launch_snakebeta<T>(fn, detail::channelwise_plan_for<T>(fn, shape, false, 2), alpha,
                                beta, scale == ParamScale::log, x, nullptr, y, nullptr, nullptr,
                                GradMode::overwrite, nullptr, stream);
  }
}

template <class T>
std::size_t snakebeta_backward_workspace_size(ChannelShape shape) {
  return backward_workspace_size<T>(kSnakeBetaSizeFunction, shape, 2);
}

template <class T>
void snakebeta_backward(const T* x, const T* dy, const compute_t<T>* alpha,
                        const compute_t<T>* beta, nondeduced_t<T>* dx, compute_t<T>* dalpha,
                        compute_t<T>* dbeta, ChannelShape shape, ParamScale scale, GradMode mode,
                        void* workspace, std::size_t workspace_bytes, cudaStream_t stream) {
  CUACT_ENTRY_POINT("snakebeta_backward");
  snakebeta_backward_checked(fn, x, dy, alpha, beta, dx, dalpha, dbeta, shape, scale, mode,
                             workspace, workspace_bytes, false, stream);
}

template <class T>
void snakebeta_backward(const T* x, const T* dy, const compute_t<T>* alpha,
                        const compute_t<T>* beta, nondeduced_t<T>* dx, compute_t<T>* dalpha,
                        compute_t<T>* dbeta, ChannelShape shape, ParamScale scale, GradMode mode,
                        cudaStream_t stream) {
  CUACT_ENTRY_POINT("snakebeta_backward");
  snakebeta_backward_checked(fn, x, dy, alpha, beta, dx, dalpha, dbeta, shape, scale, mode,
                             nullptr, 0, true, stream);
}

#define CUACT_DETAIL_INSTANTIATE_SNAKE_API(ctx, ENUM, value, T, name)                            \
  template void snake_forward<T>(const T*, const compute_t<T>*, T*, ChannelShape, ParamScale,    \
                                 cudaStream_t);                                                  \
  template std::size_t snake_backward_workspace_size<T>(ChannelShape);                           \
  template void snake_backward<T>(const T*, const T*, const compute_t<T>*, T*, compute_t<T>*,    \
                                  ChannelShape, ParamScale, GradMode, void*, std::size_t,        \
                                  cudaStream_t);                                                 \
  template void snake_backward<T>(const T*, const T*, const compute_t<T>*, T*, compute_t<T>*,    \
                                  ChannelShape, ParamScale, GradMode, cudaStream_t);             \
  template void snakebeta_forward<T>(const T*, const compute_t<T>*, const compute_t<T>*, T*,     \
                                     ChannelShape, ParamScale, cudaStream_t);                    \
  template std::size_t snakebeta_backward_workspace_size<T>(ChannelShape);                       \
  template void snakebeta_backward<T>(const T*, const T*, const compute_t<T>*,                   \
                                      const compute_t<T>*, T*, compute_t<T>*, compute_t<T>*,     \
                                      ChannelShape, ParamScale, GradMode, void*, std::size_t,    \
                                      cudaStream_t);                                             \
  template void snakebeta_backward<T>(const T*, const T*, const compute_t<T>*,                   \
                                      const compute_t<T>*, T*, compute_t<T>*, compute_t<T>*,     \
                                      ChannelShape, ParamScale, GradMode, cudaStream_t);

CUACT_DTYPES(CUACT_DETAIL_INSTANTIATE_SNAKE_API, ~)

}  // namespace cuact
