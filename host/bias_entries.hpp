// The bias + activation entry points (bias.hpp): check the op's parameters, the shape and
// the buffers, then launch. Instantiated per activation of the registry, for every element
// type, by the generated cuact_host/<name>_bias.cpp (CUACT_INSTANTIATE_BIAS_ENTRIES), so that
// a program calling one activation's bias passes links only that activation's bias kernels.
#pragma once

#include "cuda/detail/cuda_check.hpp"
#include "cuda/launch.hpp"
#include "host/argument_checks.hpp"
#include "host/built_activations.hpp"
#include "host/channel_checks.hpp"
#include "host/entry_point.hpp"
#include "host/op_registry.hpp"

#include <cuact/bias.hpp>

#include <cstdint>
#include <string>

namespace cuact {

namespace detail {

/// The workspace size function's name, for messages.
inline constexpr const char* kBiasSizeFunction = "bias_backward_workspace_size";

/// Launches a checked bias backward with the caller's workspace, or (allocate) with one
/// allocated stream-ordered on `stream` around the launch when the plan needs one (dbias
/// through partials).
template <class Op, class T>
void launch_bias_backward(const char* fn, Pass pass, const ChannelwisePlan& plan, const Op& op,
                          const T* v, const T* dy, const compute_t<T>* bias, T* dx, T* y,
                          compute_t<T>* dbias, GradMode mode, void* workspace, bool allocate,
                          cudaStream_t stream) {
  with_channelwise_workspace(fn, plan, dbias != nullptr, allocate, workspace, stream,
                             [&](void* ws) {
                               launch_bias<Op, T>(fn, pass, plan, op, v, dy, bias, dx, y, dbias,
                                                  mode, ws, stream);
                             });
}

template <class Op, class T>
void bias_backward_checked(const char* fn, const Op& op, const T* v, const T* dy,
                           const compute_t<T>* bias, T* dx, compute_t<T>* dbias, T* y,
                           ChannelShape shape, Saved saved, GradMode mode, void* workspace,
                           std::size_t workspace_bytes, bool allocate, cudaStream_t stream) {
  expect_valid_grad_mode(fn, mode);
  if (saved == Saved::output && y != nullptr) {
    throw_invalid_argument(fn, "'y' is not null but saved is Saved::output: y is the saved "
                               "tensor, nothing to recompute");
  }
  const std::int64_t n = expect_channelwise_shape<T>(fn, shape);
  if (n == 0) {
    return;
  }
  if (dx == nullptr && dbias == nullptr && y == nullptr) {
    throw_invalid_argument(fn, "'dx', 'dbias' and 'y' are all null: nothing to compute");
  }
  const auto bytes = n * static_cast<std::int64_t>(sizeof(T));
  const auto bias_bytes = param_bytes_of<T>(shape);
  const ChannelwisePlan plan = channelwise_plan_for<T>(fn, shape, dbias != nullptr);
  if (dbias != nullptr && !allocate) {
    expect_workspace(fn, workspace, workspace_bytes, plan.workspace_bytes, "dbias",
                     kBiasSizeFunction);
  }
  // bias is not read from the output; dx may be in place over v or dy and y over v; dbias
  // and the workspace are apart from everything.
  const bool from_output = saved == Saved::output;
  expect_call_tensors(
      fn, n,
      {{"v", v, bytes}, {"dy", dy, bytes}, {"bias", from_output ? nullptr : bias, bias_bytes, true,
                                             from_output}},
      {{"dx", dx, bytes, false, true},
       {"y", y, bytes, false, true},
       {"workspace", dbias != nullptr && !allocate ? workspace : nullptr,
        static_cast<std::int64_t>(workspace_bytes), true, true},
       {"dbias", dbias, bias_bytes, true, true}});

  launch_bias_backward(fn, from_output ? Pass::grad_from_output : Pass::grad_from_input, plan,
                       op, v, dy, bias, dx, y, dbias, mode, workspace, allocate, stream);
}

/// A forward's checks of its shape and tensors, then its launch (after the op's own checks).
template <class Op, class T>
void bias_forward_checked(const char* fn, const Op& op, const T* x, const compute_t<T>* bias,
                          T* y, ChannelShape shape, cudaStream_t stream) {
  const std::int64_t n = expect_channelwise_shape<T>(fn, shape);
  if (n == 0) {
    return;
  }
  const auto bytes = n * static_cast<std::int64_t>(sizeof(T));
  expect_call_tensors(fn, n, {{"x", x, bytes}, {"bias", bias, param_bytes_of<T>(shape), true}},
                      {{"y", y, bytes}});
  launch_bias<Op, T>(fn, Pass::forward, channelwise_plan_for<T>(fn, shape, false), op, x,
                     nullptr, bias, y, nullptr, nullptr, GradMode::overwrite, nullptr, stream);
}

/// The checks every bias backward makes first: built, parameters, saved allowed.
template <template <class> class Op, class T>
void expect_bias_backward_op(const char* fn, const Op<compute_t<T>>& op, Saved saved) {
  using Info = OpInfo<Op>;
  expect_built<Op<compute_t<T>>>(fn);
  expect_valid_params(fn, op);
  expect_saved_allowed(fn, op, saved, Info::param_names, Info::values(op));
}

}  // namespace detail

template <template <class> class Op, class T>
void bias_forward(const Op<compute_t<T>>& op, const T* x, const compute_t<T>* bias,
                  nondeduced_t<T>* y, ChannelShape shape, cudaStream_t stream) {
  // Messages and NVTX ranges carry the named function's name: "gelu_bias_forward".
  CUACT_ENTRY_POINT(std::string(Op<compute_t<T>>::name) + "_bias_forward");
  detail::expect_built<Op<compute_t<T>>>(fn);
  detail::expect_valid_params(fn, op);
  if constexpr (detail::built_v<Op<compute_t<T>>>) {  // else expect_built threw
    detail::bias_forward_checked(fn, op, x, bias, y, shape, stream);
  }
}

template <template <class> class Op, class T>
void bias_backward(const Op<compute_t<T>>& op, const T* v, const T* dy, const compute_t<T>* bias,
                   nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                   ChannelShape shape, Saved saved, GradMode mode, void* workspace,
                   std::size_t workspace_bytes, cudaStream_t stream) {
  CUACT_ENTRY_POINT(std::string(Op<compute_t<T>>::name) + "_bias_backward");
  detail::expect_bias_backward_op<Op, T>(fn, op, saved);
  if constexpr (detail::built_v<Op<compute_t<T>>>) {
    detail::bias_backward_checked(fn, op, v, dy, bias, dx, dbias, y, shape, saved, mode,
                                  workspace, workspace_bytes, false, stream);
  }
}

template <template <class> class Op, class T>
void bias_backward(const Op<compute_t<T>>& op, const T* v, const T* dy, const compute_t<T>* bias,
                   nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                   ChannelShape shape, Saved saved, GradMode mode, cudaStream_t stream) {
  CUACT_ENTRY_POINT(std::string(Op<compute_t<T>>::name) + "_bias_backward");
  detail::expect_bias_backward_op<Op, T>(fn, op, saved);
  if constexpr (detail::built_v<Op<compute_t<T>>>) {
    detail::bias_backward_checked(fn, op, v, dy, bias, dx, dbias, y, shape, saved, mode, nullptr,
                                  0, true, stream);
  }
}

}  // namespace cuact

