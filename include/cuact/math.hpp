// Elementary functions the activation functors share, in forms whose cost the kernels can
// afford at memory bandwidth. Each is __host__ __device__; where a form is written with fma
// and exact power-of-two scaling only, host and device give the same bits.
#pragma once

#include <cuact/types.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>

namespace cuact::detail {

/// a*b + c rounded once, in the type of the arguments. (On the host, ::fma with float
/// arguments is the C library's double fma, rounded twice on its way back to float; the
/// device's is fmaf. This is the same on both.)
CUACT_HOST_DEVICE inline float fma_c(float a, float b, float c) { return ::fmaf(a, b, c); }
CUACT_HOST_DEVICE inline double fma_c(double a, double b, double c) { return ::fma(a, b, c); }

/// e^x from the CUDA math library in device code and the C library on the host, in float and
/// double (the elu family's gradient, whose double form is within budget with it).
CUACT_HOST_DEVICE inline float exp_c(float x) { return ::expf(x); }
CUACT_HOST_DEVICE inline double exp_c(double x) { return ::exp(x); }

/// 2^k as a double, exactly, for k in [-1022, 1023].
CUACT_HOST_DEVICE inline double pow2(int k) {
  const std::uint64_t bits = static_cast<std::uint64_t>(k + 1023) << 52;
#if defined(__CUDA_ARCH__)
  return __longlong_as_double(static_cast<long long>(bits));
#else
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
#endif
}

/// The double constants of reduce_exp: the Taylor coefficients of expm1 from 1/13! down to
/// 1/2!, then 1/ln2, ln2 in two parts (the first with 32 significant bits, so that k times
/// it is exact) and the clamps of expm1_fma and exp_fma. In device code they live in the
/// constant bank, which the double instructions read with one load each; as 64-bit
/// immediates the compiler would rebuild each with two register moves at every use, which
/// costs more than the arithmetic.
#define CUACT_DETAIL_EXP_CONSTANTS                                                       \
  {1.6059043836821614599e-10, 2.0876756987868098979e-09, 2.5052108385441718775e-08,    \
   2.7557319223985890653e-07, 2.7557319223985890653e-06, 2.4801587301587301587e-05,    \
   1.9841269841269841270e-04, 1.3888888888888888889e-03, 8.3333333333333333333e-03,    \
   4.1666666666666666667e-02, 1.6666666666666666667e-01, 0.5,                          \
   1.44269504088896338700e+00, 6.93147180369123816490e-01, 1.90821492927058770002e-10, \
   -38.0, 709.782712893384, -745.2}
inline constexpr double kExpConstants[18] = CUACT_DETAIL_EXP_CONSTANTS;
#if defined(__CUDACC__)
[[maybe_unused]] static __constant__ double kExpConstantsDevice[18] = CUACT_DETAIL_EXP_CONSTANTS;
#endif
#undef CUACT_DETAIL_EXP_CONSTANTS
enum ExpConstant { kInvLn2 = 12, kLn2Hi, kLn2Lo, kExpm1Lowest, kExpHighest, kExpLowest };

/// kExpConstants, from the constant bank in device code.
CUACT_HOST_DEVICE inline const double* exp_constants() {
#if defined(__CUDA_ARCH__)
  return kExpConstantsDevice;
#else
  return kExpConstants;
#endif
}

/// t = k ln2 + r with |r| <= ln2/2 (Cody-Waite, ln2 in two parts) and expm1(r) from its
/// Taylor series to r^13 (remainder below 2^-56 |r|), for |t| below about 745. Returns k and
/// expm1(r).
struct ReducedExp {
  int k;
  double expm1_r;
};
CUACT_HOST_DEVICE inline ReducedExp reduce_exp(double t) {
  const double* const c = exp_constants();
  const double k = ::rint(t * c[kInvLn2]);
  const double r = ::fma(-k, c[kLn2Lo], ::fma(-k, c[kLn2Hi], t));
  // Horner from 1/13! down to 1/2!, then expm1(r) = r + r^2 * q.
  double q = c[0];
  for (int i = 1; i < 12; ++i) {  // a fixed count: both compilers unroll it
    q = ::fma(q, r, c[i]);
  }
#if defined(__CUDA_ARCH__)
  return {static_cast<int>(k), ::fma(r * r, q, r)};  // cvt.rni.s32.f64: NaN gives 0
#else
  // The same on the host, where converting NaN to int would be undefined (a NaN t, which
  // normal_tail passes on, gives a NaN result whatever k is).
  return {k == k ? static_cast<int>(k) : 0, ::fma(r * r, q, r)};
#endif
}

/// expm1(t) in double from fma and exact scaling alone (so host and device agree bit for
/// bit), within 2 ulp, in a straight line of about 35 instructions (the CUDA math library's
/// expm1 costs about 80, more than a double kernel's share of the issue rate at memory
/// bandwidth): with h = 2^(k-1), expm1(t) = 2 (h expm1(r) + (h - 1/2)) in one fma and an
/// exact doubling (h, not 2^k, since 2^1024 is not a double). Out of range (NaN, tiny, below
/// -38, above the overflow threshold) the result is selected, not branched to.
CUACT_HOST_DEVICE inline double expm1_fma(double t) {
  const double kLowest = exp_constants()[kExpm1Lowest];  // below: e^t < 2^-54, rounds to -1
  const double kHighest = exp_constants()[kExpHighest];  // above: expm1 overflows
  const ReducedExp e = reduce_exp(::fmin(::fmax(t, kLowest), kHighest));  // NaN: kLowest
  const double h = pow2(e.k - 1);
  double result = 2.0 * ::fma(h, e.expm1_r, h - 0.5);
  result = t > kHighest ? t * 0x1p1023 : result;  // +inf, as expm1 overflows
  result = t < kLowest ? -1.0 : result;
  // NaN stays NaN; for ±0, subnormals and |t| < 2^-54, t + t^2/2 rounds to t.
  return (t != t || ::fabs(t) < 0x1p-54) ? t : result;
}

/// e^t in double from the same reduction (host and device agree bit for bit), within 2 ulp,
/// in about 30 instructions: 2^k (1 + expm1(r)) as 2^(k-1+s) (1 + expm1(r)) 2^-s, with
/// s = 64 below k = -1000 so that subnormal results scale from a normal power of two.
CUACT_HOST_DEVICE inline double exp_fma(double t) {
  const double kLowest = exp_constants()[kExpLowest];    // below: e^t rounds to 0
  const double kHighest = exp_constants()[kExpHighest];  // above: e^t overflows
  const ReducedExp e = reduce_exp(::fmin(::fmax(t, kLowest), kHighest));  // NaN: kLowest
  const bool tiny = e.k < -1000;
  const double h = pow2(e.k - 1 + (tiny ? 64 : 0));
  double result = 2.0 * ::fma(h, e.expm1_r, h) * (tiny ? 0x1p-64 : 1.0);
  result = t > kHighest ? t * 0x1p1023 : result;  // +inf
  result = t < kLowest ? 0.0 : result;
  return t != t ? t : result;
}

/// e^t for t <= 0 or NaN (sigmoid's e^-|x|, tanh's e^-2|x|, softplus's e^-|u|): the bits of
/// exp_fma without its overflow handling, and with 2^k applied as two normal powers of two,
/// so that a subnormal result is rounded once without a select (about ten instructions
/// fewer per element).
CUACT_HOST_DEVICE inline double exp_nonpositive_fma(double t) {
  // Below -746, e^t rounds to 0, and so does this: the clamp keeps k in range (and NaN
  // out of the reduction's float-to-int conversion).
  const double clamped = t >= -746.0 ? t : -746.0;
  const ReducedExp e = reduce_exp(clamped);
  const int half = e.k / 2;  // k in [-1077, 0]: both halves give normal powers of two
  const double h = pow2(e.k - half);
  const double result = ::fma(h, e.expm1_r, h) * pow2(half);
  return t != t ? t : result;
}

/// The expm1 the functors use in compute type C: the math library's expm1f in float (1 ulp,
/// about 30 instructions), expm1_fma in double (the math library's expm1 costs about 80,
/// more than a double kernel's share of the issue rate at memory bandwidth).
CUACT_HOST_DEVICE inline float expm1_for_compute(float t) { return ::expm1f(t); }
CUACT_HOST_DEVICE inline double expm1_for_compute(double t) { return expm1_fma(t); }

/// e^x in compute type C: the math library's expf in float (CUDA's on the device, the C
/// library's on the host), exp_fma in double (the same bits on both, at about half the cost).
CUACT_HOST_DEVICE inline float exp_for_compute(float x) { return ::expf(x); }
CUACT_HOST_DEVICE inline double exp_for_compute(double x) { return exp_fma(x); }

/// e^t for t <= 0 (or NaN) in compute type C: expf in float, exp_nonpositive_fma in double.
CUACT_HOST_DEVICE inline float exp_nonpositive_for_compute(float t) { return ::expf(t); }
CUACT_HOST_DEVICE inline double exp_nonpositive_for_compute(double t) {
  return exp_nonpositive_fma(t);
}

/// tanh in compute type C: the math library's tanhf in float; in double -m/(2 + m) with
/// m = expm1_fma(-2|x|) and the sign of x (the math library's tanh costs more than a double
/// kernel's share of the issue rate).
CUACT_HOST_DEVICE inline float tanh_for_compute(float x) { return ::tanhf(x); }
CUACT_HOST_DEVICE inline double tanh_for_compute(double x);

/// c ? a : b, computed without a branch: on the device a selp in inline PTX, so that the
/// compiler evaluates both operands and cannot move b's computation behind a branch (whose
/// divergence bookkeeping costs more than the select when most elements take b).
CUACT_HOST_DEVICE inline float select(bool c, float a, float b) {
#if defined(__CUDA_ARCH__)
  float r;
  asm("{\n\t.reg .pred p;\n\tsetp.ne.b32 p, %1, 0;\n\tselp.f32 %0, %2, %3, p;\n\t}"
      : "=f"(r)
      : "r"(static_cast<int>(c)), "f"(a), "f"(b));
  return r;
#else
  return c ? a : b;
#endif
}
CUACT_HOST_DEVICE inline double select(bool c, double a, double b) {
#if defined(__CUDA_ARCH__)
  double r;
  asm("{\n\t.reg .pred p;\n\tsetp.ne.b32 p, %1, 0;\n\tselp.f64 %0, %2, %3, p;\n\t}"
      : "=d"(r)
      : "r"(static_cast<int>(c)), "d"(a), "d"(b));
  return r;
#else
  return c ? a : b;
#endif
}

/// 2^x: the special function unit's ex2.approx.ftz on the device (relative error below
/// 2^-22; results below 2^-126 flush to zero), the C library on the host with the same
/// flush, so that CPU tests see what the device gives. Callers whose results reach the
/// subnormals scale the argument up by 64 and the result back down.
CUACT_HOST_DEVICE inline float exp2_approx(float x) {
#if defined(__CUDA_ARCH__)
  float y;
  asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x));
  return y;
