// PReLU as a channel functor of the channelwise engine (channelwise_kernels.cuh): alpha per
// channel, dx = x > 0 ? dy : alpha*dy, and one gradient term, dalpha's x > 0 ? 0 : x*dy.
#pragma once

#include <cuact/ops.hpp>
#include <cuact/types.hpp>

#include <cstdint>

namespace cuact::detail {

template <class T>
struct PreluChannel {
  using Elem = T;
  using C = compute_t<T>;
  static constexpr int kTerms = 1;
  static constexpr bool kOptionalOutputs = false;  // the dispatch picks the outputs' kernels
  static constexpr bool kRecompute = false;

  const C* alpha;  // null when only dalpha is computed (then alpha is not needed)

  struct Channel {
    C alpha;
  };
  CUACT_HOST_DEVICE Channel channel(std::int64_t c) const {
    return {alpha != nullptr ? alpha[c] : C(0)};
  }
  CUACT_HOST_DEVICE C forward(const Channel& ch, C x) const {
    return Prelu<C>{ch.alpha}.forward(x);
  }
  CUACT_HOST_DEVICE C backward(const Channel& ch, C x, C dy, C (&terms)[1]) const {
    const Prelu<C> op{ch.alpha};
    terms[0] = op.alpha_grad_term(x, dy);
    return op.grad_from_input(x, dy);
  }
};

}  // namespace cuact::detail
