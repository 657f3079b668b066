// The math of every activation, written once.
//
// Fast math: cuact's kernels are compiled with cuact's own flags, so --use_fast_math in the
// caller's build changes nothing in them. These functors used in the caller's own kernels
// follow the caller's flags: under --use_fast_math (-ftz=true, approximate division, fast
// expf and tanhf) subnormal results flush to zero and the accuracy of docs/semantics.md no
// longer holds (an outside check found 513 of the 65,536 bf16 GELU forward outputs changed).
//
// Each activation is a small struct templated on its compute type C (float or double, see
// types.hpp) whose __host__ __device__ members are the formulas:
//
//   C forward(C x)                   y = f(x)
//   C grad_from_input(C x, C dy)     dx = dy * f'(x)
//   C grad_from_output(C y, C dy)    dx = dy * f'(x), from the saved output y = f(x); only
//                                    for ops where that is exact, and only valid where
//                                    allows_grad_from_output() is true
//
// and which describes itself to the rest of cuact: its name, kind, accuracy class, named
// parameters with PyTorch's defaults and their validation (op_traits.hpp lists the members).
// Every activation is named once in the registry (registry.h); the entry points, the C API,
// the layers, the kernels and the tests all come from there, and all call these members, so
// there is exactly one definition of each formula and of each rule.
//
// The branch conditions are PyTorch's CUDA ones, including at x == 0 (relu and relu6 give
// gradient 0; leaky_relu, prelu and the elu family take the negative-side gradient) and for
// NaN (a NaN input gives a NaN output; a NaN saved value lets dy through, scaled as on the
// positive side). docs/semantics.md states them for every op.
//
// The structs are usable in your own kernels: include this header from a .cu file.
#pragma once

#include <cuact/math.hpp>
#include <cuact/op_traits.hpp>
#include <cuact/types.hpp>

#include <cmath>

namespace cuact {


/// relu: y = x <= 0 ? 0 : x (NaN stays NaN, -0 gives +0); dx = v <= 0 ? 0 : dy.
/// Mask bit: !(x <= 0) (set for NaN, which lets dy through).
template <class C>
struct Relu {
  static constexpr const char* name = "relu";
  static constexpr OpKind kind = OpKind::unary;
  static constexpr Accuracy accuracy = kBitwise;

  CUACT_HOST_DEVICE C forward(C x) const { return x <= C(0) ? C(0) : x; }
  CUACT_HOST_DEVICE bool mask_bit(C x) const { return !(x <= C(0)); }
  CUACT_HOST_DEVICE C grad_from_mask_bit(bool bit, C dy) const { return bit ? dy : C(0); }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    return grad_from_mask_bit(mask_bit(x), dy);
  }
  // y > 0 exactly where x > 0, so the input rule applies to y unchanged.
  CUACT_HOST_DEVICE C grad_from_output(C y, C dy) const { return grad_from_input(y, dy); }
  CUACT_HOST_DEVICE bool allows_grad_from_output() const { return true; }
};

/// leaky_relu: y = x > 0 ? x : x*s; dx = v > 0 ? dy : dy*s. Mask bit: x > 0.
/// From the output only for s >= 0 (a negative slope makes y > 0 for some x <= 0).
template <class C>
struct LeakyRelu {
  static constexpr const char* name = "leaky_relu";
  static constexpr OpKind kind = OpKind::unary;
  static constexpr Accuracy accuracy = kBitwise;
  static constexpr const char* grad_from_output_rule = "negative_slope >= 0";

  C negative_slope = C(0.01);

  template <class Rules>
  void check(Rules& r) const {
    r.finite("negative_slope", negative_slope);
  }

  CUACT_HOST_DEVICE C forward(C x) const { return x > C(0) ? x : x * negative_slope; }
  CUACT_HOST_DEVICE bool mask_bit(C x) const { return x > C(0); }
  CUACT_HOST_DEVICE C grad_from_mask_bit(bool bit, C dy) const {
    return bit ? dy : dy * negative_slope;
  }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    return grad_from_mask_bit(mask_bit(x), dy);
  }
  CUACT_HOST_DEVICE C grad_from_output(C y, C dy) const { return grad_from_input(y, dy); }
  CUACT_HOST_DEVICE bool allows_grad_from_output() const { return negative_slope >= C(0); }
};

/// The elu family (elu, selu, celu), PyTorch's elu(x, alpha, scale, input_scale):
///   y  = x > 0 ? x*scale : expm1(x*input_scale) * neg_coef,      neg_coef = alpha*scale
///   dx = x <= 0 ? dy*input_scale*neg_coef*exp(x*input_scale) : dy*scale       (from x)
///   dx = y <= 0 ? dy*input_scale*(y + neg_coef) : dy*scale                    (from y)
/// From the output only for alpha >= 0. Outputs of 16-bit types take forward_16bit, a cheaper
/// expm1 of the accuracy they hold (see forward_for in op_traits.hpp). Precision note: y + neg_coef cancels for very
/// negative x (below about -17 for f32 outputs, about -5 for bf16 outputs); the absolute
/// error of that gradient is about one ulp of neg_coef times |dy|*input_scale. That loss is
/// inherent to keeping only y; keep x when it matters.
template <class C>
struct Elu {
  static constexpr const char* name = "elu";
  static constexpr OpKind kind = OpKind::unary;
  // expm1 (CUDA: 1 ulp) and exp (CUDA's expf: 2 ulp) differ from the C library's; the
  // gradient from the input multiplies exp by three more rounded factors.
  static constexpr Accuracy accuracy{2, 4, 2};
  static constexpr const char* grad_from_output_rule = "alpha >= 0";

  C alpha;
  C scale;
  C input_scale;
  C neg_coef;  // alpha * scale, rounded once so that kernels and CPU agree bit for bit

  /// elu(alpha) (PyTorch's default alpha = 1); scale and input_scale generalise it to
  /// PyTorch's elu(x, alpha, scale, input_scale), which selu and celu are.
  CUACT_HOST_DEVICE explicit Elu(C alpha_ = C(1), C scale_ = C(1), C input_scale_ = C(1))
      : alpha(alpha_), scale(scale_), input_scale(input_scale_), neg_coef(alpha_ * scale_) {}

