// The math of every activation, written once.
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
template <class C>
struct Relu {
  static constexpr const char* name = "relu";
  static constexpr OpKind kind = OpKind::unary;
  static constexpr Accuracy accuracy = kBitwise;

  CUACT_HOST_DEVICE C forward(C x) const { return x <= C(0) ? C(0) : x; }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const { return x <= C(0) ? C(0) : dy; }
  // y > 0 exactly where x > 0, so the input rule applies to y unchanged.
  CUACT_HOST_DEVICE C grad_from_output(C y, C dy) const { return grad_from_input(y, dy); }
  CUACT_HOST_DEVICE bool allows_grad_from_output() const { return true; }
};

/// leaky_relu: y = x > 0 ? x : x*s; dx = v > 0 ? dy : dy*s.
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
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    return x > C(0) ? dy : dy * negative_slope;
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

  CUACT_HOST_DEVICE C forward(C x) const {
    return x > C(0) ? x * scale : detail::expm1_for_compute(x * input_scale) * neg_coef;
  }
  /// The forward for f16 and bf16 outputs (C = float): the same formula with an expm1
  /// accurate to 2^-16 (the special function unit's exp2 and a series near 0), which costs a
  /// third of expm1f; the rounded 16-bit result is within 1 ulp of the correctly rounded one.
  CUACT_HOST_DEVICE C forward_16bit(C x) const {
    return x > C(0) ? x * scale : detail::expm1_for_16bit(x * input_scale) * neg_coef;
  }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    return x <= C(0) ? dy * input_scale * neg_coef * detail::exp_c(x * input_scale) : dy * scale;
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
/// giving +0; dx = (v <= 0 || v >= 6) ? 0 : dy.
template <class C>
struct Relu6 {
  static constexpr const char* name = "relu6";
  static constexpr OpKind kind = OpKind::unary;
  static constexpr Accuracy accuracy = kBitwise;

  CUACT_HOST_DEVICE C forward(C x) const { return x <= C(0) ? C(0) : (x >= C(6) ? C(6) : x); }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    return (x <= C(0) || x >= C(6)) ? C(0) : dy;
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
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const {
    return (x <= min_val || x >= max_val) ? C(0) : dy;
  }
  CUACT_HOST_DEVICE C grad_from_output(C y, C dy) const { return grad_from_input(y, dy); }
  CUACT_HOST_DEVICE bool allows_grad_from_output() const { return true; }
};

/// prelu for one channel: y = x > 0 ? x : alpha*x; dx = x > 0 ? dy : alpha*dy; the channel's
/// alpha gradient sums alpha_grad_term(x, dy) = x > 0 ? 0 : x*dy over its elements.
/// Only from the input (the sign of y depends on alpha's sign).
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
