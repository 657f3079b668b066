// Bias + activation on the channelwise engine (channelwise_dispatch.hpp) with its channel
// functor (bias_channel.hpp): launch.hpp's launch_bias, on any launcher. One kernel per pass
// and tiling: the forward, and a backward that writes whichever of dx, the recomputed y and
// dbias are asked for (kOptionalOutputs), with coherent loads, so that y == x and dx == dy
// (or x) in place need no kernels of their own.
#pragma once

#include "cuda/bias_channel.hpp"
#include "cuda/channelwise_dispatch.hpp"
#include "cuda/launch.hpp"

#include <cuact/channel_shape.hpp>
#include <cuact/error.hpp>
#include <cuact/op_traits.hpp>

#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>

namespace cuact::detail {

/// Whether Op has a gradient from the input (every activation; not the bias alone's identity,
/// bias_identity.hpp, whose gradient needs no saved tensor).
template <class Op, class = void>
struct has_grad_from_input : std::false_type {};
template <class Op>
struct has_grad_from_input<
    Op, std::void_t<decltype(std::declval<const Op&>().grad_from_input(0.0f, 0.0f))>>
    : std::true_type {};

using BiasForwardMode = ChannelwiseMode<false, true, false, false>;
using BiasBackwardMode = ChannelwiseMode<true, true, true, false>;

template <Pass kPass, class Op, class T, class Launcher>
void dispatch_bias_pass(const Launcher& launcher, const ChannelwisePlan& plan, const Op& op,
                        const T* v, const T* dy, const compute_t<T>* bias, T* out, T* out2,
                        compute_t<T>* dbias, GradMode mode, void* workspace) {
  using C = compute_t<T>;
  using F = BiasChannel<Op, T, kPass>;
  if constexpr (kPass == Pass::forward) {
    dispatch_channelwise_forward<BiasForwardMode>(launcher, plan, F{op, bias}, v, out);
  } else {
    dispatch_channelwise_backward<BiasBackwardMode>(
        launcher, plan, F{op, bias}, v, dy, out, kPass == Pass::grad_from_input ? out2 : nullptr,
        GradPointers<C, 1>{{dbias}}, mode, workspace);
  }
}

/// launch.hpp's launch_bias, on `launcher`.
template <class Op, class T, class Launcher>
void dispatch_bias(const Launcher& launcher, const char* fn, Pass pass,
                   const ChannelwisePlan& plan, const Op& op, const T* v, const T* dy,
                   const compute_t<T>* bias, T* out, T* out2, compute_t<T>* dbias, GradMode mode,
                   void* workspace) {
  if constexpr (has_visit<Op>::value) {
    // One kernel per formula the op's parameters select (gelu: erf or tanh).
    op.visit([&](const auto& form) {
      dispatch_bias(launcher, fn, pass, plan, form, v, dy, bias, out, out2, dbias, mode,
                    workspace);
    });
  } else {
    switch (pass) {
      case Pass::forward:
        return dispatch_bias_pass<Pass::forward>(launcher, plan, op, v, dy, bias, out, out2,
                                                 dbias, mode, workspace);
      // Only ops with a gradient of each kind get its kernels; the entry points never ask the
      // others for it.
      case Pass::grad_from_input:
        if constexpr (has_grad_from_input<Op>::value) {
          return dispatch_bias_pass<Pass::grad_from_input>(launcher, plan, op, v, dy, bias, out,
                                                           out2, dbias, mode, workspace);
        }
        break;
      case Pass::grad_from_output:
        if constexpr (has_grad_from_output_v<Op>) {
          return dispatch_bias_pass<Pass::grad_from_output>(launcher, plan, op, v, dy, bias, out,
                                                            out2, dbias, mode, workspace);
        }
        break;
    }
    throw invalid_argument(std::string(fn) + ": internal error: no such pass for " + Op::name);
  }
}

}  // namespace cuact::detail