  /// elu(alpha): scale = input_scale = 1.
  CUACT_HOST_DEVICE static Elu elu(C alpha) { return Elu(alpha); }
  /// selu's math (see Selu): fixed alpha and scale from Klambauer et al. (2017).
  CUACT_HOST_DEVICE static Elu selu() { return Elu(kSeluAlpha, kSeluScale); }
  /// celu's math (see Celu): scale = 1, input_scale = 1/alpha (alpha != 0).
  CUACT_HOST_DEVICE static Elu celu(C alpha) { return Elu(alpha, C(1), C(1) / alpha); }

  static constexpr C kSeluAlpha = C(1.6732632423543772848170429916717);
  static constexpr C kSeluScale = C(1.0507009873554804934193349852946);

  template <class Rules>
  void check(Rules& r) const {
    r.finite("alpha", alpha);
  }

  // Branch-free (detail::select): most elements of a tensor take both sides in one warp.
  CUACT_HOST_DEVICE C forward(C x) const {
    return detail::select(x > C(0), x * scale,
                          detail::expm1_for_compute(x * input_scale) * neg_coef);
  }
  /// The forward for f16 and bf16 outputs (C = float): the same formula with an expm1
  /// accurate to 2^-16 (the special function unit's exp2 and a series near 0), which costs a
  /// third of expm1f; the rounded 16-bit result is within 1 ulp of the correctly rounded one.
  CUACT_HOST_DEVICE C forward_16bit(C x) const {
    return detail::select(x > C(0), x * scale,
                          detail::expm1_for_16bit(x * input_scale) * neg_coef);
  }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    return detail::select(x <= C(0), dy * input_scale * neg_coef * detail::exp_c(x * input_scale),
                          dy * scale);
  }
  CUACT_HOST_DEVICE C grad_from_output(C y, C dy) const {
    return y <= C(0) ? dy * input_scale * (y + neg_coef) : dy * scale;
  }
  CUACT_HOST_DEVICE bool allows_grad_from_output() const { return alpha >= C(0); }
};

/// selu: the elu family with Klambauer et al.'s fixed alpha and scale. No parameters;
/// the gradient from the output is always allowed.
template <class C>
struct Selu : Elu<C> {
  static constexpr const char* name = "selu";
  static constexpr const char* grad_from_output_rule = nullptr;  // always allowed

  CUACT_HOST_DEVICE Selu() : Elu<C>(Elu<C>::kSeluAlpha, Elu<C>::kSeluScale) {}

  template <class Rules>
  void check(Rules&) const {}
};

/// celu(alpha): y = x > 0 ? x : alpha*expm1(x/alpha), the elu family with input_scale =
/// 1/alpha. alpha must be finite and non-zero, and 1/alpha finite in C. From the output only
/// for alpha > 0.
template <class C>
struct Celu : Elu<C> {
  static constexpr const char* name = "celu";
  static constexpr const char* grad_from_output_rule = "alpha > 0";

  CUACT_HOST_DEVICE explicit Celu(C alpha_ = C(1)) : Elu<C>(alpha_, C(1), C(1) / alpha_) {}

  template <class Rules>
  void check(Rules& r) const {
    r.finite("alpha", this->alpha);
    r.nonzero("alpha", this->alpha);
    // input_scale = 1/alpha: a subnormal alpha would make it infinite.
    r.finite_reciprocal("alpha", this->alpha);
  }
};

/// relu6 (hardtanh between 0 and 6): y = min(max(x, 0), 6) with NaN staying NaN and -0
/// giving +0; dx = (v <= 0 || v >= 6) ? 0 : dy. Mask bit: !(x <= 0 || x >= 6).
template <class C>
struct Relu6 {
  static constexpr const char* name = "relu6";
  static constexpr OpKind kind = OpKind::unary;
  static constexpr Accuracy accuracy = kBitwise;

  CUACT_HOST_DEVICE C forward(C x) const { return x <= C(0) ? C(0) : (x >= C(6) ? C(6) : x); }
  CUACT_HOST_DEVICE bool mask_bit(C x) const { return !(x <= C(0) || x >= C(6)); }
  CUACT_HOST_DEVICE C grad_from_mask_bit(bool bit, C dy) const { return bit ? dy : C(0); }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    return grad_from_mask_bit(mask_bit(x), dy);
  }
  // 0 < y < 6 exactly where 0 < x < 6.
  CUACT_HOST_DEVICE C grad_from_output(C y, C dy) const { return grad_from_input(y, dy); }
  CUACT_HOST_DEVICE bool allows_grad_from_output() const { return true; }
};

/// hardtanh: y = clamp(x, min_val, max_val) as x <= min_val ? min_val : (x >= max_val ?
/// max_val : x), so NaN stays NaN; dx = (v <= min_val || v >= max_val) ? 0 : dy, 0 at and
/// beyond the bounds (PyTorch's hardtanh_backward), NaN lets dy through. min_val < max_val,
/// both finite (PyTorch's defaults -1 and 1). The gradient from the output is exact: y lies
/// strictly between the bounds exactly where x does.
template <class C>
struct Hardtanh {
  static constexpr const char* name = "hardtanh";
  static constexpr OpKind kind = OpKind::unary;
  static constexpr Accuracy accuracy = kBitwise;

  C min_val = C(-1);
  C max_val = C(1);

  template <class Rules>
  void check(Rules& r) const {
    r.finite("min_val", min_val);
    r.finite("max_val", max_val);
    r.less("min_val", min_val, "max_val", max_val);
  }

  CUACT_HOST_DEVICE C forward(C x) const {
    return x <= min_val ? min_val : (x >= max_val ? max_val : x);
  }
  /// Mask bit: !(x <= min_val || x >= max_val).
  CUACT_HOST_DEVICE bool mask_bit(C x) const { return !(x <= min_val || x >= max_val); }
  CUACT_HOST_DEVICE C grad_from_mask_bit(bool bit, C dy) const { return bit ? dy : C(0); }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    return grad_from_mask_bit(mask_bit(x), dy);
  }
  CUACT_HOST_DEVICE C grad_from_output(C y, C dy) const { return grad_from_input(y, dy); }
  CUACT_HOST_DEVICE bool allows_grad_from_output() const { return true; }
};

