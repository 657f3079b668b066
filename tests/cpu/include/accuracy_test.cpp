// The accuracy contract of docs/semantics.md for the smooth activations, against references
// written independently of the functors in long double (64-bit significand, 11 bits more
// than double; the formulas below have no cancellation where they are used, except the
// gradients' zeros, which the absolute floor covers):
//   - f16 and bf16, every one of the 65,536 inputs: the forward within 1 ulp of the correctly
//     rounded value, the backward (dy = 1, -2.5, 0.3 and a dy near the type's largest) within
//     1 ulp, with the device's approximations modelled by a relative error of 2^-20 either way;
//   - float and double: a million sampled inputs and the edges within the bounds below, the
//     gradient for dy = 1, a sampled dy (log-uniform over 2^-12 .. 2^12, either sign) and a huge
//     one (2^104 in float, 2^1000 in double);
//   - for both, two absolute allowances, where the docs give them: the gradient's floor of
//     k eps |dy| within kZeroWindow of the gradient's zero, and the subnormal rule: where the
//     exact f(x) or f'(x) is below max(1, |x|) times the smallest normal number of the compute
//     type, the result may be (1 + u |x|) units of the smallest subnormal off (times |dy| for
//     gradients).
// Built with -DCUACT_CALIBRATE, the sampled checks print the worst cases they meet instead of
// checking them (how the stated bounds were measured).
#include <cuact/learned_ops.hpp>
#include <cuact/ops.hpp>
#include <cuact/types.hpp>

#include "tests/support/ulp.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

