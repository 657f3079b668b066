// The math of the activations with learned parameters, written once (host and device) in the
// style of ops.hpp: Snake and SnakeBeta (BigVGAN's periodic activations), DyT (Dynamic Tanh).
// Each functor holds one channel's parameters in its compute type C (float or double) and
// gives the forward, the input gradient and the per-channel gradient terms whose sums over
// a channel are the parameters' gradients (the channelwise engine sums them in a fixed
// order, as PReLU's alpha_grad_term).
//
// Branch and edge rules: t = alpha x is rounded to C first, as BigVGAN's sin(x * alpha)
// rounds it (the bounds of docs/semantics.md are against that definition); an infinite or
// NaN x gives NaN (the sine of an infinity), as in BigVGAN.
#pragma once

#include <cuact/math.hpp>
#include <cuact/types.hpp>

#include <cfloat>
#include <cmath>

namespace cuact {
namespace detail {

#if defined(__CUDACC__)
#define CUACT_DETAIL_NOINLINE __noinline__
#else
#define CUACT_DETAIL_NOINLINE
#endif

/// sin(t) and cos(t) from the math library, for the |t| beyond sin_cos's own reduction (and
/// infinities and NaN): CUDA's sincosf/sincos on the device (with its Payne-Hanek reduction),
/// the C library's on the host. Out of line on the device, so that a kernel's loop carries a
/// call, not the long reduction, for arguments it almost never meets.
CUACT_HOST_DEVICE CUACT_DETAIL_NOINLINE inline void sin_cos_library(float t, float& s, float& c) {
#if defined(__CUDA_ARCH__)
  ::sincosf(t, &s, &c);
#else
  s = ::sinf(t);
  c = ::cosf(t);
#endif
}
CUACT_HOST_DEVICE CUACT_DETAIL_NOINLINE inline void sin_cos_library(double t, double& s,
                                                                    double& c) {
#if defined(__CUDA_ARCH__)
  ::sincos(t, &s, &c);
#else
  s = ::sin(t);
  c = ::cos(t);
#endif
}

/// sin and cos of |r| <= pi/4 (a little beyond, for a rounded quadrant) by polynomials: in
/// float Cephes' sinf/cosf kernels, in double fdlibm's __kernel_sin/__kernel_cos (without the
/// tail term of its reduction), each within about an ulp there.
CUACT_HOST_DEVICE inline void sin_cos_kernel(float r, float& s, float& c) {
  const float z = r * r;
  s = fma_c(r * z, fma_c(fma_c(-1.9515295891e-4f, z, 8.3321608736e-3f), z, -1.6666654611e-1f),
            r);
  c = fma_c(z * z, fma_c(fma_c(2.443315711809948e-5f, z, -1.388731625493765e-3f), z,
                         4.166664568298827e-2f),
            fma_c(-0.5f, z, 1.0f));
}
CUACT_HOST_DEVICE inline void sin_cos_kernel(double r, double& s, double& c) {
  const double z = r * r;
  double ps = fma_c(1.58969099521155010221e-10, z, -2.50507602534068634195e-08);
  ps = fma_c(ps, z, 2.75573137070700676789e-06);
  ps = fma_c(ps, z, -1.98412698298579493134e-04);
  ps = fma_c(ps, z, 8.33333333332248946124e-03);
  ps = fma_c(ps, z, -1.66666666666666324348e-01);
  s = fma_c(r * z, ps, r);
  double pc = fma_c(-1.13596475577881948265e-11, z, 2.08757232129817482790e-09);
  pc = fma_c(pc, z, -2.75573143513906633035e-07);
  pc = fma_c(pc, z, 2.48015872894767294178e-05);
  pc = fma_c(pc, z, -1.38888888888741095749e-03);
  pc = fma_c(pc, z, 4.16666666666666019037e-02);
  c = fma_c(z * z, pc, fma_c(-0.5, z, 1.0));
}

/// sin(t) and cos(t) in compute type C, the same bits on host and device: t = q pi/2 + r with
/// q = rint(t 2/pi) and pi/2 in three parts (Cody-Waite; with fma the first step is exact and
/// r keeps its relative accuracy for |t| <= 2^16 in float, 2^20 in double), then
/// sin_cos_kernel of r and the quadrant's swap and signs: about 20 instructions in float.
/// Beyond, and for infinities and NaN, the math library's (sin_cos_library).
template <class C>
CUACT_HOST_DEVICE inline void sin_cos(C t, C& s, C& c) {
  constexpr bool kFloat = sizeof(C) == 4;
  const C limit = kFloat ? C(65536) : C(1048576);
  if (!(t <= limit && t >= -limit)) {  // NaN too
    sin_cos_library(t, s, c);
    return;
  }
  const C two_over_pi = kFloat ? C(0x1.45f306p-1f) : C(0x1.45f306dc9c883p-1);
  const C p1 = kFloat ? C(0x1.921fb6p+0f) : C(0x1.921fb54442d18p+0);
  const C p2 = kFloat ? C(-0x1.777a5cp-25f) : C(0x1.1a62633145c07p-54);
  const C p3 = kFloat ? C(-0x1.ee59dap-50f) : C(-0x1.f1976b7ed8fbcp-110);
#if defined(__CUDA_ARCH__)
  const C q = ::rint(t * two_over_pi);
#else
  const C q = std::nearbyint(t * two_over_pi);  // round to nearest even, as the device's rint
#endif
  C r = fma_c(-q, p1, t);
  r = fma_c(-q, p2, r);
  r = fma_c(-q, p3, r);
  C sr, cr;
  sin_cos_kernel(r, sr, cr);
  const int n = static_cast<int>(q);
  const bool swap = (n & 1) != 0;
  const C s0 = swap ? cr : sr;
  const C c0 = swap ? sr : cr;
  s = (n & 2) != 0 ? -s0 : s0;
  s = t == C(0) ? t : s;  // sin(-0) = -0: the reduction's and polynomial's sums give +0
  c = ((n + 1) & 2) != 0 ? -c0 : c0;
}

/// Whether v is finite (neither infinite nor NaN).
CUACT_HOST_DEVICE inline bool is_finite(float v) { return ::fabsf(v) <= FLT_MAX; }
CUACT_HOST_DEVICE inline bool is_finite(double v) { return ::fabs(v) <= DBL_MAX; }

/// sin(t)/t, 1 at t = 0 (and for the t whose sine rounds to t itself).
template <class C>
CUACT_HOST_DEVICE C sin_over(C s, C t) {
  return t == C(0) ? C(1) : s / t;
}

}  // namespace detail

/// snake(alpha): y = x + sin^2(alpha x)/alpha (Ziyin et al. 2020; BigVGAN's Snake, alpha per
/// channel), evaluated with t = alpha x, s = sin t, c = cos t and u = s/alpha (as s (1/alpha)
/// with 1/alpha rounded once, BigVGAN's order; x where t = 0) as y = x + s u: finite for
/// every alpha, 0 included, where it is the limit y = x (BigVGAN divides by alpha + 1e-9
/// instead, which moves its sin^2 term by 1e-9/alpha relative). alpha finite, and 0 or with
/// 1/alpha finite in C. dx = dy (1 + sin 2t) = dy (s + c)^2, exact algebra without the
/// cancellation of 1 + sin 2t near its zeros (t = -pi/4 + k pi); dalpha's term
/// dy (2 x s c/alpha - s^2/alpha^2) = dy x u (2c - q) with q = s/t (1 at t = 0): finite at
/// alpha = 0 (dy x^2); it overflows only where its value for dy = 1 would.
template <class C>
struct Snake {
  static constexpr const char* name = "snake";