/// prelu for one channel: y = x > 0 ? x : alpha*x; dx = x > 0 ? dy : alpha*dy; the channel's
/// alpha gradient sums alpha_grad_term(x, dy) = x > 0 ? 0 : x*dy over its elements.
/// Only from the input (the sign of y depends on alpha's sign).
namespace detail {
/// sigma(|x|) and sigma(-|x|) from one e = e^-|x|, each without cancellation: sigma(x) is
/// accurate for every x (also where 1/(1 + e^-x) would flush a subnormal result to 0).
template <class C>
struct SigmoidPair {
  C positive;  // sigma(|x|) = 1 / (1 + e)
  C negative;  // sigma(-|x|) = e / (1 + e)
  CUACT_HOST_DEVICE C of(C x) const { return x >= C(0) ? positive : negative; }
  CUACT_HOST_DEVICE C of_minus(C x) const { return x >= C(0) ? negative : positive; }
};
template <class C>
CUACT_HOST_DEVICE SigmoidPair<C> sigmoid_pair(C x) {
  const C e = exp_nonpositive_for_compute(-::fabs(x));
  const C s = reciprocal_newton(C(1) + e);
  return {s, e * s};
}
/// The same to the accuracy 16-bit results need (special function unit exp2 and rcp).
CUACT_HOST_DEVICE inline SigmoidPair<float> sigmoid_pair_16bit(float x) {
  const float e = exp_for_16bit(-::fabsf(x));
  const float s = reciprocal_approx(1.0f + e);
  return {s, e * s};
}
}  // namespace detail

/// sigmoid: y = 1/(1 + e^-x), evaluated as sigma(|x|) or e^-|x| sigma(|x|) so that it is
/// accurate everywhere (PyTorch's 1/(1 + exp(-x)) gives 0 below x = -88.7 in float, where
/// the true value is subnormal); dx = dy*sigma(x)*sigma(-x) from x; from y, PyTorch's
/// dx = dy*(1 - y)*y (exact IEEE operations on the saved y).
template <class C>
struct Sigmoid {
  static constexpr const char* name = "sigmoid";
  static constexpr OpKind kind = OpKind::unary;
  // e^x: CUDA's expf is within 2 ulp, the C library's within 1; one more rounding per
  // factor. From the output: basic operations only.
  static constexpr Accuracy accuracy{6, 8, 0};

  CUACT_HOST_DEVICE C forward(C x) const { return detail::sigmoid_pair(x).of(x); }
  CUACT_HOST_DEVICE C forward_16bit(C x) const { return detail::sigmoid_pair_16bit(x).of(x); }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    const auto s = detail::sigmoid_pair(x);
    return dy * (s.positive * s.negative);
  }
  CUACT_HOST_DEVICE C grad_from_input_16bit(C x, C dy) const {
    const auto s = detail::sigmoid_pair_16bit(x);
    return dy * (s.positive * s.negative);
  }
  CUACT_HOST_DEVICE C grad_from_output(C y, C dy) const { return dy * (C(1) - y) * y; }
  CUACT_HOST_DEVICE bool allows_grad_from_output() const { return true; }
};

/// tanh: y = tanh(x) (the math library's); dx = dy*(1 - tanh(x)^2), evaluated from x as
/// dy*4e/(1 + e)^2 with e = e^-2|x| (no cancellation for large |x|); from y, PyTorch's
/// dx = dy*(1 - y*y) with 1 - y*y as one fma.
template <class C>
struct Tanh {
  static constexpr const char* name = "tanh";
  static constexpr OpKind kind = OpKind::unary;
  // CUDA's tanhf and expf are within 2 ulp, the C library's within 1.
  static constexpr Accuracy accuracy{3, 8, 0};

  CUACT_HOST_DEVICE C forward(C x) const { return detail::tanh_for_compute(x); }
  /// tanh(x) = -m/(2 + m) with m = expm1(-2|x|), the sign of x restored.
  CUACT_HOST_DEVICE C forward_16bit(C x) const {
    const float m = detail::expm1_for_16bit(-2.0f * ::fabsf(x));
    return ::copysignf(-m * detail::reciprocal_approx(2.0f + m), x);
  }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    const C e = detail::exp_nonpositive_for_compute(C(-2) * ::fabs(x));
    const C q = C(2) * detail::reciprocal_newton(C(1) + e);
    return dy * (e * q * q);
  }
  CUACT_HOST_DEVICE C grad_from_input_16bit(C x, C dy) const {
    const float e = detail::exp_for_16bit(-2.0f * ::fabsf(x));
    const float q = 2.0f * detail::reciprocal_approx(1.0f + e);
    return dy * (e * q * q);
  }
  CUACT_HOST_DEVICE C grad_from_output(C y, C dy) const { return dy * detail::fma_c(-y, y, C(1)); }
  CUACT_HOST_DEVICE bool allows_grad_from_output() const { return true; }
};

/// silu (swish): y = x*sigma(x) (sigma as in Sigmoid: PyTorch's x/(1 + exp(-x)) gives -0
/// below x = -88.7 in float, cuact the subnormal value, within |x| units of the smallest
/// subnormal, since e^x is subnormal there; both give NaN at -inf);
/// dx = dy*sigma(x)*(1 + x*sigma(-x)), PyTorch's formula, with the sum as one fma. The
/// gradient crosses zero at x = -1.2785; there its error is absolute (grad_abs_eps).
template <class C>
struct Silu {
  static constexpr const char* name = "silu";
  static constexpr OpKind kind = OpKind::unary;
  static constexpr Accuracy accuracy{6, 8, 0, 4};

  CUACT_HOST_DEVICE C forward(C x) const { return x * detail::sigmoid_pair(x).of(x); }
  CUACT_HOST_DEVICE C forward_16bit(C x) const {
    return x * detail::sigmoid_pair_16bit(x).of(x);
  }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    const auto s = detail::sigmoid_pair(x);
    return dy * s.of(x) * detail::fma_c(x, s.of_minus(x), C(1));
  }
  CUACT_HOST_DEVICE C grad_from_input_16bit(C x, C dy) const {
    const auto s = detail::sigmoid_pair_16bit(x);
    return dy * s.of(x) * ::fmaf(x, s.of_minus(x), 1.0f);
  }
};