namespace cuact {
namespace {

using LD = long double;

LD sigmoid_l(LD x) { return 1.0L / (1.0L + ::expl(-x)); }
// sigma(x) sigma(-x) = e/(1 + e)^2 with e = e^-|x|.
LD sigmoid_grad_l(LD x) {
  const LD e = ::expl(-::fabsl(x));
  return e / ((1.0L + e) * (1.0L + e));
}
LD tanh_grad_l(LD x) {
  const LD c = ::coshl(x);
  return 1.0L / (c * c);
}
LD silu_l(LD x) { return x / (1.0L + ::expl(-x)); }
LD silu_grad_l(LD x) {
  return sigmoid_l(x) * (1.0L + x * sigmoid_l(-x));  // 1 - s as s(-x): no cancellation
}
// quick_gelu is defined with t = 1.702 x rounded to the compute type C (as PyTorch's
// composition rounds it), so its references take C.
template <class C>
LD quick_gelu_t(LD x) {
  return static_cast<LD>(static_cast<C>(C(1.702) * static_cast<C>(x)));
}
template <class C>
LD quick_gelu_l(LD x) {
  return x * sigmoid_l(quick_gelu_t<C>(x));
}
template <class C>
LD quick_gelu_grad_l(LD x) {
  const LD t = quick_gelu_t<C>(x);
  return sigmoid_l(t) + x * static_cast<LD>(C(1.702)) * sigmoid_l(t) * sigmoid_l(-t);
}
// mish = x tanh(log1p(e^x)); its derivative tanh(sp) + x sech^2(sp) sigma(x), with sech^2
// as 1/cosh^2 (no cancellation).
LD mish_l(LD x) { return x * ::tanhl(::log1pl(::expl(x))); }
LD mish_grad_l(LD x) {
  if (std::isinf(static_cast<double>(x)) && x > 0) {
    return 1.0L;  // the limit (the formula below gives inf * 0 there)
  }
  const LD sp = ::log1pl(::expl(x));
  const LD c = ::coshl(sp);
  return ::tanhl(sp) + x * sigmoid_l(x) / (c * c);
}
// gelu = x Phi(x) with Phi(x) = erfc(-x/sqrt 2)/2 (long double's erfc: no cancellation for
// negative x); its derivative Phi(x) + x phi(x). At +-inf the gradient's limits, 1 and 0.
LD normal_cdf_l(LD x) { return ::erfcl(-x * 0.707106781186547524400844362104849039L) / 2; }
LD normal_pdf_l(LD x) { return ::expl(-x * x / 2) * 0.398942280401432677939946059934381868L; }
LD gelu_l(LD x) { return x * normal_cdf_l(x); }
LD gelu_grad_l(LD x) {
  if (std::isinf(static_cast<double>(x))) {
    return x > 0 ? 1.0L : 0.0L;
  }
  return normal_cdf_l(x) + x * normal_pdf_l(x);
}
// gelu(approximate = tanh) is defined with PyTorch's inner value u = sqrt(2/pi) (x + 0.044715
// x^3) computed in C (x^3 as x*x*x, one fma), so its references take C: y = x sigma(2u),
// dy/dx = sigma(2u) + x sigma(2u) sigma(-2u) 2 sqrt(2/pi) (1 + 3 0.044715 x^2).
template <class C>
LD gelu_tanh_w(LD x) {
  const C xc = static_cast<C>(x);
  return static_cast<LD>(C(2) * (C(0.797884560802865355) * std::fma(C(0.044715), xc * xc * xc, xc)));
}
template <class C>
LD gelu_tanh_l(LD x) {
  return x * sigmoid_l(gelu_tanh_w<C>(x));
}
template <class C>
LD gelu_tanh_grad_l(LD x) {
  if (std::isinf(static_cast<double>(x))) {
    return x > 0 ? 1.0L : 0.0L;
  }
  const LD w = gelu_tanh_w<C>(x);
  return sigmoid_l(w) + x * sigmoid_grad_l(w) * 2 * 0.797884560802865355L *
                            (1 + 3 * 0.044715L * x * x);
}
// softplus at PyTorch's defaults (beta = 1, threshold = 20): x itself above 20.
LD softplus_l(LD x) { return x > 20 ? x : ::log1pl(::expl(x)); }
LD softplus_grad_l(LD x) { return x > 20 ? 1.0L : sigmoid_l(x); }
LD clamp06_l(LD t) { return t < 0 ? 0.0L : (t > 6 ? 6.0L : t); }
LD hardsigmoid_l(LD x) { return clamp06_l(x + 3) / 6; }
LD hardsigmoid_grad_l(LD x) { return (x > -3 && x < 3) ? 1.0L / 6 : 0.0L; }
LD hardswish_l(LD x) { return x * clamp06_l(x + 3) / 6; }
LD hardswish_grad_l(LD x) { return x <= -3 ? 0.0L : (x < 3 ? x / 3 + 0.5L : 1.0L); }
LD squared_relu_l(LD x) { return x <= 0 ? 0.0L : x * x; }
LD squared_relu_grad_l(LD x) { return x <= 0 ? 0.0L : 2 * x; }

// tanhshrink = x - tanh(x): below |x| = 1/2 from tanh's Taylor series, whose coefficients
// come from tanh' = 1 - tanh^2 (a_0 = 1, (2n + 1) a_n = -sum_{i+j=n-1} a_i a_j), 40 terms
// (remainder below 2^-100); above, x - tanhl(x) loses at most 4 of long double's 11 spare bits.
LD tanhshrink_l(LD x) {
  if (!(::fabsl(x) < 0.5L)) {
    return x - ::tanhl(x);
  }
  static const std::vector<LD> a = [] {
    std::vector<LD> c{1.0L};
    for (int n = 1; n < 41; ++n) {
      LD sum = 0;
      for (int i = 0; i < n; ++i) {
        sum += c[i] * c[n - 1 - i];
      }
      c.push_back(-sum / (2 * n + 1));
    }
    return c;
  }();
  const LD z = x * x;
  LD p = 0;
  for (int n = 40; n >= 1; --n) {
    p = p * z - a[n];  // x - tanh(x) = -sum_{n>=1} a_n x^(2n+1)
  }
  return x * z * p;
}
LD tanhshrink_grad_l(LD x) {
  const LD t = ::tanhl(x);
  return t * t;
}
LD softsign_l(LD x) {
  return std::isinf(static_cast<double>(x)) ? (x > 0 ? 1.0L : -1.0L) : x / (1 + ::fabsl(x));
}
LD softsign_grad_l(LD x) {
  const LD q = 1 + ::fabsl(x);
  return 1 / (q * q);
}
// log(sigma(x)) = x - log1p(e^x) below 0, -log1p(e^-x) above: nothing cancels.
LD logsigmoid_l(LD x) { return x < 0 ? x - ::log1pl(::expl(x)) : -::log1pl(::expl(-x)); }
LD logsigmoid_grad_l(LD x) { return sigmoid_l(-x); }

template <class T>
std::uint16_t bits16(T v) {
  std::uint16_t b;
  std::memcpy(&b, &v, 2);
  return b;
}
template <class T>
T from_bits16(std::uint16_t b) {
  T v;
  std::memcpy(static_cast<void*>(&v), &b, 2);
  return v;
}

/// The T nearest to v (ties to even), from the neighbours of a float rounding: no double
/// rounding.
template <class T>
T round_exactly(LD v) {
  const T guess = from_compute<T>(static_cast<float>(v));
  if (!std::isfinite(static_cast<double>(v)) || std::isnan(to_compute(guess))) {
    return guess;
  }
  T best = guess;
  LD best_error = ::fabsl(static_cast<LD>(to_compute(guess)) - v);
  for (int step : {-1, 1}) {
    const T n = from_bits16<T>(static_cast<std::uint16_t>(bits16(guess) + step));
    if (std::isnan(to_compute(n))) {
      continue;
    }
    const LD e = ::fabsl(static_cast<LD>(to_compute(n)) - v);
    if (e < best_error || (e == best_error && (bits16(n) & 1) == 0)) {
      best = n;
      best_error = e;
    }
  }
  return best;
}

/// The gradient's absolute floor applies this close to its zero only.
constexpr double kZeroWindow = 1.0;

/// The subnormal rule's allowance: (1 + units |x|) smallest subnormals of C, times
/// max(1, |dy|) for a gradient (dy = 1 for a forward).
template <class C>
double subnormal_allowance(double units, LD x, double dy) {
  return (1.0 + (units > 0 ? units * static_cast<double>(::fabsl(x)) : 0.0)) *
         static_cast<double>(std::numeric_limits<C>::denorm_min()) *
         std::max(1.0, std::fabs(dy));
}

/// Whether `got` (a float result about to be rounded to T) stays within 1 ulp of the
/// correctly rounded `exact`, or within `allowed` of it (an absolute allowance: the floor near
/// a zero, the subnormal rule), also when the device computes it with a relative error of up
/// to 2^-20.
template <class T>
::testing::AssertionResult close_16bit(float got, LD exact, double allowed) {
  const T want = round_exactly<T>(exact);
  for (double delta : {0.0, -0x1p-20, 0x1p-20}) {
    const T g = from_compute<T>(static_cast<float>(got * (1.0 + delta)));
    if (reference::ulp_distance(want, g) <= 1) {
      continue;
    }
    // The allowance, plus the rounding to T.
    const double error = std::fabs(static_cast<double>(to_compute(g)) - static_cast<double>(exact));
    if (error <= allowed + reference::epsilon_of<T>() * std::fabs(static_cast<double>(exact))) {
      continue;
    }
    return ::testing::AssertionFailure()
           << "got " << to_compute(g) << " (float " << got << ", delta " << delta
           << "), correctly rounded " << to_compute(want) << ", exact " << static_cast<double>(exact);
  }
  return ::testing::AssertionSuccess();
}

/// Every 16-bit input through the op as the kernels run it (forward_for, grad_from_input_for)
/// against the exact reference. `floor`: the op's absolute floor for gradients within
/// kZeroWindow of `zero`; `units`: the subnormal rule's.
template <class T, class Op, class Fwd, class Grad>
void expect_16bit_contract(const Op& op, Fwd exact_forward, Grad exact_grad, double floor,
                           double zero, double units, bool huge_dy = true) {
  for (std::uint32_t b = 0; b < 65536; ++b) {
    const T x = from_bits16<T>(static_cast<std::uint16_t>(b));
    const float xf = to_compute(x);
    const float y = forward_for<T>(op, xf);
    if (std::isnan(xf)) {
      ASSERT_TRUE(std::isnan(y)) << type_name<T>() << " forward of NaN";
      continue;
    }
    const LD fx = exact_forward(xf);
    ASSERT_TRUE(close_16bit<T>(y, fx, subnormal_allowance<float>(units, xf, 1.0)))
        << Op::name << " " << type_name<T>() << " forward at x = " << xf;
    // A dy near the largest T: a subnormal f'(x) in float then gives a normal result.
    const float big = !huge_dy ? 1.0f : std::is_same_v<T, __half> ? -3.0e4f : -1.0e37f;
    for (float dy : {1.0f, -2.5f, 0.3f, big}) {
      const float dyr = to_compute(from_compute<T>(dy));  // dy is a T too
      const float g = grad_from_input_for<T>(op, xf, dyr);
      const LD gx = exact_grad(xf);
      const LD want = static_cast<LD>(dyr) * gx;
      if (std::isnan(static_cast<double>(want))) {
        ASSERT_TRUE(std::isnan(g)) << Op::name << " gradient at x = " << xf;
        continue;
      }
      double allowed = 0;
      if (std::fabs(xf - zero) <= kZeroWindow) {
        allowed = floor * reference::epsilon_of<T>() * std::fabs(dyr);
      }
      allowed = std::max(allowed, subnormal_allowance<float>(units, xf, dyr));
      ASSERT_TRUE(close_16bit<T>(g, want, allowed))
          << Op::name << " " << type_name<T>() << " gradient at x = " << xf << ", dy = " << dyr;
    }
  }
}

/// Sampled inputs of compute type C: uniform over [-lo, hi] and log-uniform magnitudes from
/// the smallest subnormal up, both signs, plus the edges.
template <class C>
std::vector<C> sampled_inputs(std::size_t count, std::uint64_t seed) {
  std::vector<C> xs = {C(0),
                       C(-0.0),
                       std::numeric_limits<C>::denorm_min(),
                       -std::numeric_limits<C>::denorm_min(),
                       std::numeric_limits<C>::min(),
                       std::numeric_limits<C>::max(),
                       -std::numeric_limits<C>::max(),
                       std::numeric_limits<C>::infinity(),
                       -std::numeric_limits<C>::infinity(),
                       C(3),
                       C(-3),
                       std::nextafter(C(3), C(0)),
                       std::nextafter(C(-3), C(0)),
                       C(-1.2784645427610738),
                       C(88.7),
                       C(-88.7),
                       C(-103.9),
                       C(709.7),
                       C(-745.1),
                       C(20),
                       C(-20)};
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(-40.0, 40.0);
  std::uniform_real_distribution<double> exponent(std::log2(double(std::numeric_limits<C>::denorm_min())),
                                                  std::log2(double(std::numeric_limits<C>::max())));
  while (xs.size() < count) {
    xs.push_back(static_cast<C>(uniform(rng)));
    const C magnitude = static_cast<C>(std::exp2(exponent(rng)));
    xs.push_back(xs.size() % 2 ? magnitude : -magnitude);
  }
  return xs;
}

/// f32 or f64: the functor's forward and gradient within `forward_ulp` and `grad_ulp` of the
/// correctly rounded value, the gradient for dy = 1, a sampled dy and a huge one; or within
/// the allowances: the gradient's floor (floor * eps * |dy|) within kZeroWindow of `zero`,
/// and the subnormal rule with `subnormal_units`.
template <class C, class Op, class Fwd, class Grad>
void expect_sampled_contract(const Op& op, Fwd exact_forward, Grad exact_grad,
                             std::uint64_t forward_ulp, std::uint64_t grad_ulp, double floor,
                             double subnormal_units, double zero, bool huge_dy = true) {
  std::uint64_t worst_forward = 0;
  std::uint64_t worst_grad = 0;
  double farthest_floor = 0;  // from the zero, where the floor was needed
#ifdef CUACT_CALIBRATE
  std::uint64_t cal_grad = 0, cal_window_ulp = 0;
  double cal_floor = 0, cal_sub = 0, cal_x = 0, cal_sub_x = 0, cal_sub_g = 0;
#endif
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> dy_exponent(-12.0, 12.0);
  const C huge = std::ldexp(C(1), std::numeric_limits<C>::max_exponent - 24);
  for (const C x : sampled_inputs<C>(1000000, 7)) {
    const LD xl = static_cast<LD>(x);
    const LD fx = exact_forward(xl);
    const C y = op.forward(x);
    if (std::isnan(static_cast<double>(fx))) {
      ASSERT_TRUE(std::isnan(y)) << Op::name << " forward at x = " << x;
    } else {
      const std::uint64_t d = reference::ulp_distance(static_cast<C>(fx), y);
      const double error = std::fabs(static_cast<double>(y) - static_cast<double>(fx));
      if (d > forward_ulp) {
        ASSERT_LE(error, subnormal_allowance<C>(subnormal_units, xl, 1.0))
            << Op::name << " " << type_name<C>() << " forward at x = " << x << ": exact "
            << static_cast<double>(fx) << ", got " << y << " (" << d << " ulp)";
      } else {
        worst_forward = std::max(worst_forward, d);
      }
    }
    const LD gx = exact_grad(xl);
    const C sampled = static_cast<C>(std::exp2(dy_exponent(rng))) * (rng() % 2 ? C(1) : C(-1));
    const C big = !huge_dy ? C(1) : rng() % 2 ? huge : -huge;
    for (const C dy : {C(1), sampled, big}) {
      const LD want = static_cast<LD>(dy) * gx;
      const C g = op.grad_from_input(x, dy);
      if (std::isnan(static_cast<double>(want))) {
        ASSERT_TRUE(std::isnan(g)) << Op::name << " gradient at x = " << x;
        continue;
      }
      if (std::isinf(static_cast<double>(static_cast<C>(want)))) {
        continue;  // the product overflows C
      }
      const std::uint64_t d = reference::ulp_distance(static_cast<C>(want), g);
#ifdef CUACT_CALIBRATE
      {
        const double err = std::fabs(static_cast<double>(g) - static_cast<double>(want));
        const bool in_window = std::fabs(static_cast<double>(x) - zero) <= kZeroWindow;
        const bool clearly_normal = ::fabsl(gx) > 0x1p-60L;
        if (in_window) {
          cal_floor = std::max(cal_floor, err / (reference::epsilon_of<C>() *
                                                 std::fabs(static_cast<double>(dy))));
        } else if (clearly_normal) {
          if (d > cal_grad) {
            cal_grad = d;
            cal_x = static_cast<double>(x);
          }
        } else if (d > grad_ulp) {
          const double units = (err / std::max(1.0, std::fabs(static_cast<double>(dy))) /
                                    static_cast<double>(std::numeric_limits<C>::denorm_min()) - 1) /
                               std::max(1.0, std::fabs(static_cast<double>(x)));
          if (units > cal_sub) {
            cal_sub = units;
            cal_sub_x = static_cast<double>(x);
            cal_sub_g = static_cast<double>(gx);
          }
        }
        continue;
      }
#endif
      if (d <= grad_ulp) {
        worst_grad = std::max(worst_grad, d);
        continue;
      }
      const double error = std::fabs(static_cast<double>(g) - static_cast<double>(want));
      const double near = std::fabs(static_cast<double>(x) - zero);
      if (near <= kZeroWindow &&
          error <= floor * reference::epsilon_of<C>() * std::fabs(static_cast<double>(dy))) {
        farthest_floor = std::max(farthest_floor, near);
        continue;
      }
      ASSERT_LE(error, subnormal_allowance<C>(subnormal_units, xl, static_cast<double>(dy)))
          << Op::name << " " << type_name<C>() << " gradient at x = " << x << ", dy = " << dy
          << ": exact " << static_cast<double>(want) << ", got " << g << " (" << d << " ulp)";
    }
  }
#ifdef CUACT_CALIBRATE
  std::printf(
      "CAL %s %s: forward %llu, gradient %llu (x = %g), floor units %g, subnormal units %g "
      "(x = %g, f' = %g)\n",
      Op::name, type_name<C>(), static_cast<unsigned long long>(worst_forward),
      static_cast<unsigned long long>(cal_grad), cal_x, cal_floor, cal_sub, cal_sub_x, cal_sub_g);
#endif
  std::printf("%s %s: worst %llu ulp forward, %llu ulp gradient (the floor used up to %g from "
              "the zero)\n",
              Op::name, type_name<C>(), static_cast<unsigned long long>(worst_forward),
              static_cast<unsigned long long>(worst_grad), farthest_floor);
}

/// The stated bounds (docs/semantics.md): ulp of float and double for the forward and the
/// gradient; the gradient's absolute floor (units of eps(T) |dy|) where it crosses zero; the
/// forward's allowance for subnormal results (units of |x| times the smallest subnormal).
struct Bounds {
  std::uint64_t f32_forward, f32_grad, f64_forward, f64_grad;
  double grad_floor = 0;
  double subnormal_units = 0;
  double zero = std::numeric_limits<double>::quiet_NaN();  // where the gradient crosses 0
};

/// The contract of one op: its float functor (16-bit types too) against the references
/// f_f and g_f, its double functor against f_d and g_d (the same ones unless the definition
/// rounds in the compute type). huge_dy: also a dy near the largest value.
template <class OpF, class FwdF, class GradF, class OpD, class FwdD, class GradD>
void expect_contract_of(const OpF& op_f, FwdF f_f, GradF g_f, const OpD& op_d, FwdD f_d,
                        GradD g_d, Bounds b, bool huge_dy = true) {
  expect_16bit_contract<__half>(op_f, f_f, g_f, b.grad_floor, b.zero, b.subnormal_units,
                                huge_dy);
  expect_16bit_contract<__nv_bfloat16>(op_f, f_f, g_f, b.grad_floor, b.zero, b.subnormal_units,
                                       huge_dy);
  expect_sampled_contract<float>(op_f, f_f, g_f, b.f32_forward, b.f32_grad, b.grad_floor,
                                 b.subnormal_units, b.zero, huge_dy);
  expect_sampled_contract<double>(op_d, f_d, g_d, b.f64_forward, b.f64_grad, b.grad_floor,
                                  b.subnormal_units, b.zero, huge_dy);
}

template <template <class> class Op, class Fwd, class Grad>
void expect_contract(Fwd f, Grad g, Bounds b) {
  expect_contract_of(Op<float>{}, f, g, Op<double>{}, f, g, b);
}

// Bounds {f32 forward, f32 gradient, f64 forward, f64 gradient, floor k, subnormal units u,
// the gradient's zero}, as docs/semantics.md states them.
TEST(AccuracyContract, Sigmoid) {
  expect_contract<Sigmoid>(sigmoid_l, sigmoid_grad_l, {2, 5, 2, 5, 0, 1});
}
TEST(AccuracyContract, Tanh) { expect_contract<Tanh>(::tanhl, tanh_grad_l, {2, 5, 3, 5, 0, 1}); }
TEST(AccuracyContract, Silu) {
  expect_contract<Silu>(silu_l, silu_grad_l, {3, 6, 3, 5, 1, 1, -1.2784645427610738});
}
TEST(AccuracyContract, QuickGelu) {
  // Its reference rounds t = 1.702 x in the compute type: one per type.
  expect_contract_of(QuickGelu<float>{}, quick_gelu_l<float>, quick_gelu_grad_l<float>,
                     QuickGelu<double>{}, quick_gelu_l<double>, quick_gelu_grad_l<double>,
                     {3, 6, 3, 6, 2, 2, -0.7512});
}
TEST(AccuracyContract, GeluErf) {
  expect_contract<GeluErf>(gelu_l, gelu_grad_l, {6, 6, 8, 6, 4, 1, -0.7517915246935645});
}
TEST(AccuracyContract, GeluTanh) {
  // Against PyTorch's definition: u rounded in the compute type (gelu_tanh_w).
  expect_contract_of(GeluTanh<float>{}, gelu_tanh_l<float>, gelu_tanh_grad_l<float>,
                     GeluTanh<double>{}, gelu_tanh_l<double>, gelu_tanh_grad_l<double>,
                     {4, 8, 4, 6, 2, 64, -0.752461});
}
TEST(AccuracyContract, Softplus) {
  expect_contract<Softplus>(softplus_l, softplus_grad_l, {2, 3, 2, 3, 0, 1});
}
TEST(AccuracyContract, Mish) {
  expect_contract<Mish>(mish_l, mish_grad_l, {4, 8, 4, 8, 1, 1, -1.1924});
}
TEST(AccuracyContract, Hardsigmoid) {
  expect_contract<Hardsigmoid>(hardsigmoid_l, hardsigmoid_grad_l, {1, 1, 1, 1});
}
TEST(AccuracyContract, Hardswish) {
  // x/3 + 1/2 crosses zero at x = -1.5: there the rounding of x/3 is an absolute error.
  // Two roundings in the forward (x*c, then /6), PyTorch's order.
  expect_contract<Hardswish>(hardswish_l, hardswish_grad_l, {3, 2, 3, 2, 1, 0, -1.5});
}
TEST(AccuracyContract, SquaredRelu) {
  expect_contract<SquaredRelu>(squared_relu_l, squared_relu_grad_l, {0, 0, 1, 1});
}

TEST(AccuracyContract, Tanhshrink) {
  expect_contract<Tanhshrink>(tanhshrink_l, tanhshrink_grad_l, {4, 5, 4, 7, 0, 1});
}
TEST(AccuracyContract, Softsign) {
  expect_contract<Softsign>(softsign_l, softsign_grad_l, {1, 3, 1, 3, 0, 1});
}
TEST(AccuracyContract, LogSigmoid) {
  expect_contract<LogSigmoid>(logsigmoid_l, logsigmoid_grad_l, {2, 3, 2, 3, 0, 1});
}

// The elu family against PyTorch's definition: x > 0 ? scale x : alpha scale expm1(t), t =
// x input_scale rounded in the compute type C (input_scale = 1/alpha rounded for celu,
// alpha scale rounded once), at sampled parameters; the gradient from x is input_scale alpha
// scale e^t.
template <class C>
struct EluReference {
  Elu<C> op;
  LD t(LD x) const { return static_cast<LD>(static_cast<C>(x) * op.input_scale); }
  LD forward(LD x) const {
    return x > 0 ? x * static_cast<LD>(op.scale) : static_cast<LD>(op.neg_coef) * ::expm1l(t(x));
  }
  LD grad(LD x) const {
    return x > 0 ? static_cast<LD>(op.scale)
                 : static_cast<LD>(op.input_scale) * static_cast<LD>(op.neg_coef) * ::expl(t(x));
  }
};

template <class OpF, class OpD>
void expect_elu_family(const OpF& op_f, const OpD& op_d, Bounds b) {
  const EluReference<float> rf{op_f};
  const EluReference<double> rd{op_d};
  const auto fwd_f = [&](LD x) { return rf.forward(x); };
  const auto grad_f = [&](LD x) { return rf.grad(x); };
  const auto fwd_d = [&](LD x) { return rd.forward(x); };
  const auto grad_d = [&](LD x) { return rd.grad(x); };
  // No huge dy: the gradient forms dy * input_scale * alpha * scale first (PyTorch's order),
  // which overflows for |dy| near the largest value.
  expect_contract_of(op_f, fwd_f, grad_f, op_d, fwd_d, grad_d, b, false);
}

TEST(AccuracyContract, EluFamilyAtSampledParameters) {
  const Bounds b{2, 2, 2, 3, 0, 2};
  for (const double alpha : {1.0, 0.3, 3.0, 1e-3, 250.0, -0.5}) {
    SCOPED_TRACE(::testing::Message() << "elu alpha " << alpha);
    expect_elu_family(Elu<float>(static_cast<float>(alpha)), Elu<double>(alpha), b);
  }
  for (const double alpha : {1.0, 3.0, 0.25, 7.5}) {
    SCOPED_TRACE(::testing::Message() << "celu alpha " << alpha);
    expect_elu_family(Celu<float>(static_cast<float>(alpha)), Celu<double>(alpha), b);
  }
  expect_elu_family(Selu<float>(), Selu<double>(), b);
}

TEST(AccuracyContract, The16BitHardActivationsEqualTheirFloatFormulasBitForBit) {
  // divide_exactly<6> is the division for every value these ops' forwards divide.
  for (std::uint32_t b = 0; b < 65536; ++b) {
    for (const float x : {to_compute(from_bits16<__half>(static_cast<std::uint16_t>(b))),
                          to_compute(from_bits16<__nv_bfloat16>(static_cast<std::uint16_t>(b)))}) {
      const auto same = [](float a, float c) {
        return std::memcmp(&a, &c, sizeof a) == 0 || (std::isnan(a) && std::isnan(c));
      };
      ASSERT_TRUE(same(Hardsigmoid<float>{}.forward(x), Hardsigmoid<float>{}.forward_16bit(x)))
          << "hardsigmoid at " << x;
      ASSERT_TRUE(same(Hardswish<float>{}.forward(x), Hardswish<float>{}.forward_16bit(x)))
          << "hardswish at " << x;
      // divide_exactly<3> is the division for every value hardswish's gradient divides.
      ASSERT_TRUE(same(Hardswish<float>{}.grad_from_input(x, 1.5f),
                       Hardswish<float>{}.grad_from_input_16bit(x, 1.5f)))
          << "hardswish's gradient at " << x;
      if (std::fabs(x) <= 3.0f && (x == 0.0f || std::isnormal(x))) {  // its precondition
        ASSERT_TRUE(same(x / 3.0f, detail::divide_exactly<3>(x))) << "x/3 at " << x;
      }
    }
  }
}

// Snake's contract, against the definition with t = alpha x rounded to C (as BigVGAN's
// sin(x * alpha)): y = x + sin^2(t)/alpha (x at alpha = 0), dy/dx = 1 + sin 2t, and dalpha's
// term (2 t cos t - sin t) sin t/alpha^2 (x^2 at alpha = 0), long double's sinl and cosl of
// the rounded t. The gradients cross zero periodically (1 + sin 2t at every t = -pi/4 + k pi,
// 2t cos t - sin t past the first), so a gradient within `floor` eps |dy| (times x^2 for
// dalpha) absolute passes anywhere.
template <class C>
struct SnakeReference {
  LD alpha;
  LD t(LD x) const { return static_cast<LD>(static_cast<C>(static_cast<C>(alpha) * static_cast<C>(x))); }
  LD forward(LD x) const {
    const LD s = ::sinl(t(x));
    return alpha == 0 ? x : x + s * s / alpha;
  }
  LD grad(LD x) const { return 1 + ::sinl(2 * t(x)); }
  LD alpha_grad(LD x) const {
    if (alpha == 0) {
      return x * x;
    }
    const LD tt = t(x);
    const LD s = ::sinl(tt);
    return (2 * tt * ::cosl(tt) - s) * s / (alpha * alpha);
  }
};

struct SnakeBounds {
  std::uint64_t forward, grad, alpha_grad;
  double floor;
};

/// ulp of `got` from the C nearest `want`, or 0 when within `allowed` absolute.
template <class C>
std::uint64_t snake_error(LD want, C got, double allowed) {
  if (std::isnan(static_cast<double>(want))) {
    return std::isnan(static_cast<double>(got)) ? 0 : std::numeric_limits<std::uint64_t>::max();
  }
  if (std::fabs(static_cast<double>(got) - static_cast<double>(want)) <= allowed) {
    return 0;
  }
  return reference::ulp_distance(static_cast<C>(want), got);
}

template <class C>
void expect_snake_sampled(C alpha, SnakeBounds b) {
  const Snake<C> op{alpha};
  const SnakeReference<C> ref{static_cast<LD>(alpha)};
  std::uint64_t worst[3] = {0, 0, 0};
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> dy_exponent(-12.0, 12.0);
  const double eps = reference::epsilon_of<C>();
  for (const C x : sampled_inputs<C>(200000, 3)) {
    const LD xl = static_cast<LD>(x);
    const C dy = static_cast<C>(std::exp2(dy_exponent(rng))) * (rng() % 2 ? C(1) : C(-1));
    const double ady = std::fabs(static_cast<double>(dy));
    const double x2 = static_cast<double>(xl * xl);
    const LD want[3] = {ref.forward(xl), ref.grad(xl) * static_cast<LD>(dy),
                        ref.alpha_grad(xl) * static_cast<LD>(dy)};
    // dalpha's dy x^2 underflows for tiny x: the subnormal rule, times |dy|.
    const double sub = subnormal_allowance<C>(1, xl, static_cast<double>(dy));
    const std::uint64_t e[3] = {
        snake_error<C>(want[0], op.forward(x), subnormal_allowance<C>(1, xl, 1.0)),
        snake_error<C>(want[1], op.grad_from_input(x, dy), std::max(sub, b.floor * eps * ady)),
        snake_error<C>(want[2], op.alpha_grad_term(x, dy),
                       std::max(sub, b.floor * eps * ady * x2))};
    const std::uint64_t bound[3] = {b.forward, b.grad, b.alpha_grad};
    for (int i = 0; i < 3; ++i) {
      if (std::isinf(static_cast<double>(static_cast<C>(want[i]))) ||
          (i == 2 && std::isinf(static_cast<double>(static_cast<C>(ref.alpha_grad(xl)))))) {
        continue;  // the result, or dalpha's term for dy = 1, overflows C
      }
      ASSERT_LE(e[i], bound[i]) << "snake " << type_name<C>() << " alpha " << alpha << " at x = "
                                << x << ", dy = " << dy << ": "
                                << (i == 0 ? "forward" : i == 1 ? "dx" : "dalpha");
      worst[i] = std::max(worst[i], e[i]);
    }
  }
  std::printf("snake %s alpha %g: worst %llu ulp forward, %llu dx, %llu dalpha\n", type_name<C>(),
              static_cast<double>(alpha), static_cast<unsigned long long>(worst[0]),
              static_cast<unsigned long long>(worst[1]), static_cast<unsigned long long>(worst[2]));
}

/// Every 16-bit input through the float functor: the forward and dx within 1 ulp of the
/// correctly rounded value (dx also within floor eps(T) |dy| absolute).
template <class T>
void expect_snake_16bit(float alpha, double floor) {
  const Snake<float> op{alpha};
  const SnakeReference<float> ref{static_cast<LD>(alpha)};
  for (std::uint32_t bits = 0; bits < 65536; ++bits) {
    const float x = to_compute(from_bits16<T>(static_cast<std::uint16_t>(bits)));
    if (!std::isfinite(x)) {
      continue;
    }
    ASSERT_TRUE(close_16bit<T>(op.forward(x), ref.forward(x),
                               subnormal_allowance<float>(1, x, 1.0)))
        << "snake " << type_name<T>() << " alpha " << alpha << " forward at x = " << x;
    for (const float dy : {1.0f, -2.5f}) {
      ASSERT_TRUE(close_16bit<T>(op.grad_from_input(x, dy), ref.grad(x) * dy,
                                 floor * reference::epsilon_of<T>() * std::fabs(dy)))
          << "snake " << type_name<T>() << " alpha " << alpha << " dx at x = " << x;
    }
  }
}

/// SnakeBeta against y = x + sin^2(t)/beta, dy/dx = 1 + (alpha/beta) sin 2t, dalpha's term
/// 2 x sin t cos t/beta and dbeta's -sin^2 t/beta^2 (t = alpha x rounded to C), in long
/// double; the forward's terms can cancel and dx and dalpha cross zero (dx when
/// |alpha| >= |beta|), so each within `floor` eps times its terms' scale (|x| + s^2/|beta|
/// for y, |dy|(1 + |alpha/beta|) for dx, |dy| 2|x/beta| for dalpha) absolute passes anywhere.
template <class C>
void expect_snakebeta_sampled(C alpha, C beta, SnakeBounds b) {
  const SnakeBeta<C> op{alpha, beta};
  const LD al = static_cast<LD>(alpha);
  const LD be = static_cast<LD>(beta);
  std::uint64_t worst[4] = {0, 0, 0, 0};
  std::mt19937_64 rng(9);
  std::uniform_real_distribution<double> dy_exponent(-12.0, 12.0);
  const double eps = reference::epsilon_of<C>();
  for (const C x : sampled_inputs<C>(200000, 4)) {
    const LD xl = static_cast<LD>(x);
    const LD t = static_cast<LD>(static_cast<C>(alpha * x));
    const LD s = ::sinl(t);
    const LD c = ::cosl(t);
    const C dy = static_cast<C>(std::exp2(dy_exponent(rng))) * (rng() % 2 ? C(1) : C(-1));
    const LD dyl = static_cast<LD>(dy);
    const double ady = std::fabs(static_cast<double>(dy));
    const double sub = subnormal_allowance<C>(1, xl, static_cast<double>(dy));
    const auto terms = op.param_grad_terms(x, dy);
    const LD want[4] = {xl + s * s / be, (1 + al / be * 2 * s * c) * dyl, 2 * xl * s * c / be * dyl,
                        -s * s / (be * be) * dyl};
    const C got[4] = {op.forward(x), op.grad_from_input(x, dy), terms.alpha, terms.beta};
    const double scale[4] = {std::fabs(static_cast<double>(xl)) +
                                 static_cast<double>(s * s / ::fabsl(be)),
                             1 + std::fabs(static_cast<double>(al / be)),
                             2 * std::fabs(static_cast<double>(xl / be)), 0};
    const std::uint64_t bound[4] = {b.forward, b.grad, b.alpha_grad, b.alpha_grad};
    for (int i = 0; i < 4; ++i) {
      const LD per_unit_dy = want[i] / (i == 0 ? 1 : dyl);
      if (std::isinf(static_cast<double>(static_cast<C>(want[i]))) ||
          std::isinf(static_cast<double>(static_cast<C>(per_unit_dy)))) {
        continue;  // the result, or its value for dy = 1, overflows C
      }
      const double unit = i == 0 ? 1.0 : ady;  // the forward's absolute floor has no dy
      const std::uint64_t e =
          snake_error<C>(want[i], got[i], std::max(sub, b.floor * eps * unit * scale[i]));
      ASSERT_LE(e, bound[i]) << "snakebeta " << type_name<C>() << " alpha " << alpha << " beta "
                             << beta << " at x = " << x << ", dy = " << dy << ": pass " << i;
      worst[i] = std::max(worst[i], e);
    }
  }
  std::printf("snakebeta %s alpha %g beta %g: worst %llu ulp forward, %llu dx, %llu dalpha, "
              "%llu dbeta\n",
              type_name<C>(), static_cast<double>(alpha), static_cast<double>(beta),
              static_cast<unsigned long long>(worst[0]), static_cast<unsigned long long>(worst[1]),
              static_cast<unsigned long long>(worst[2]), static_cast<unsigned long long>(worst[3]));
}

TEST(AccuracyContract, SnakeBeta) {
  for (const double alpha : {1.0, 3.0, -0.4, 0.0}) {
    for (const double beta : {1.0, 0.25, -2.0}) {
      expect_snakebeta_sampled<float>(static_cast<float>(alpha), static_cast<float>(beta),
                                      {6, 3, 5, 4});
      expect_snakebeta_sampled<double>(alpha, beta, {6, 3, 5, 4});
    }
  }
}

TEST(AccuracyContract, Snake) {
  for (const double alpha : {1.0, 0.37, 4.5, -2.0, 1e-3, 0.0}) {
    expect_snake_sampled<float>(static_cast<float>(alpha), {8, 4, 3, 4});
    expect_snake_sampled<double>(alpha, {8, 4, 3, 4});
  }
  for (const float alpha : {1.0f, 4.5f}) {
    expect_snake_16bit<__half>(alpha, 1);
    expect_snake_16bit<__nv_bfloat16>(alpha, 1);
  }
}

}  // namespace
}  // namespace cuact