#define CUACT_DETAIL_INSTANTIATE_BIAS_ENTRIES(Functor, ENUM, value, T, name)                    \
  template void ::cuact::bias_forward<Functor, T>(const Functor<::cuact::compute_t<T>>&,        \
                                                  const T*, const ::cuact::compute_t<T>*, T*,   \
                                                  ::cuact::ChannelShape, cudaStream_t);         \
  template void ::cuact::bias_backward<Functor, T>(                                             \
      const Functor<::cuact::compute_t<T>>&, const T*, const T*, const ::cuact::compute_t<T>*, \
      T*, ::cuact::compute_t<T>*, T*, ::cuact::ChannelShape, ::cuact::Saved,                    \
      ::cuact::GradMode, void*, std::size_t, cudaStream_t);                                     \
  template void ::cuact::bias_backward<Functor, T>(                                             \
      const Functor<::cuact::compute_t<T>>&, const T*, const T*, const ::cuact::compute_t<T>*, \
      T*, ::cuact::compute_t<T>*, T*, ::cuact::ChannelShape, ::cuact::Saved,                    \
      ::cuact::GradMode, cudaStream_t);

/// Instantiates the bias + activation entry points of unary activation template `Functor`
/// (ops.hpp) for every element type; the kernels they call are those of the same
/// activation's generated <name>_bias.cu.
#define CUACT_INSTANTIATE_BIAS_ENTRIES(Functor) \
  CUACT_DTYPES(CUACT_DETAIL_INSTANTIATE_BIAS_ENTRIES, Functor)