/// quick_gelu: y = x*sigma(t), t = 1.702 x rounded to the compute type (the sigmoid
/// approximation of GELU of GPT-2 and CLIP; PyTorch composes it as
/// x * torch.sigmoid(1.702 * x), rounding t too); dx = dy*(sigma(t) + x*1.702*sigma(t)*
/// sigma(-t)). The gradient crosses zero at x = -0.7512; there its error is absolute
/// (grad_abs_eps).
template <class C>
struct QuickGelu {
  static constexpr const char* name = "quick_gelu";
  static constexpr OpKind kind = OpKind::unary;
  static constexpr Accuracy accuracy{6, 8, 0, 4};
  static constexpr C kScale = C(1.702);

  CUACT_HOST_DEVICE C forward(C x) const {
    const C t = kScale * x;
    return x * detail::sigmoid_pair(t).of(t);
  }
  CUACT_HOST_DEVICE C forward_16bit(C x) const {
    const float t = kScale * x;
    return x * detail::sigmoid_pair_16bit(t).of(t);
  }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    const C t = kScale * x;
    const auto s = detail::sigmoid_pair(t);
    // sigma(t) + x * (1.702 sigma(t) sigma(-t)): t may overflow for huge finite x, and then
    // sigma(t) is 0 or 1, never multiplied by an infinity.
    return dy * detail::fma_c(x, kScale * (s.positive * s.negative), s.of(t));
  }
  CUACT_HOST_DEVICE C grad_from_input_16bit(C x, C dy) const {
    const float t = kScale * x;
    const auto s = detail::sigmoid_pair_16bit(t);
    return dy * ::fmaf(x, kScale * (s.positive * s.negative), s.of(t));
  }
};

/// mish: y = x*tanh(softplus(x)) = x*tanh(log1p(e^x)), as x*n/(n + 2) with e = e^x and
/// n = e(e + 2) (tanh(log1p(e)) = ((1 + e)^2 - 1)/((1 + e)^2 + 1): no log, no tanh); x itself
/// above x = 20, where tanh(softplus(x)) rounds to 1 in float and double;
/// dx = dy*(tanh(sp) + x*sech^2(sp)*sigma(x)) = dy*(n/(n + 2) + x*4e(1 + e)/(n + 2)^2).
/// The gradient crosses zero at x = -1.1924; there its error is absolute (grad_abs_eps). At
/// x = +inf the gradient is dy, its limit (PyTorch's formula gives NaN there). Where e^x is
/// subnormal (x below -87 in float), y carries e^x's absolute error, as silu.
template <class C>
struct Mish {
  static constexpr const char* name = "mish";
  static constexpr OpKind kind = OpKind::unary;
  static constexpr Accuracy accuracy{6, 8, 0, 4};

  CUACT_HOST_DEVICE C forward(C x) const {
    const C e = detail::exp_for_compute(x);
    const C n = e * (e + C(2));
    return x > C(20) ? x : x * detail::quotient_newton(n, n + C(2));
  }
  CUACT_HOST_DEVICE C forward_16bit(C x) const {
    const float e = detail::exp_for_16bit(x);
    const float n = e * (e + 2.0f);
    return x > 20.0f ? x : x * (n * detail::reciprocal_approx(n + 2.0f));
  }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    const C e = detail::exp_for_compute(x);
    const C n = e * (e + C(2));
    const C q = detail::reciprocal_newton(n + C(2));
    return x > C(20) ? dy : dy * detail::fma_c(x, C(4) * e * (C(1) + e) * q * q, n * q);
  }
  CUACT_HOST_DEVICE C grad_from_input_16bit(C x, C dy) const {
    const float e = detail::exp_for_16bit(x);
    const float n = e * (e + 2.0f);
    const float q = detail::reciprocal_approx(n + 2.0f);
    return x > 20.0f ? dy : dy * ::fmaf(x, 4.0f * e * (1.0f + e) * q * q, n * q);
  }
};

/// softplus(beta, threshold): y = x*beta > threshold ? x : log1p(e^(x*beta))/beta
/// (PyTorch's), evaluated with u = x*beta as (max(u, 0) + log1p(e^-|u|)) * (1/beta): e^u
/// never overflows (PyTorch's log1p(exp(u)) is inf above u = 88.7 in float when threshold
/// allows it) and log1p's argument is in (0, 1] (detail::log1p_exp_neg); 1/beta is rounded
/// once (the division of PyTorch is exact for powers of two, within an ulp otherwise).
/// dx = u > threshold ? dy : dy*sigma(u) (PyTorch's z/(z + 1), z = e^u, without its NaN
/// above u = 88.7). beta finite, non-zero, 1/beta finite in C; threshold finite (PyTorch's
/// defaults 1 and 20). -inf gives 0 (for beta > 0), NaN stays NaN.
template <class C>
struct Softplus {
  static constexpr const char* name = "softplus";
  static constexpr OpKind kind = OpKind::unary;
  // expf (2 ulp on the device, 1 on the host) through g's polynomial; the gradient is
  // sigmoid's.
  static constexpr Accuracy accuracy{4, 8, 0};

  C beta;
  C threshold;
  C inv_beta;  // 1/beta, rounded once so that kernels and CPU agree

  CUACT_HOST_DEVICE explicit Softplus(C beta_ = C(1), C threshold_ = C(20))
      : beta(beta_), threshold(threshold_), inv_beta(C(1) / beta_) {}

  template <class Rules>
  void check(Rules& r) const {
    r.finite("beta", beta);
    r.nonzero("beta", beta);
    r.finite_reciprocal("beta", beta);
    r.finite("threshold", threshold);
  }