namespace cuact {
namespace {

// DyT's contract, against y = gamma tanh(t) + beta with t = alpha x rounded to C, its dx =
// gamma alpha (1 - tanh^2 t) dy and the terms dalpha gamma x (1 - tanh^2 t) dy, dgamma
// tanh(t) dy, in long double. y's two terms can cancel, and 1 - tanh^2 loses th's rounding
// times |th|/(1 - |th|) (docs/semantics.md): each within `ulp` or an absolute floor of
// 4 eps times its terms' scale (|gamma| + |beta| for y, |dy gamma alpha| for dx,
// |dy gamma x| for dalpha).
template <class C>
void expect_dyt_sampled(C alpha, C gamma, C beta, std::uint64_t ulp) {
  const Dyt<C> op{alpha, gamma, beta};
  std::mt19937_64 rng(13);
  std::uniform_real_distribution<double> dy_exponent(-12.0, 12.0);
  const double eps = reference::epsilon_of<C>();
  std::uint64_t worst[4] = {0, 0, 0, 0};
  for (const C x : sampled_inputs<C>(200000, 6)) {
    const LD xl = static_cast<LD>(x);
    const LD th = ::tanhl(static_cast<LD>(static_cast<C>(alpha * x)));
    const LD d = 1 - th * th;
    const C dy = static_cast<C>(std::exp2(dy_exponent(rng))) * (rng() % 2 ? C(1) : C(-1));
    const LD dyl = static_cast<LD>(dy);
    const auto g = op.grads(x, dy);
    const LD want[4] = {gamma * th + beta, gamma * alpha * d * dyl, gamma * xl * d * dyl,
                        th * dyl};
    const C got[4] = {op.forward(x), g.dx, g.alpha, g.gamma};
    const double ady = std::fabs(static_cast<double>(dy));
    const double scale[4] = {std::fabs(static_cast<double>(gamma)) + std::fabs(static_cast<double>(beta)),
                             ady * std::fabs(static_cast<double>(gamma * alpha)),
                             ady * std::fabs(static_cast<double>(gamma)) * std::fabs(static_cast<double>(xl)),
                             0.0};
    const double sub = subnormal_allowance<C>(1, xl, static_cast<double>(dy));
    for (int i = 0; i < 4; ++i) {
      if (std::isinf(static_cast<double>(static_cast<C>(want[i]))) ||
          std::isinf(static_cast<double>(static_cast<C>(want[i] / (i == 0 ? 1 : dyl))))) {
        continue;  // the value, or its value for dy = 1, overflows C
      }
      const std::uint64_t e = snake_error<C>(want[i], got[i], std::max(sub, 4 * eps * scale[i]));
      ASSERT_LE(e, ulp) << "dyt " << type_name<C>() << " alpha " << alpha << " at x = " << x
                        << ", dy = " << dy << ": pass " << i;
      worst[i] = std::max(worst[i], e);
    }
  }
  std::printf("dyt %s alpha %g gamma %g beta %g: worst %llu ulp forward, %llu dx, %llu dalpha, "
              "%llu dgamma\n",
              type_name<C>(), static_cast<double>(alpha), static_cast<double>(gamma),
              static_cast<double>(beta), static_cast<unsigned long long>(worst[0]),
              static_cast<unsigned long long>(worst[1]), static_cast<unsigned long long>(worst[2]),
              static_cast<unsigned long long>(worst[3]));
}

/// Every 16-bit input through the float functor: y and dx within 1 ulp of the correctly
/// rounded value or the absolute floors above in eps(T).
template <class T>
void expect_dyt_16bit(float alpha, float gamma, float beta) {
  const Dyt<float> op{alpha, gamma, beta};
  for (std::uint32_t bits = 0; bits < 65536; ++bits) {
    const float x = to_compute(from_bits16<T>(static_cast<std::uint16_t>(bits)));
    if (std::isnan(x)) {
      continue;
    }
    const LD th = ::tanhl(static_cast<LD>(alpha * x));
    const double e16 = reference::epsilon_of<T>();
    ASSERT_TRUE(close_16bit<T>(op.forward(x), gamma * th + beta,
                               4 * e16 * (std::fabs(gamma) + std::fabs(beta))))
        << "dyt " << type_name<T>() << " forward at x = " << x;
    ASSERT_TRUE(close_16bit<T>(op.grads(x, -1.5f).dx, gamma * alpha * (1 - th * th) * -1.5L,
                               4 * e16 * std::fabs(1.5 * gamma * alpha)))
        << "dyt " << type_name<T>() << " dx at x = " << x;
  }
}

TEST(AccuracyContract, Dyt) {
  for (const double alpha : {0.5, 2.0, -0.3}) {
    for (const auto& [gamma, beta] : {std::pair<double, double>{1.0, 0.0}, {-0.75, 0.25}, {3.0, -2.9}}) {
      expect_dyt_sampled<float>(static_cast<float>(alpha), static_cast<float>(gamma),
                                static_cast<float>(beta), 4);
      expect_dyt_sampled<double>(alpha, gamma, beta, 4);
    }
  }
  expect_dyt_16bit<__half>(0.5f, 1.0f, 0.0f);
  expect_dyt_16bit<__nv_bfloat16>(2.0f, -0.75f, 0.25f);
}

}  // namespace
}  // namespace cuact
