// Snake and SnakeBeta (learned_ops.hpp) as channel functors of the channelwise engine
// (channelwise_kernels.cuh): alpha (and beta) per channel, given as the parameters
// themselves or as their logarithms (BigVGAN's alpha_logscale: alpha = e^a), and the
// gradient terms of the parameters as given (with a log scale, dL/da = alpha dL/dalpha: each
// term times alpha, so the sum is of the terms the caller's parameters have). One kernel per
// pass: the backward writes whichever of dx and the gradients are not null
// (kOptionalOutputs).
#pragma once

#include <cuact/learned_ops.hpp>
#include <cuact/math.hpp>
#include <cuact/types.hpp>

#include <cstdint>

namespace cuact::detail {

/// A parameter as the functors use it: p itself, or e^p with a log scale.
template <class C>
CUACT_HOST_DEVICE C param_value(C p, bool log_scale) {
  return log_scale ? exp_for_compute(p) : p;
}

template <class T>
struct SnakeChannel {
  using Elem = T;
  using C = compute_t<T>;
  static constexpr int kTerms = 1;
  static constexpr bool kOptionalOutputs = true;
  static constexpr bool kRecompute = false;

  const C* alpha;
  bool log_scale;

  struct Channel {
    Snake<C> op;
    C scale;  // d alpha / d (the caller's parameter): 1, or alpha with a log scale
  };
  CUACT_HOST_DEVICE Channel channel(std::int64_t c) const {
    const C a = param_value(alpha[c], log_scale);
    return {Snake<C>(a), log_scale ? a : C(1)};
  }
  CUACT_HOST_DEVICE C forward(const Channel& ch, C x) const { return ch.op.forward(x); }
  CUACT_HOST_DEVICE C backward(const Channel& ch, C x, C dy, C (&terms)[1]) const {
    const typename Snake<C>::Grads g = ch.op.grads(x, dy);
    terms[0] = g.alpha * ch.scale;
    return g.dx;
  }
};

template <class T>
struct SnakeBetaChannel {
  using Elem = T;
  using C = compute_t<T>;
  static constexpr int kTerms = 2;  // dalpha, dbeta
  static constexpr bool kOptionalOutputs = true;
  static constexpr bool kRecompute = false;

  const C* alpha;
  const C* beta;
  bool log_scale;

  struct Channel {
    SnakeBeta<C> op;
    C alpha_scale, beta_scale;  // 1, or alpha and beta with a log scale
  };
  CUACT_HOST_DEVICE Channel channel(std::int64_t c) const {
    const C a = param_value(alpha[c], log_scale);
    const C b = param_value(beta[c], log_scale);
    return {SnakeBeta<C>(a, b), log_scale ? a : C(1), log_scale ? b : C(1)};
  }
  CUACT_HOST_DEVICE C forward(const Channel& ch, C x) const { return ch.op.forward(x); }
  CUACT_HOST_DEVICE C backward(const Channel& ch, C x, C dy, C (&terms)[2]) const {
    const typename SnakeBeta<C>::Grads g = ch.op.grads(x, dy);
    terms[0] = g.alpha * ch.alpha_scale;
    terms[1] = g.beta * ch.beta_scale;
    return g.dx;
  }
};

}  // namespace cuact::detail