  C alpha;
  C inv_alpha;  // 1/alpha rounded once (0 for alpha = 0, where it is not used)

  /// An alpha whose reciprocal is not finite in C (0, and subnormal ones: |alpha| below
  /// about 2^-128 in float, 2^-1024 in double) is taken as 0, whose y = x is then the value
  /// within half an ulp for |x| below 2^100 (float; 2^900 in double).
  CUACT_HOST_DEVICE explicit Snake(C alpha_ = C(1))
      : alpha(detail::is_finite(C(1) / alpha_) ? alpha_ : C(0)),
        inv_alpha(alpha == C(0) ? C(0) : C(1) / alpha) {}

  template <class Rules>
  void check(Rules& r) const {
    r.finite("alpha", alpha);
    if (alpha != C(0)) {
      r.finite_reciprocal("alpha", alpha);
    }
  }

  /// s, c and u = s/alpha of one element.
  struct Angle {
    C t, s, c, u;
  };
  CUACT_HOST_DEVICE Angle angle(C x) const {
    Angle a{};
    a.t = alpha * x;
    detail::sin_cos(a.t, a.s, a.c);
    a.u = a.t == C(0) ? x : a.s * inv_alpha;
    return a;
  }
  CUACT_HOST_DEVICE C forward(C x) const {
    const Angle a = angle(x);
    return detail::fma_c(a.s, a.u, x);
  }
  /// dx and dalpha's term of one element, from one sine and cosine.
  struct Grads {
    C dx, alpha;
  };
  CUACT_HOST_DEVICE Grads grads(C x, C dy) const {
    const Angle a = angle(x);
    const C sum = a.s + a.c;
    const C q = detail::sin_over(a.s, a.t);
    // The term for dy = 1 first, x (u (2c - q)): it overflows only where that term itself
    // exceeds the largest value.
    return {dy * (sum * sum), x * (a.u * (C(2) * a.c - q)) * dy};
  }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const { return grads(x, dy).dx; }
  CUACT_HOST_DEVICE C alpha_grad_term(C x, C dy) const { return grads(x, dy).alpha; }
};

/// snakebeta(alpha, beta): y = x + sin^2(alpha x)/beta (BigVGAN v2's SnakeBeta, alpha and
/// beta per channel), as x + s^2 (1/beta) with 1/beta rounded once, as BigVGAN's
/// 1/(beta + 1e-9) * sin^2 (without its 1e-9): where the two terms cancel (x and s^2/beta of
/// opposite signs, which a small beta allows) its error is absolute, in ulp of the terms;
/// dx = dy (1 + (alpha/beta) sin 2t) = dy (1 + 2 s c alpha (1/beta)) (it crosses zero when
/// |alpha| >= |beta|: there too); dalpha's term dy 2 x c w and dbeta's -dy w^2 with
/// w = s (1/beta). beta finite, non-zero, 1/beta finite in C.
template <class C>
struct SnakeBeta {
  static constexpr const char* name = "snakebeta";