  CUACT_HOST_DEVICE C forward(C x) const {
    const C u = x * beta;
    const C tail = detail::log1p_exp_neg(static_cast<C>(::fabs(u)));
    return detail::select(u > threshold, x, (static_cast<C>(::fmax(u, C(0))) + tail) * inv_beta);
  }
  CUACT_HOST_DEVICE C forward_16bit(C x) const {
    const float u = x * beta;
    const float tail = detail::log1p_exp_neg_16bit(::fabsf(u));
    return detail::select(u > threshold, x, (::fmaxf(u, 0.0f) + tail) * inv_beta);
  }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    const C u = x * beta;
    return u > threshold ? dy : dy * detail::sigmoid_pair(u).of(u);
  }
  CUACT_HOST_DEVICE C grad_from_input_16bit(C x, C dy) const {
    const float u = x * beta;
    return u > threshold ? dy : dy * detail::sigmoid_pair_16bit(u).of(u);
  }
};

/// Which GELU: PyTorch's F.gelu(x, approximate='none') or approximate='tanh'. Through the C
/// API and Activation, as its integer value.
enum class GeluApproximate : int {
  none = 0,  ///< x Phi(x), Phi the standard normal's distribution function
  tanh = 1,  ///< 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
};

/// gelu, approximate = none: y = x Phi(x) = 0.5 x erfc(-x/sqrt 2), evaluated as x (1 - Phi(-x))
/// for x >= 0 and x Phi(-x) below, Phi(-|x|) from the normal tail's Mills-ratio form
/// (detail::normal_tail): no cancellation anywhere (PyTorch's 0.5 x (1 + erf(x/sqrt 2)) is 0
/// in float below x = -5.5 and loses digits well before); -inf gives NaN, as in PyTorch.
/// dx = dy (Phi(x) + x phi(x)); it crosses zero at x = -0.7518 (absolute error there,
/// grad_abs_eps); at +-inf it is dy and 0, its limits (PyTorch's formula gives NaN).
template <class C>
struct GeluErf {
  static constexpr const char* name = "gelu";
  static constexpr OpKind kind = OpKind::unary;
  // The device's expf (2 ulp) and reciprocal (rcp.approx and a Newton step) against the
  // host's expf and division, through the tail's three products.
  static constexpr Accuracy accuracy{6, 8, 0, 4};
  // Past it the tail is 0 in C: |x| is clamped there (NaN stays NaN), so that x^2 cannot
  // overflow.
  static constexpr C kTailEnd = sizeof(C) == 4 ? C(16) : C(40);

  CUACT_HOST_DEVICE static C clamped_abs(C x) {
    const C a = ::fabs(x);
    return a > kTailEnd ? kTailEnd : a;
  }
  CUACT_HOST_DEVICE C forward(C x) const {
    const C tail = detail::normal_tail(clamped_abs(x)).tail;
    return x * (x < C(0) ? tail : C(1) - tail);
  }
  CUACT_HOST_DEVICE C forward_16bit(C x) const {
    const float tail = detail::normal_tail_16bit(::fabsf(x)).tail;
    return x * (x < 0.0f ? tail : 1.0f - tail);
  }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    const C a = clamped_abs(x);
    const auto n = detail::normal_tail(a);
    return dy * detail::fma_c(C(::copysign(a, x)), n.density, x < C(0) ? n.tail : C(1) - n.tail);
  }
  CUACT_HOST_DEVICE C grad_from_input_16bit(C x, C dy) const {
    const float a = clamped_abs(x);
    const auto n = detail::normal_tail_16bit(a);
    return dy * ::fmaf(::copysignf(a, x), n.density, x < 0.0f ? n.tail : 1.0f - n.tail);
  }
};

/// gelu, approximate = tanh: y = 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3)
/// computed as PyTorch does in C (x^3 = x*x*x, one fma), evaluated as x sigma(2u) (the same
/// value without the cancellation of 1 + tanh(u) for negative x: PyTorch's is 0 in float below
/// about x = -9); dx = dy (sigma(2u) + x sigma(2u) sigma(-2u) 2 sqrt(2/pi) (1 + 3 0.044715 x^2)),
/// PyTorch's derivative; it crosses zero at x = -0.752461 (grad_abs_eps); at +-inf it is dy and
/// 0, its limits.
template <class C>
struct GeluTanh {
  static constexpr const char* name = "gelu";
  static constexpr OpKind kind = OpKind::unary;
  static constexpr Accuracy accuracy{6, 8, 0, 4};  // as silu's: sigmoid of one argument
  static constexpr C kBeta = C(0.797884560802865355);  // sqrt(2/pi)
  static constexpr C kKappa = C(0.044715);

  /// 2u, PyTorch's inner value doubled (exactly).
  CUACT_HOST_DEVICE static C twice_inner(C x) {
    return C(2) * (kBeta * detail::fma_c(kKappa, x * x * x, x));
  }
  /// sigma(2u) + x sigma(2u) sigma(-2u) d(2u)/dx, from sigma(+-|2u|). Beyond |x| = 1e4,
  /// sigma(2u) sigma(-2u) is 0: x is clamped there so that x times d(2u)/dx cannot overflow
  /// into inf * 0.
  CUACT_HOST_DEVICE static C derivative(C x, C w, detail::SigmoidPair<C> s) {
    const C xc = ::fmin(::fmax(x, C(-1e4)), C(1e4));
    const C dw = (C(2) * kBeta) * detail::fma_c(C(3) * kKappa, xc * xc, C(1));
    return detail::fma_c(xc * dw, s.positive * s.negative, s.of(w));
  }
  CUACT_HOST_DEVICE C forward(C x) const {
    const C w = twice_inner(x);
    return x * detail::sigmoid_pair(w).of(w);
  }
  CUACT_HOST_DEVICE C forward_16bit(C x) const {
    const float w = twice_inner(x);
    return x * detail::sigmoid_pair_16bit(w).of(w);
  }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    const C w = twice_inner(x);
    return dy * derivative(x, w, detail::sigmoid_pair(w));
  }
  CUACT_HOST_DEVICE C grad_from_input_16bit(C x, C dy) const {
    const float w = twice_inner(x);
    return dy * derivative(x, w, detail::sigmoid_pair_16bit(w));
  }
};

/// gelu(approximate): PyTorch's F.gelu, GeluErf or GeluTanh by the parameter (default none).
/// Kernels run the chosen one's own code (visit), so each form costs only its instructions.
template <class C>
struct Gelu {
  static constexpr const char* name = "gelu";
  static constexpr OpKind kind = OpKind::unary;
  static constexpr Accuracy accuracy{6, 8, 0, 4};  // the larger of the two forms'

