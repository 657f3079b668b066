// The CPU reference: plain loops over the same functors (ops.hpp) the kernels run, with the
// same conversions (widen to compute_t<T>, round once on store). Used by the tests and by
// the benchmark's result check.
#pragma once

#include <cuact/activations.hpp>
#include <cuact/mask.hpp>
#include <cuact/ops.hpp>
#include <cuact/prelu.hpp>
#include <cuact/rrelu.hpp>

#include "cuda/snake_channel.hpp"
#include "tests/support/philox.hpp"
#include <cuact/types.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace cuact::reference {

/// y[i] = f(x[i]), by op.forward, or op.forward_16bit for 16-bit T (forward_for), as the
/// kernels compute it.
template <class Op, class T>
void forward(const Op& op, const T* x, T* y, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    y[i] = from_compute<T>(forward_for<T>(op, to_compute(x[i])));
  }
}

/// dx[i] = gradient at the saved value v[i] (input or output, as `saved` says) times dy[i],
/// from the input by grad_from_input_for (the 16-bit form for 16-bit T), as the kernels.
template <class Op, class T>
void backward(const Op& op, Saved saved, const T* v, const T* dy, T* dx, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    const auto vi = to_compute(v[i]);
    const auto dyi = to_compute(dy[i]);
    if (saved == Saved::input) {
      dx[i] = from_compute<T>(grad_from_input_for<T>(op, vi, dyi));
    } else if constexpr (has_grad_from_output_v<Op>) {
      dx[i] = from_compute<T>(op.grad_from_output(vi, dyi));
    }
  }
}

/// The mask forward_with_mask writes (mask.hpp), written from its documented layout: bit
/// i % 32 of word i / 32 is op.mask_bit(x[i]); bits past n are 0.
template <class Op, class T>
std::vector<std::uint32_t> mask(const Op& op, const T* x, std::int64_t n) {
  std::vector<std::uint32_t> words(static_cast<std::size_t>(mask_words(n)), 0u);
  for (std::int64_t i = 0; i < n; ++i) {
    if (op.mask_bit(to_compute(x[i]))) {
      words[static_cast<std::size_t>(i / 32)] |= 1u << (i % 32);
    }
  }
  return words;
}

/// dx[i] = op.grad_from_mask_bit(bit i of mask, dy[i]), as backward_from_mask computes it.
template <class Op, class T>
void backward_from_mask(const Op& op, const std::uint32_t* mask, const T* dy, T* dx,
                        std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    dx[i] = from_compute<T>(op.grad_from_mask_bit(mask_bit_at(mask, i), to_compute(dy[i])));
  }
}

/// RReLU's training slope of element i of a T tensor (rrelu.hpp), from the CPU Philox.
template <class T>
compute_t<T> rrelu_slope(const RRelu<compute_t<T>>& op, RReluKey key, std::int64_t i) {
  constexpr int per_value = RRelu<compute_t<T>>::template elements_per_value<T>;
  const std::uint32_t r = philox_value(key.seed, key.offset, static_cast<std::uint64_t>(i) / per_value);
  return op.template slope_of<T>(r, static_cast<int>(i % per_value));
}

/// RReLU in training: y[i] = op.forward(x[i], slope of i).
template <class T>
void rrelu_forward(const RRelu<compute_t<T>>& op, RReluKey key, const T* x, T* y, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    y[i] = from_compute<T>(op.forward(to_compute(x[i]), rrelu_slope<T>(op, key, i)));
  }
}

/// RReLU's training gradient from v = x or y.
template <class T>
void rrelu_backward(const RRelu<compute_t<T>>& op, RReluKey key, const T* v, const T* dy, T* dx,
                    std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    dx[i] = from_compute<T>(op.grad(to_compute(v[i]), to_compute(dy[i]), rrelu_slope<T>(op, key, i)));
  }
}

/// The channel of flat element i of a PReLU tensor.
inline std::int64_t prelu_channel(const PreluShape& s, std::int64_t i) {
  return (i / s.inner) % s.channels;
}

/// y = Prelu{alpha[c]}.forward(x).
template <class T>
void prelu_forward(const T* x, const compute_t<T>* alpha, T* y, const PreluShape& s) {
  for (std::int64_t i = 0; i < s.numel(); ++i) {
    y[i] =
        from_compute<T>(Prelu<compute_t<T>>{alpha[prelu_channel(s, i)]}.forward(to_compute(x[i])));
  }
}