  C alpha;
  C beta;
  C inv_beta;  // 1/beta, rounded once so that kernels and CPU agree

  CUACT_HOST_DEVICE explicit SnakeBeta(C alpha_ = C(1), C beta_ = C(1))
      : alpha(alpha_), beta(beta_), inv_beta(C(1) / beta_) {}

  template <class Rules>
  void check(Rules& r) const {
    r.finite("alpha", alpha);
    r.finite("beta", beta);
    r.nonzero("beta", beta);
    r.finite_reciprocal("beta", beta);
  }

  CUACT_HOST_DEVICE C forward(C x) const {
    C s, c;
    detail::sin_cos(alpha * x, s, c);
    return detail::fma_c(s * s, inv_beta, x);
  }
  /// dx and dalpha's and dbeta's terms of one element, from one sine and cosine.
  struct Grads {
    C dx, alpha, beta;
  };
  CUACT_HOST_DEVICE Grads grads(C x, C dy) const {
    C s, c;
    detail::sin_cos(alpha * x, s, c);
    // Each term for dy = 1 first (x (2 s c/beta), (s/beta)^2), then dy: they overflow only
    // where that term itself would, and (s/beta)^2 underflows only where it is subnormal.
    const C w = s * inv_beta;
    return {dy * detail::fma_c(C(2) * (s * c), alpha * inv_beta, C(1)), x * (C(2) * c * w) * dy,
            -(w * w) * dy};
  }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const { return grads(x, dy).dx; }
  /// dalpha's and dbeta's terms of one element.
  struct Terms {
    C alpha, beta;
  };
  CUACT_HOST_DEVICE Terms param_grad_terms(C x, C dy) const {
    const Grads g = grads(x, dy);
    return {g.alpha, g.beta};
  }
};

/// dyt(alpha, gamma, beta): y = gamma tanh(alpha x) + beta (Dynamic Tanh, Zhu et al. 2025,
/// "Transformers without Normalization"): alpha one learned scalar for the whole tensor,
/// gamma and beta per channel (the last dimension of [rows, C]). With th = tanh(alpha x)
/// (tanh_for_compute) and d = (1 - th)(1 + th) (1 - th^2 without its cancellation as |th|
/// nears 1): dx = dy gamma (alpha d); the terms dgamma's dy th, dbeta's dy and dalpha's
/// dy gamma (x d). For x = +-inf: y = +-gamma + beta, dx = 0, dalpha's term NaN (inf * 0, as
/// autograd's); NaN x gives NaN.
template <class C>
struct Dyt {
  static constexpr const char* name = "dyt";

  C alpha;
  C gamma;
  C beta;

  /// The paper's initial values: alpha 0.5, gamma 1, beta 0.
  CUACT_HOST_DEVICE explicit Dyt(C alpha_ = C(0.5), C gamma_ = C(1), C beta_ = C(0))
      : alpha(alpha_), gamma(gamma_), beta(beta_) {}

  CUACT_HOST_DEVICE C forward(C x) const {
    return detail::fma_c(gamma, detail::tanh_for_compute(alpha * x), beta);
  }
  /// dx and the terms of dalpha, dgamma and dbeta of one element, from one tanh.
  struct Grads {
    C dx, alpha, gamma, beta;
  };
  CUACT_HOST_DEVICE Grads grads(C x, C dy) const {
    const C th = detail::tanh_for_compute(alpha * x);
    const C d = (C(1) - th) * (C(1) + th);
    const C g = gamma * dy;
    return {g * (alpha * d), g * (x * d), dy * th, dy};
  }
  CUACT_HOST_DEVICE C grad_from_input(C x, C dy) const { return grads(x, dy).dx; }
};

}  // namespace cuact
