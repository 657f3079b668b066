// Bias + activation as a channel functor of the channelwise engine (channelwise_kernels.cuh):
// y = op(x + b[c]), dx = dy * op'(x + b[c]) (or from y, for ops that allow it), and one
// gradient term, dbias's dx. The term is dx as stored, rounded to T, so that dbias is the
// sum over each channel of the dx the caller gets, as autograd's sum of dx would be.
#pragma once

#include "cuda/launch.hpp"

#include <cuact/op_traits.hpp>
#include <cuact/types.hpp>

#include <cstdint>

namespace cuact::detail {

template <class Op, class T, Pass kPass>
struct BiasChannel {
  using Elem = T;
  using C = compute_t<T>;
  static constexpr int kTerms = 1;
  // One kernel per pass: dx, the recomputed y and dbias are each written when not null.
  static constexpr bool kOptionalOutputs = true;
  static constexpr bool kRecompute = kPass == Pass::grad_from_input;

  Op op;
  const C* bias;  // unused from the output

  struct Channel {
    C b;
  };
  CUACT_HOST_DEVICE Channel channel(std::int64_t c) const {
    if constexpr (kPass == Pass::grad_from_output) {
      (void)c;
      return {C(0)};
    } else {
      return {bias[c]};
    }
  }
  /// x + b is formed in C, not rounded to T: a fused kernel keeps it in registers.
  CUACT_HOST_DEVICE C forward(const Channel& ch, C x) const { return forward_for<T>(op, x + ch.b); }
  CUACT_HOST_DEVICE C backward(const Channel& ch, C v, C dy, C (&terms)[1]) const {
    C dx;
    if constexpr (kPass == Pass::grad_from_output) {
      dx = op.grad_from_output(v, dy);
    } else {
      dx = grad_from_input_for<T>(op, v + ch.b, dy);
    }
    terms[0] = to_compute(from_compute<T>(dx));
    return dx;
  }
};

}  // namespace cuact::detail