  GeluApproximate approximate = GeluApproximate::none;

  template <class Rules>
  void check(Rules& r) const {
    r.one_of("approximate", static_cast<int>(approximate), {"none", "tanh"});
  }

  /// fn(GeluErf<C>{}) or fn(GeluTanh<C>{}).
  template <class Fn>
  decltype(auto) visit(Fn&& fn) const {
    return approximate == GeluApproximate::tanh ? fn(GeluTanh<C>{}) : fn(GeluErf<C>{});
  }

  CUACT_HOST_DEVICE bool tanh_form() const { return approximate == GeluApproximate::tanh; }
  CUACT_HOST_DEVICE C forward(C x) const {
    return tanh_form() ? GeluTanh<C>{}.forward(x) : GeluErf<C>{}.forward(x);
  }
  CUACT_HOST_DEVICE C forward_16bit(C x) const {
    return tanh_form() ? GeluTanh<C>{}.forward_16bit(x) : GeluErf<C>{}.forward_16bit(x);
  }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    return tanh_form() ? GeluTanh<C>{}.grad_from_input(x, dy)
                       : GeluErf<C>{}.grad_from_input(x, dy);
  }
  CUACT_HOST_DEVICE C grad_from_input_16bit(C x, C dy) const {
    return tanh_form() ? GeluTanh<C>{}.grad_from_input_16bit(x, dy)
                       : GeluErf<C>{}.grad_from_input_16bit(x, dy);
  }
};

namespace detail {
/// min(max(x + 3, 0), 6) in PyTorch's order (std::max, then std::min: NaN stays NaN), the
/// clamp hardsigmoid and hardswish share.
template <class C>
CUACT_HOST_DEVICE C clamp_x_plus_3(C x) {
  const C t = x + C(3);
  const C lower = t < C(0) ? C(0) : t;
  return C(6) < lower ? C(6) : lower;
}
}  // namespace detail

/// hardsigmoid: y = min(max(x + 3, 0), 6)/6 (PyTorch's order of operations; NaN stays NaN);
/// dx = (-3 < v < 3) ? dy*(1/6) : 0, 0 at and beyond the bounds and for NaN. From the
/// output, 0 < y < 1 stands for -3 < x < 3, which holds for every x but, in float and
/// double, the one just below 3 whose x + 3 rounds to 6 (x = 2.99999976f): there the
/// gradient from y is 0, from x dy/6.
template <class C>
struct Hardsigmoid {
  static constexpr const char* name = "hardsigmoid";
  static constexpr OpKind kind = OpKind::unary;
  static constexpr Accuracy accuracy = kBitwise;

  CUACT_HOST_DEVICE C forward(C x) const { return detail::clamp_x_plus_3(x) / C(6); }
  /// The same bits for 16-bit inputs, with divide_exactly<6> for the division.
  CUACT_HOST_DEVICE C forward_16bit(C x) const {
    return detail::divide_exactly<6>(detail::clamp_x_plus_3(x));
  }
  /// Mask bit: -3 < x < 3 (clear for NaN).
  CUACT_HOST_DEVICE bool mask_bit(C x) const { return x > C(-3) && x < C(3); }
  CUACT_HOST_DEVICE C grad_from_mask_bit(bool bit, C dy) const {
    return bit ? dy * C(1.0 / 6.0) : C(0);
  }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    return grad_from_mask_bit(mask_bit(x), dy);
  }
  CUACT_HOST_DEVICE C grad_from_output(C y, C dy) const {
    return (y > C(0) && y < C(1)) ? dy * C(1.0 / 6.0) : C(0);
  }
  CUACT_HOST_DEVICE bool allows_grad_from_output() const { return true; }
};

/// hardswish: y = x*min(max(x + 3, 0), 6)/6 (PyTorch's order of operations, but x itself
/// above max/6, where PyTorch's x*6 overflows to inf; -inf gives NaN, as in PyTorch);
/// dx = x <= -3 ? 0 : (x < 3 ? dy*(x/3 + 1/2) : dy): PyTorch's branches since 2.8 (CPU and
/// CUDA: 0 at x = -3, dy at x = 3; earlier releases gave -dy/2 and 3dy/2 there), NaN passes
/// dy (as PyTorch's CUDA kernel). Only from the input.
template <class C>
struct Hardswish {
  static constexpr const char* name = "hardswish";
  static constexpr OpKind kind = OpKind::unary;
  static constexpr Accuracy accuracy = kBitwise;

  CUACT_HOST_DEVICE C forward(C x) const {
    const C y = x * detail::clamp_x_plus_3(x) / C(6);
    // Above max/6, x*6 overflows: PyTorch gives inf there, cuact x itself.
    return (::fabs(y) == C(INFINITY) && ::fabs(x) != C(INFINITY)) ? x : y;
  }
  /// The same bits for 16-bit inputs: for x >= 3, x*6 is exact and so x*6/6 = x; below,
  /// divide_exactly<6> for the division.
  CUACT_HOST_DEVICE C forward_16bit(C x) const {
    return x >= C(3) ? x : detail::divide_exactly<6>(x * detail::clamp_x_plus_3(x));
  }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    return x <= C(-3) ? C(0) : (x < C(3) ? dy * (x / C(3) + C(0.5)) : dy);
  }
  /// The same bits for 16-bit inputs, with divide_exactly<3> for the division.
  CUACT_HOST_DEVICE C grad_from_input_16bit(C x, C dy) const {
    return x <= C(-3) ? C(0) : (x < C(3) ? dy * (detail::divide_exactly<3>(x) + C(0.5)) : dy);
  }
};

/// squared_relu: y = relu(x)^2 = x <= 0 ? 0 : x*x (NaN stays NaN); dx = x <= 0 ? 0 : 2*x*dy
/// (NaN gives NaN), as (x*dy)*2, which overflows only where the result does. Only from the
/// input.
template <class C>
struct SquaredRelu {
  static constexpr const char* name = "squared_relu";
  static constexpr OpKind kind = OpKind::unary;
  static constexpr Accuracy accuracy = kBitwise;

