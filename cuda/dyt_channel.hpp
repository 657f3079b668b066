// DyT (learned_ops.hpp) as a channel functor of the channelwise engine
// (channelwise_kernels.cuh): gamma and beta per channel, alpha one scalar (read from device
// memory, where training updates it). Three gradient terms per channel: dgamma's, dbeta's,
// and dalpha's, whose per-channel sums dyt_dispatch.hpp then sums over the channels. One
// kernel per pass (kOptionalOutputs).
#pragma once

#include <cuact/learned_ops.hpp>
#include <cuact/types.hpp>

#include <cstdint>

namespace cuact::detail {

template <class T>
struct DytChannel {
  using Elem = T;
  using C = compute_t<T>;
  static constexpr int kTerms = 3;  // dgamma, dbeta, dalpha (per channel, then summed)
  static constexpr bool kOptionalOutputs = true;
  static constexpr bool kRecompute = false;

  const C* alpha;  // one value
  const C* gamma;
  const C* beta;  // null in the backward, which does not read it

  struct Channel {
    Dyt<C> op;
  };
  CUACT_HOST_DEVICE Channel channel(std::int64_t c) const {
    return {Dyt<C>(alpha[0], gamma[c], beta != nullptr ? beta[c] : C(0))};
  }
  CUACT_HOST_DEVICE C forward(const Channel& ch, C x) const { return ch.op.forward(x); }
  CUACT_HOST_DEVICE C backward(const Channel& ch, C x, C dy, C (&terms)[3]) const {
    const typename Dyt<C>::Grads g = ch.op.grads(x, dy);
    terms[0] = g.gamma;
    terms[1] = g.beta;
    terms[2] = g.alpha;
    return g.dx;
  }
};

}  // namespace cuact::detail