/// The alpha gradient per channel, summed in double (exact terms for every element type but
/// double), with the sum of the terms' magnitudes for error bounds.
struct PreluAlphaGrad {
  std::vector<double> sum;
  std::vector<double> abs_sum;
};

/// dx (when not null) as the kernels compute it, and the alpha gradient in double.
template <class T>
PreluAlphaGrad prelu_backward(const T* x, const T* dy, const compute_t<T>* alpha, T* dx,
                              const PreluShape& s) {
  PreluAlphaGrad g{std::vector<double>(s.channels, 0.0), std::vector<double>(s.channels, 0.0)};
  for (std::int64_t i = 0; i < s.numel(); ++i) {
    const std::int64_t c = prelu_channel(s, i);
    const auto xi = to_compute(x[i]);
    const auto dyi = to_compute(dy[i]);
    if (dx != nullptr) {
      dx[i] = from_compute<T>(Prelu<compute_t<T>>{alpha[c]}.grad_from_input(xi, dyi));
    }
    const double term = Prelu<double>{0.0}.alpha_grad_term(xi, dyi);
    g.sum[c] += term;
    g.abs_sum[c] += std::fabs(term);
  }
  return g;
}

/// |gpu - exact| allowed for a channel's dalpha, the sum of `terms` terms whose magnitudes
/// sum to abs_sum: floating-point sums of E terms in a fixed blocked/tree order have rounding
/// errors that grow like sqrt(E) (Higham, "Accuracy and Stability of Numerical Algorithms",
/// 2nd ed., section 4.2); 4 sqrt(E) + 64 units of eps * sum|terms| leaves a wide margin over
/// that and the tree depths. The terms themselves are exact products for the 16-bit types
/// and round once for float/double. The one dalpha tolerance of tests and benchmark.
template <class T>
double dalpha_tolerance(double abs_sum, std::int64_t terms) {
  const double eps = std::numeric_limits<compute_t<T>>::epsilon();
  return eps * abs_sum * (4.0 * std::sqrt(static_cast<double>(terms)) + 64.0) + 1e-300;
}

/// A learned activation's forward over a channel tensor as the kernels compute each element:
/// the channel functor F of the channelwise engine (cuda/snake_channel.hpp) on the host.
template <class F>
void channel_forward(const F& f, const typename F::Elem* x, typename F::Elem* y,
                     const ChannelShape& s) {
  for (std::int64_t i = 0; i < s.numel(); ++i) {
    const auto ch = f.channel(prelu_channel(s, i));
    y[i] = from_compute<typename F::Elem>(f.forward(ch, to_compute(x[i])));
  }
}

/// The parameter gradients of a channel functor per term and channel: its terms (in its
/// compute type, as the kernels have them) summed in long double, with the sum of their
/// magnitudes for error bounds.
struct ParamGrads {
  std::vector<std::vector<double>> sum;      // [term][channel]
  std::vector<std::vector<double>> abs_sum;  // [term][channel]
};

/// dx (when not null) as the kernels compute it, and the parameter gradients.
template <class F>
ParamGrads channel_backward(const F& f, const typename F::Elem* x, const typename F::Elem* dy,
                            typename F::Elem* dx, const ChannelShape& s) {
  using C = compute_t<typename F::Elem>;
  std::vector<std::vector<long double>> sum(F::kTerms, std::vector<long double>(s.channels));
  std::vector<std::vector<long double>> abs_sum = sum;
  for (std::int64_t i = 0; i < s.numel(); ++i) {
    const std::int64_t c = prelu_channel(s, i);
    C terms[F::kTerms];
    const C g = f.backward(f.channel(c), to_compute(x[i]), to_compute(dy[i]), terms);
    if (dx != nullptr) {
      dx[i] = from_compute<typename F::Elem>(g);
    }
    for (int t = 0; t < F::kTerms; ++t) {
      sum[t][c] += terms[t];
      abs_sum[t][c] += std::fabs(static_cast<long double>(terms[t]));
    }
  }
  ParamGrads out;
  for (int t = 0; t < F::kTerms; ++t) {
    out.sum.emplace_back(sum[t].begin(), sum[t].end());
    out.abs_sum.emplace_back(abs_sum[t].begin(), abs_sum[t].end());
  }
  return out;
}

}  // namespace cuact::reference
