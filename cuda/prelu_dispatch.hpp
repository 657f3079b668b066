// PReLU on the channelwise engine (channelwise_dispatch.hpp) with its channel functor
// (prelu_channel.hpp): the modes PReLU has kernels for, and the finish of dalpha.
#pragma once

#include "cuda/channelwise_dispatch.hpp"
#include "cuda/prelu_channel.hpp"
#include "cuda/template_choice.hpp"

#include <cuact/channel_shape.hpp>

#include <cstdint>

namespace cuact::detail {

/// y = PReLU(x); y == x allowed.
template <class T, class Launcher>
void dispatch_prelu_forward(const Launcher& launcher, const ChannelwisePlan& plan, const T* x,
                            const compute_t<T>* alpha, T* y) {
  with_flags(
      [&](auto read_only) {
        dispatch_channelwise_forward<
            ChannelwiseMode<false, true, false, decltype(read_only)::value>>(
            launcher, plan, PreluChannel<T>{alpha}, x, y);
      },
      y != x);
}

/// dx and/or dalpha (launch.hpp's launch_prelu_backward): the pass, then, unless the plan is
/// direct, channel_grads_kernel over the partials in `workspace`
/// (dispatch_channelwise_backward).
template <class T, class Launcher>
void dispatch_prelu_backward(const Launcher& launcher, const ChannelwisePlan& plan, const T* x,
                             const T* dy, const compute_t<T>* alpha, T* dx, compute_t<T>* dalpha,
                             GradMode mode, void* workspace) {
  using C = compute_t<T>;
  // In place (dx == dy or dx == x) the inputs are written during the kernel: no read-only
  // loads then.
  const bool in_place = dx != nullptr && (dx == dy || dx == x);
  // The modes with kernels: dx and dalpha, dx alone, dalpha alone (no dx: read-only).
  with_flags(
      [&](auto dx_pass, auto dalpha_pass, auto read_only) {
        constexpr bool kDx = decltype(dx_pass)::value;
        constexpr bool kDalpha = decltype(dalpha_pass)::value;
        if constexpr (kDx || kDalpha) {
          dispatch_channelwise_backward<
              ChannelwiseMode<true, kDx, kDalpha, !kDx || decltype(read_only)::value>>(
              launcher, plan, PreluChannel<T>{alpha}, x, dy, dx, nullptr,
              GradPointers<C, 1>{{dalpha}}, mode, workspace);
        }  // else never asked for: the entry points want dx or dalpha
      },
      dx != nullptr, dalpha != nullptr, !in_place);
}

}  // namespace cuact::detail