  CUACT_HOST_DEVICE C forward(C x) const { return x <= C(0) ? C(0) : x * x; }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    return x <= C(0) ? C(0) : x * dy * C(2);
  }
};

/// hardshrink(lambd): y = (x >= -lambd && x <= lambd) ? 0 : x, PyTorch's; dx the same rule
/// on dy. NaN passes (y = NaN, dx = dy). Mask bit: the pass-through branch. Any lambd, as
/// PyTorch (a negative one zeroes nothing); compared in the compute type (PyTorch rounds lambd
/// to a 16-bit tensor's type first, which moves the bounds by less than an ulp of lambd).
/// From the output where lambd >= 0: y is x or 0 exactly, and 0 only inside the bounds.
template <class C>
struct Hardshrink {
  static constexpr const char* name = "hardshrink";
  static constexpr OpKind kind = OpKind::unary;
  static constexpr Accuracy accuracy = kBitwise;
  static constexpr const char* grad_from_output_rule = "lambd >= 0";

  C lambd = C(0.5);

  // No check(): PyTorch accepts every lambd.

  CUACT_HOST_DEVICE bool mask_bit(C x) const { return !(x >= -lambd && x <= lambd); }
  CUACT_HOST_DEVICE C forward(C x) const { return mask_bit(x) ? x : C(0); }
  CUACT_HOST_DEVICE C grad_from_mask_bit(bool bit, C dy) const { return bit ? dy : C(0); }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    return grad_from_mask_bit(mask_bit(x), dy);
  }
  // y == 0 exactly where x is inside the bounds (x = 0 included) when lambd >= 0.
  CUACT_HOST_DEVICE C grad_from_output(C y, C dy) const { return y == C(0) ? C(0) : dy; }
  CUACT_HOST_DEVICE bool allows_grad_from_output() const { return lambd >= C(0); }
};

/// softshrink(lambd): y = x > lambd ? x - lambd : (x < -lambd ? x + lambd : 0), NaN stays NaN
/// (PyTorch's CUDA kernel); dx = (x >= -lambd && x <= lambd) ? 0 : dy (NaN passes dy).
/// lambd >= 0, as PyTorch requires, and finite. Mask bit: the pass-through branch. Only from
/// the input (a 16-bit y of x just past the bound can round to 0).
template <class C>
struct Softshrink {
  static constexpr const char* name = "softshrink";
  static constexpr OpKind kind = OpKind::unary;
  static constexpr Accuracy accuracy = kBitwise;

  C lambd = C(0.5);

  template <class Rules>
  void check(Rules& r) const {
    r.finite("lambd", lambd);
    r.non_negative("lambd", lambd);
  }

  CUACT_HOST_DEVICE C forward(C x) const {
    return x > lambd ? x - lambd : (x < -lambd ? x + lambd : (x == x ? C(0) : x));
  }
  CUACT_HOST_DEVICE bool mask_bit(C x) const { return !(x >= -lambd && x <= lambd); }
  CUACT_HOST_DEVICE C grad_from_mask_bit(bool bit, C dy) const { return bit ? dy : C(0); }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    return grad_from_mask_bit(mask_bit(x), dy);
  }
};

/// tanhshrink: y = x - tanh(x), PyTorch's definition, evaluated without cancellation near 0
/// (PyTorch's x - tanh(x) loses every digit there: in float it is 0 below about |x| = 2^-12,
/// where the true value is x^3/3). Below |x| = 1, from Lambert's continued fraction
/// x/tanh(x) = 1 + K, K = z/(3 + z/(5 + z/(7 + ...))), z = x^2 (detail::tanh_fraction):
/// x - tanh(x) = x K/(1 + K), every term positive. From |x| = 1 up, with e = e^(-2|x|):
/// |x| - tanh|x| = (|x| - 1) + 2e/(1 + e), where |x| - 1 is exact up to |x| = 2 and no larger
/// than the sum beyond (nothing cancels). One reciprocal serves both (a division's cost is
/// over the issue-rate budget). -0 gives +0, as PyTorch's -0 - tanh(-0). dx = dy*tanh(x)^2,
/// PyTorch's derivative, as (dy*t)*t (no underflow of t^2 for small x). Only from the input.
template <class C>
struct Tanhshrink {
  static constexpr const char* name = "tanhshrink";
  static constexpr OpKind kind = OpKind::unary;
  // expf (CUDA within 2 ulp, the C library's 1) and the device's rcp.approx; the gradient
  // squares tanh. Double differs only by reciprocal_newton's last bit.
  static constexpr Accuracy accuracy{6, 8, 0};
  // The fraction's depth: its truncation at |x| = 1 is 1.8e-9 (float) and 1.1e-16 (double)
  // of K, which enters the result times 1/(1 + K) <= 0.76.
  static constexpr int kDepth = sizeof(C) == 4 ? 5 : 8;

  CUACT_HOST_DEVICE C forward(C x) const {
    const C a = static_cast<C>(::fabs(x));
    const auto k = detail::tanh_fraction<kDepth>(x * x);
    const C e = detail::exp_nonpositive_for_compute(C(-2) * a);
    const bool small = a < C(1);
    const C r = detail::reciprocal_for_compute(detail::select(small, k.den + k.num, C(1) + e));
    const C big = detail::fma_c(C(2) * e, r, a - C(1));
    // The fma with + 0 turns -0 into PyTorch's +0 and changes nothing else.
    return detail::select(small, detail::fma_c(x * k.num, r, C(0)), x < C(0) ? -big : big);
  }
  /// The same formulas to the accuracy 16-bit results need: a fraction of depth 3 (2.6e-5 of
  /// K at |x| = 1), the special function unit's exp2 (e^(-2|x|) may flush to 0 once it is
  /// far below |x| - 1) and reciprocal, the sign applied once at the end.
  CUACT_HOST_DEVICE C forward_16bit(C x) const {
    const float a = ::fabsf(x);
    const auto k = detail::tanh_fraction<3>(x * x);
    const float e = detail::exp2_approx(a * -2.88539008177792681f);  // 2 log2(e)
    const bool small = a < 1.0f;
    const float r = detail::reciprocal_approx(detail::select(small, k.den + k.num, 1.0f + e));
    const float magnitude =
        detail::select(small, a * k.num * r, ::fmaf(2.0f * e, r, a - 1.0f));
    return x < 0.0f ? -magnitude : magnitude;  // -0 gives +0
  }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    const C t = detail::tanh_for_compute(x);
    return dy * t * t;
  }
  /// tanh to 2^-16 (Tanh's 16-bit form): its square is far inside a 16-bit result's ulp.
  CUACT_HOST_DEVICE C grad_from_input_16bit(C x, C dy) const {
    const float t = Tanh<float>{}.forward_16bit(x);
    return dy * t * t;
  }
};

