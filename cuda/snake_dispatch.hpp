// Snake and SnakeBeta on the channelwise engine (channelwise_dispatch.hpp) with their
// channel functors (snake_channel.hpp): launch.hpp's launch_snake and launch_snakebeta, on
// any launcher. One kernel per pass and tiling, with coherent loads, so that y == x and
// dx == dy (or x) in place need no kernels of their own, and the backward writes whichever
// of dx and the gradients are asked for.
#pragma once

#include "cuda/channelwise_dispatch.hpp"
#include "cuda/snake_channel.hpp"

#include <cuact/channel_shape.hpp>

namespace cuact::detail {

using SnakeForwardMode = ChannelwiseMode<false, true, false, false>;
using SnakeBackwardMode = ChannelwiseMode<true, true, true, false>;

/// The forward (dy null: y = snake(x) into out) or the backward (dx into out when not null,
/// grads when grads.p[0] is not null) of channel functor F (SnakeChannel, SnakeBetaChannel).
template <class F, class Launcher>
void dispatch_snake(const Launcher& launcher, const ChannelwisePlan& plan, const F& f,
                    const typename F::Elem* x, const typename F::Elem* dy,
                    typename F::Elem* out,
                    const GradPointers<compute_t<typename F::Elem>, F::kTerms>& grads,
                    GradMode mode, void* workspace) {
  if (dy == nullptr) {
    dispatch_channelwise_forward<SnakeForwardMode>(launcher, plan, f, x, out);
  } else {
    dispatch_channelwise_backward<SnakeBackwardMode>(launcher, plan, f, x, dy, out, nullptr,
                                                     grads, mode, workspace);
  }
}

}  // namespace cuact::detail
