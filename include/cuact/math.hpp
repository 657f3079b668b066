// Elementary functions the activation functors share, in forms whose cost the kernels can
// afford at memory bandwidth. Each is __host__ __device__; where a form is written with fma
// and exact power-of-two scaling only, host and device give the same bits.
#pragma once

#include <cuact/types.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>

namespace cuact::detail {

/// Float and double overloads that resolve to the CUDA math library in device code and to the
/// C library on the host.
CUACT_HOST_DEVICE inline float expm1_c(float x) { return ::expm1f(x); }
CUACT_HOST_DEVICE inline double expm1_c(double x) { return ::expm1(x); }
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

/// expm1(t) in double from fma and exact scaling alone (so host and device agree bit for
/// bit), within 2 ulp, in a straight line of about 35 instructions (the CUDA math library's
/// expm1 costs about 80, more than a double kernel's share of the issue rate at memory
/// bandwidth): t = k ln2 + r with |r| <= ln2/2 (Cody-Waite, ln2 in two parts), expm1(r) from
/// its Taylor series to r^13 (remainder below 2^-56 |r|), then with h = 2^(k-1),
/// expm1(t) = 2 (h expm1(r) + (h - 1/2)) in one fma and an exact doubling (h, not 2^k,
/// since 2^1024 is not a double). Out of range (NaN, tiny, below -38, above the overflow
/// threshold) the result is selected, not branched to.
/// Taylor coefficients of expm1 from 1/13! down to 1/2!. In device code they live in the
/// constant bank, which DFMA reads with one load each; as 64-bit immediates the compiler
/// would rebuild each with two register moves at every use, which costs more than the
/// arithmetic.
inline constexpr double kExpm1Series[12] = {
    1.6059043836821614599e-10, 2.0876756987868098979e-09, 2.5052108385441718775e-08,
    2.7557319223985890653e-07, 2.7557319223985890653e-06, 2.4801587301587301587e-05,
    1.9841269841269841270e-04, 1.3888888888888888889e-03, 8.3333333333333333333e-03,
    4.1666666666666666667e-02, 1.6666666666666666667e-01, 0.5};
#if defined(__CUDACC__)
[[maybe_unused]] static __constant__ double kExpm1SeriesDevice[12] = {
    1.6059043836821614599e-10, 2.0876756987868098979e-09, 2.5052108385441718775e-08,
    2.7557319223985890653e-07, 2.7557319223985890653e-06, 2.4801587301587301587e-05,
    1.9841269841269841270e-04, 1.3888888888888888889e-03, 8.3333333333333333333e-03,
    4.1666666666666666667e-02, 1.6666666666666666667e-01, 0.5};
#endif

CUACT_HOST_DEVICE inline double expm1_fma(double t) {
  constexpr double kInvLn2 = 1.44269504088896338700e+00;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;  // 32 significant bits: k*kLn2Hi exact
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kLowest = -38.0;               // below: e^t < 2^-54, expm1 rounds to -1
  constexpr double kHighest = 709.782712893384;  // above: expm1 overflows
#if defined(__CUDA_ARCH__)
  const double* const c = kExpm1SeriesDevice;
#else
  const double* const c = kExpm1Series;
#endif
  const double tc = ::fmin(::fmax(t, kLowest), kHighest);  // NaN becomes kLowest here
  const double k = ::rint(tc * kInvLn2);
  const double r = ::fma(-k, kLn2Lo, ::fma(-k, kLn2Hi, tc));
  // Horner from 1/13! down to 1/2!, then expm1(r) = r + r^2 * q.
  double q = c[0];
  for (int i = 1; i < 12; ++i) {  // a fixed count: both compilers unroll it
    q = ::fma(q, r, c[i]);
  }
  const double p = ::fma(r * r, q, r);
  const double h = pow2(static_cast<int>(k) - 1);
  double result = 2.0 * ::fma(h, p, h - 0.5);
  result = t > kHighest ? t * 0x1p1023 : result;  // +inf, as expm1 overflows
  result = t < kLowest ? -1.0 : result;
  // NaN stays NaN; for ±0, subnormals and |t| < 2^-54, t + t^2/2 rounds to t.
  return (t != t || ::fabs(t) < 0x1p-54) ? t : result;
}

/// The expm1 the functors use in compute type C: the math library's expm1f in float (1 ulp,
/// about 30 instructions), expm1_fma in double (the math library's expm1 costs about 80,
/// more than a double kernel's share of the issue rate at memory bandwidth).
CUACT_HOST_DEVICE inline float expm1_for_compute(float t) { return ::expm1f(t); }
CUACT_HOST_DEVICE inline double expm1_for_compute(double t) { return expm1_fma(t); }

/// 2^x: the special function unit's ex2.approx on the device (relative error below 2^-22),
/// the C library on the host.
CUACT_HOST_DEVICE inline float exp2_approx(float x) {
#if defined(__CUDA_ARCH__)
  float y;
  asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x));
  return y;
#else
  return std::exp2(x);
#endif
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

}  // namespace cuact::detail