/// softsign: y = x/(1 + |x|), PyTorch's composition, but +-1 at +-inf, its limits (PyTorch's
/// inf/inf gives NaN); dx = dy/(1 + |x|)^2, as dy/(1 + |x|)/(1 + |x|) (no overflow of the
/// square): PyTorch's autograd of its composition gives the same value. IEEE divisions in
/// float and double (bit for bit on the device); for 16-bit results the special function
/// unit's reciprocal (within 1 ulp). Only from the input (1 - |y| cancels as |x| grows).
template <class C>
struct Softsign {
  static constexpr const char* name = "softsign";
  static constexpr OpKind kind = OpKind::unary;
  // Float and double agree bit for bit; the 16-bit forms' rcp.approx moves a result by at
  // most 1 ulp of its type.
  static constexpr Accuracy accuracy{1, 1, 0};

  CUACT_HOST_DEVICE C forward(C x) const {
    const C a = static_cast<C>(::fabs(x));
    return a == C(INFINITY) ? (x > C(0) ? C(1) : C(-1)) : x / (C(1) + a);
  }
  /// |x| is clamped at 2^30 (NaN kept), where the 16-bit result is 1: rcp.approx flushes
  /// reciprocals below 2^-126 to 0, and infinities need no case of their own.
  CUACT_HOST_DEVICE C forward_16bit(C x) const {
    const float a = ::fabsf(x) > 0x1p30f ? 0x1p30f : ::fabsf(x);
    return ::copysignf(a * detail::reciprocal_approx(1.0f + a), x);
  }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    const C q = C(1) + static_cast<C>(::fabs(x));
    return dy / q / q;
  }
  CUACT_HOST_DEVICE C grad_from_input_16bit(C x, C dy) const {
    const float r = detail::reciprocal_approx(1.0f + ::fabsf(x));
    return dy * r * r;
  }
};

/// logsigmoid: y = log(sigma(x)) = min(x, 0) - log1p(e^-|x|), PyTorch's form, with
/// log1p(e^-a) as softplus's (detail::log1p_exp_neg: no log, no overflow, nothing cancels);
/// dx = dy*sigma(-x) (PyTorch's 1/(1 + z) or z/(1 + z), z = e^-|x|), from sigmoid's pair.
/// NaN stays NaN; -inf gives -inf, +inf gives 0 (PyTorch's 0 - log1p(0)). Only from the
/// input: PyTorch's backward reads x too (its CPU kernel keeps a buffer; cuact needs none).
template <class C>
struct LogSigmoid {
  static constexpr const char* name = "logsigmoid";
  static constexpr OpKind kind = OpKind::unary;
  // expf (2 ulp on the device, 1 on the host) through softplus's polynomial; the gradient is
  // sigmoid's.
  static constexpr Accuracy accuracy{4, 8, 0};

  CUACT_HOST_DEVICE C forward(C x) const {
    const C tail = detail::log1p_exp_neg(static_cast<C>(::fabs(x)));
    return (x < C(0) ? x : C(0)) - tail;
  }
  CUACT_HOST_DEVICE C forward_16bit(C x) const {
    const float tail = detail::log1p_exp_neg_16bit(::fabsf(x));
    return (x < 0.0f ? x : 0.0f) - tail;
  }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    return dy * detail::sigmoid_pair(x).of_minus(x);
  }
  CUACT_HOST_DEVICE C grad_from_input_16bit(C x, C dy) const {
    return dy * detail::sigmoid_pair_16bit(x).of_minus(x);
  }
};

/// threshold(threshold, value): y = x <= threshold ? value : x, PyTorch's (NaN stays NaN);
/// dx = x <= threshold ? 0 : dy (NaN passes dy). PyTorch has no defaults: cuact's are 0 and
/// 0 (relu). Any values, as PyTorch; both in the compute type (a 16-bit y = value is rounded
/// once, as PyTorch rounds value to the tensor's type). Mask bit: !(x <= threshold). Only
/// from the input (y = value does not tell which side x was on).
template <class C>
struct Threshold {
  static constexpr const char* name = "threshold";
  static constexpr OpKind kind = OpKind::unary;
  static constexpr Accuracy accuracy = kBitwise;
  static constexpr bool pytorch_has_defaults = false;  // F.threshold requires both

  C threshold = C(0);
  C value = C(0);

  // No check(): PyTorch accepts every threshold and value.

  CUACT_HOST_DEVICE bool mask_bit(C x) const { return !(x <= threshold); }
  CUACT_HOST_DEVICE C forward(C x) const { return mask_bit(x) ? x : value; }
  CUACT_HOST_DEVICE C grad_from_mask_bit(bool bit, C dy) const { return bit ? dy : C(0); }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    return grad_from_mask_bit(mask_bit(x), dy);
  }
};

/// Not an elementwise registry entry: PReLU has its own entry points (prelu.hpp), since its
/// alpha is a per-channel tensor.
template <class C>
struct Prelu {
  static constexpr const char* name = "prelu";
  static constexpr OpKind kind = OpKind::unary;
  static constexpr Accuracy accuracy = kBitwise;

  C alpha;

  CUACT_HOST_DEVICE C forward(C x) const { return x > C(0) ? x : alpha * x; }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const { return x > C(0) ? dy : alpha * dy; }
  CUACT_HOST_DEVICE C alpha_grad_term(C x, C dy) const { return x > C(0) ? C(0) : x * dy; }
  /// Never: the sign of y depends on alpha's (kept for code written against cuact 0.1).
  CUACT_HOST_DEVICE bool allows_grad_from_output() const { return false; }
};

}  // namespace cuact