#else
  const float y = std::exp2(x);
  return y < 0x1p-126f ? 0.0f : y;
#endif
}

/// c/kDivisor in float, correctly rounded as the division is, for the c that 16-bit
/// activations divide (at most 24 significant bits, normal or zero): the product with the
/// rounded 1/kDivisor, corrected by its exact remainder in one fma. Three instructions
/// instead of a division's eight and its slow-path check; accuracy_test checks it against
/// the division for every 16-bit input (hardsigmoid's and hardswish's /6, hardswish's
/// gradient's /3).
template <int kDivisor>
CUACT_HOST_DEVICE inline float divide_exactly(float c) {
  constexpr float kReciprocal = 1.0f / kDivisor;
  const float y = c * kReciprocal;
  const float corrected = ::fmaf(::fmaf(-static_cast<float>(kDivisor), y, c), kReciprocal, y);
  return c == 0.0f ? c : corrected;  // the correction would turn -0 into +0
}

/// 1/x: the special function unit's rcp.approx on the device (relative error below 2^-22),
/// a division on the host.
CUACT_HOST_DEVICE inline float reciprocal_approx(float x) {
#if defined(__CUDA_ARCH__)
  float y;
  asm("rcp.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x));
  return y;
#else
  return 1.0f / x;
#endif
}

/// 1/d for d within float's normal range (the denominators of sigmoid, tanh and mish) in
/// compute type C: a division in float; in double the special function unit's float
/// reciprocal refined by two Newton steps (rel. error 2^-22, then 2^-44, then below the
/// double's rounding): seven instructions instead of a double division's twenty. Within 1
/// ulp of 1/d.
CUACT_HOST_DEVICE inline float reciprocal_newton(float d) { return 1.0f / d; }
CUACT_HOST_DEVICE inline double reciprocal_newton(double d) {
  double r = static_cast<double>(reciprocal_approx(static_cast<float>(d)));
  r = ::fma(r, ::fma(-d, r, 1.0), r);
  return ::fma(r, ::fma(-d, r, 1.0), r);
}

/// 1/d for d within float's normal range in compute type C, where a division costs more
/// than the issue-rate budget allows: the special function unit's rcp.approx in float
/// (relative error below 2^-22; a division on the host), reciprocal_newton in double.
CUACT_HOST_DEVICE inline float reciprocal_for_compute(float d) { return reciprocal_approx(d); }
CUACT_HOST_DEVICE inline double reciprocal_for_compute(double d) { return reciprocal_newton(d); }

/// a/d for d as reciprocal_newton takes: a division in float, a times reciprocal_newton(d)
/// in double.
CUACT_HOST_DEVICE inline float quotient_newton(float a, float d) { return a / d; }
CUACT_HOST_DEVICE inline double quotient_newton(double a, double d) {
  return a * reciprocal_newton(d);
}

CUACT_HOST_DEVICE inline double tanh_for_compute(double x) {
  const double m = expm1_fma(-2.0 * ::fabs(x));
  return ::copysign(-m * reciprocal_newton(2.0 + m), x);
}

/// e^x to the accuracy an 11-bit result needs (relative error below 2^-20 on the device
/// for the arguments that matter: |x log2 e| below about 2^7), down into float's subnormals
/// (bf16 results reach 2^-133): 2^(x log2 e + 64) from the special function unit, which
/// flushes below 2^-126, then scaled by 2^-64 in ordinary float arithmetic. It overflows
/// above x = 44 (mish, the one caller with positive x, selects x itself above 20).
CUACT_HOST_DEVICE inline float exp_for_16bit(float x) {
  return exp2_approx(::fmaf(x, 1.44269504088896341f, 64.0f)) * 0x1p-64f;
}

/// expm1(t) to the accuracy an 11-bit result needs (relative error below 2^-16 on the
/// device), for f16 and bf16 outputs, in about 10 instructions: 2^(t log2 e) - 1 from the
/// special function unit, and for |t| < 1/16, where that subtraction cancels, the Taylor
/// series to t^3 (error below t^4/24, relative 2^-17).
CUACT_HOST_DEVICE inline float expm1_for_16bit(float t) {
  constexpr float kLog2e = 1.44269504088896341f;
  const float from_exp = exp2_approx(t * kLog2e) - 1.0f;
  const float series = t * ::fmaf(t, ::fmaf(t, 1.0f / 6.0f, 0.5f), 1.0f);
  return ::fabsf(t) < 0.0625f ? series : from_exp;
}

/// The standard normal's tail Phi(-a) = erfc(a/sqrt 2)/2 and density phi(a) = e^(-a^2/2)/
/// sqrt(2 pi), for a >= 0 (or NaN): GELU's pieces. Phi(-a) = phi(a) t R(t) with
/// t = 1/(1 + p a) and R a polynomial fitted (Chebyshev interpolation in t, computed with
/// 60-digit arithmetic) to the Mills ratio Phi(-a)/(phi(a) t) over a in [0, a_max]: no erf,
/// no cancellation, relative accuracy all the way into the subnormals. R's coefficients
/// include phi's 1/sqrt(2 pi) (and, for the 16-bit form, its 2^-64 scale), highest degree
/// first.
template <class C>
struct NormalTail {
  C tail;     // Phi(-a)
  C density;  // phi(a)
};

/// For f16 and bf16 results, relative error below 2^-15 (R of degree 5, p = 0.3, fitted on
/// [0, 16]): e^(-a^2/2) as the special function unit's 2^(64 - a^2 log2(e)/2), scaled by
/// 2^64 so that tails down to 2^-190 stay normal in float, and rcp.approx for t. About 12
/// instructions. a may be +inf (tail and density 0).
CUACT_HOST_DEVICE inline NormalTail<float> normal_tail_16bit(float a) {
  const float t = reciprocal_approx(::fmaf(0.3f, a, 1.0f));
  float r = -4.3357124171364436e-21f;
  r = ::fmaf(r, t, 1.2143230304335089e-20f);
  r = ::fmaf(r, t, -1.36078763634824e-21f);
  r = ::fmaf(r, t, 8.022491142408667e-21f);
  r = ::fmaf(r, t, 6.123535679786235e-21f);
  r = ::fmaf(r, t, 6.512260888381791e-21f);
  const float e = exp2_approx(::fmaf(a * -0.721347520444481703f, a, 64.0f));  // 2^64 e^(-a^2/2)
  return {t * r * e, e * 2.16267043554e-20f};  // phi = e 2^-64 / sqrt(2 pi)
}

/// In float, relative error about 2^-21 (R of degree 9, p = 0.3, fitted on [0, 16]):
/// e^(-a^2/2) from a^2 split exactly into hi + lo (one fma), e^(-hi/2) from the math
/// library and the factor e^(-lo/2) as 1 - lo/2. a <= 16 (the tail is 0 in float beyond
/// about 14.5); NaN stays NaN.
CUACT_HOST_DEVICE inline NormalTail<float> normal_tail(float a) {
  const float d = ::fmaf(0.3f, a, 1.0f);
#if defined(__CUDA_ARCH__)
  float t = reciprocal_approx(d);
  t = ::fmaf(t, ::fmaf(-d, t, 1.0f), t);  // one Newton step: 1/d within 1 ulp
#else
  const float t = 1.0f / d;
#endif
  float r = -0.02100994810461998f;
  r = ::fmaf(r, t, 0.11451493203639984f);
  r = ::fmaf(r, t, -0.2330370545387268f);
  r = ::fmaf(r, t, 0.19809693098068237f);
  r = ::fmaf(r, t, -0.08454228192567825f);
  r = ::fmaf(r, t, 0.09881468117237091f);
  r = ::fmaf(r, t, 0.07750915735960007f);
  r = ::fmaf(r, t, 0.1104142814874649f);
  r = ::fmaf(r, t, 0.1195516511797905f);
  r = ::fmaf(r, t, 0.11968764662742615f);
  const float hi = a * a;
  const float lo = ::fmaf(a, a, -hi);
  const float e_hi = ::expf(-0.5f * hi);
  const float e = ::fmaf(e_hi, -0.5f * lo, e_hi);  // e^(-a^2/2) = e^(-hi/2) (1 - lo/2)
  return {t * r * e, e * 0.398942280401432678f};
}

/// A double polynomial of degree N - 1 at t by Horner in fma, its coefficients (highest
/// degree first) in `table`: in device code a global-memory table read with ld.global.nc,
/// whose loads the compiler hoists out of the kernel's loop (see kNormalTailConstantsDevice),
/// on the host the constexpr copy.
template <int N>
CUACT_HOST_DEVICE inline double horner_from_table(const double* table, double t) {
#if defined(__CUDA_ARCH__)
  const auto c = [&](int i) { return __ldg(table + i); };
#else
  const auto c = [&](int i) { return table[i]; };
#endif
  double r = c(0);
  for (int i = 1; i < N; ++i) {  // a fixed count: both compilers unroll it
    r = ::fma(r, t, c(i));
  }
  return r;
}

/// R's coefficients for double (degree 22, p = 0.2, fitted on [0, 40]). On the device they
/// live in global memory, read with ld.global.nc, not in the constant bank: with exp's
/// constants that would be about 40 double constants, more than the uniform registers hold,
/// and the compiler would reload and shuffle them for every element; read-only global loads
/// it hoists out of the kernel's loop into ordinary registers, once per thread. (Not const:
/// the compiler would fold a const array's values back into per-use immediates.)
#define CUACT_DETAIL_NORMAL_TAIL_CONSTANTS                                                     \
  {-0.000151609091424431335882, 0.000959237698376891088589, 0.000291365150472777643582,       \
   -0.0231300100288725345444,   0.112283387605669472743,     -0.298415550689986535099,         \
   0.527526159224175832614,     -0.674015705964092233768,    0.657760041525289847055,          \
   -0.505294447133717503997,    0.306447234628697685633,     -0.153660390736562428959,         \
   0.0625665524616774322308,    -0.0129969637382410263106,   0.0203647798713268352463,         \
   0.0245184095554164807584,    0.0377722628435713828443,    0.0497630176936870494266,         \
   0.061024736081051664136,     0.0702136537088975975057,    0.0765969274743472707987,         \
   0.0797884557754896904921,    0.0797884560847487827413}
inline constexpr double kNormalTailConstants[23] = CUACT_DETAIL_NORMAL_TAIL_CONSTANTS;
#if defined(__CUDACC__)
[[maybe_unused]] static __device__ double kNormalTailConstantsDevice[23] =
    CUACT_DETAIL_NORMAL_TAIL_CONSTANTS;
#endif
#undef CUACT_DETAIL_NORMAL_TAIL_CONSTANTS

/// In double (R of degree 22, p = 0.2, fitted on [0, 40]; e^(-hi/2) from reduce_exp, as
/// exp_fma). a <= 40 (the tail is 0 in double beyond about 38.5); NaN
/// stays NaN.
CUACT_HOST_DEVICE inline NormalTail<double> normal_tail(double a) {
#if defined(__CUDA_ARCH__)
  const double* const table = kNormalTailConstantsDevice;
#else
  const double* const table = kNormalTailConstants;
#endif
  const double t = reciprocal_newton(::fma(0.2, a, 1.0));
  const double r = horner_from_table<23>(table, t);
  // 2^150 e^(-hi/2) for -hi/2 in [-800, 0] (or NaN): a normal double, with no range
  // handling (2^(k+150) from k >= -1155 is normal); the scale comes back out of the products.
  const double hi = a * a;
  const double lo = ::fma(a, a, -hi);
  const ReducedExp x = reduce_exp(-0.5 * hi);
  const double h = pow2(x.k + 150);
  const double e_hi = ::fma(h, x.expm1_r, h);
  const double e = ::fma(e_hi, -0.5 * lo, e_hi);  // 2^150 e^(-a^2/2)
  return {t * r * e * 0x1p-150, e * 2.7951860244038409e-46};  // 2^-150 / sqrt(2 pi)
}

/// log1p(e^-a) for a >= 0 (softplus's tail; NaN stays NaN, +inf gives 0), as e g(e) with
/// e = e^-a and g(e) = log1p(e)/e a polynomial fitted on [0, 1] (Chebyshev interpolation,
/// 60-digit arithmetic; highest degree first): no log, no cancellation, relative accuracy
/// down into the subnormals. 16-bit results: degree 5 (relative error 2^-16.7) on
/// exp_for_16bit; float: degree 9 (2^-23) on expf.
CUACT_HOST_DEVICE inline float log1p_exp_neg_16bit(float a) {
  const float e = exp_for_16bit(-a);
  float g = -0.02344365604221821f;
  g = ::fmaf(g, e, 0.10013972967863083f);
  g = ::fmaf(g, e, -0.2090795338153839f);
  g = ::fmaf(g, e, 0.32484957575798035f);
  g = ::fmaf(g, e, -0.49931466579437256f);
  g = ::fmaf(g, e, 0.9999905824661255f);
  return e * g;
}
CUACT_HOST_DEVICE inline float log1p_exp_neg(float a) {
  const float e = ::expf(-a);
  float g = -0.0031760570127516985f;
  g = ::fmaf(g, e, 0.019542526453733444f);
  g = ::fmaf(g, e, -0.056373611092567444f);
  g = ::fmaf(g, e, 0.10543623566627502f);
  g = ::fmaf(g, e, -0.1526966691017151f);
  g = ::fmaf(g, e, 0.1966327428817749f);
  g = ::fmaf(g, e, -0.24951615929603577f);
  g = ::fmaf(g, e, 0.33329710364341736f);
  g = ::fmaf(g, e, -0.49999892711639404f);
  g = ::fmaf(g, e, 1.0f);
  return e * g;
}

/// g's coefficients for double (degree 20, relative error 2^-56), in global memory on the
/// device for the reason kNormalTailConstantsDevice is.
#define CUACT_DETAIL_LOG1P_CONSTANTS                                                        \
  {0.000024437973948580947113, -0.000282742113937410716462, 0.00155352440343343336228,   \
   -0.00542173399100160965879, 0.0135987780906172536901,    -0.0263987794807432171842,   \
   0.0419257098539041572955,   -0.057189785341939058592,    0.0701529623652647140976,    \
   -0.0807095457843020583115,  0.0900909581519863245078,    -0.0997976809658656833282,   \
   0.111072115852995378505,    -0.124994270635143811279,    0.142856519752759261809,     \
   -0.166666618482485386273,   0.199999997498565228146,     -0.249999999920095234325,    \
   0.333333333331975252224,    -0.499999999999990789691,    0.999999999999999989569}
inline constexpr double kLog1pConstants[21] = CUACT_DETAIL_LOG1P_CONSTANTS;
#if defined(__CUDACC__)
[[maybe_unused]] static __device__ double kLog1pConstantsDevice[21] =
    CUACT_DETAIL_LOG1P_CONSTANTS;
#endif
#undef CUACT_DETAIL_LOG1P_CONSTANTS

/// In double: e^-a from exp_nonpositive_fma, g of degree 20.
CUACT_HOST_DEVICE inline double log1p_exp_neg(double a) {
#if defined(__CUDA_ARCH__)
  const double* const table = kLog1pConstantsDevice;
#else
  const double* const table = kLog1pConstants;
#endif
  const double e = exp_nonpositive_fma(-a);
  return e * horner_from_table<21>(table, e);
}

/// A continued fraction's value as numerator and denominator.
template <class C>
struct Fraction {
  C num;
  C den;
};

/// K = x/tanh(x) - 1 = z/(3 + z/(5 + ... + z/(2 kDepth + 1))) for z = x^2 (Lambert's
/// continued fraction of tanh, truncated at kDepth >= 2), as num/den from the backward
/// recurrence (num, den) <- (z den, (2k + 1) den + num): two operations a level, every
/// term positive for z >= 0, so the relative error stays a few roundings (tanhshrink). The
/// deepest level starts scaled by 1/(2 kDepth + 1), as (z, z/(2 kDepth + 1) + 2 kDepth - 1):
/// one fma instead of two operations.
template <int kDepth, class C>
CUACT_HOST_DEVICE inline Fraction<C> tanh_fraction(C z) {
  static_assert(kDepth >= 2, "the recurrence starts at level kDepth - 1");
  C num = z;
  C den = fma_c(z, C(1.0 / (2 * kDepth + 1)), C(2 * kDepth - 1));
  for (int k = kDepth - 2; k >= 1; --k) {  // a fixed count: both compilers unroll it
    const C next = z * den;
    den = fma_c(C(2 * k + 1), den, num);
    num = next;
  }
  return {num, den};
}

}  // namespace cuact::detail
