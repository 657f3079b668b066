// The elementary functions of math.hpp against long double: expm1_fma (the elu family's
// double expm1, the same bits on host and device) over a million sampled inputs and the
// edges, exp_nonpositive_fma against exp_fma bit for bit, and the 16-bit forward of the elu family over every f16 and bf16 input, with the
// device's ex2.approx modelled by its error bound.
#include <cuact/math.hpp>
#include <cuact/ops.hpp>
#include <cuact/types.hpp>

#include "tests/support/ulp.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace cuact {
namespace {

TEST(Expm1Fma, IsWithin2UlpOfLongDoubleOverAMillionInputsAndTheEdges) {
  std::vector<double> xs = {0.0,     -0.0,   1e-300, -1e-300, 5e-324, -5e-324, 0x1p-54,
                            -0x1p-54, 0x1p-53, 1e-8,  -1e-8,   0.34,   -0.34,   0.35,
                            -0.35,   0.5,    -0.5,   1.0,     -1.0,   -37.9,   -38.0,
                            -38.1,   -745.0, 709.0,  709.78,  709.79,  710.0,   -1e308};
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> wide(-40.0, 709.7);
  std::uniform_real_distribution<double> narrow(-1.0, 1.0);
  for (int i = 0; i < 500000; ++i) {
    xs.push_back(wide(rng));
    xs.push_back(narrow(rng) * std::pow(2.0, -static_cast<double>(i % 60)));
  }
  std::uint64_t worst = 0;
  for (double x : xs) {
    const double want = static_cast<double>(::expm1l(static_cast<long double>(x)));
    const double got = detail::expm1_fma(x);
    const std::uint64_t d = reference::ulp_distance(want, got);
    worst = std::max(worst, d);
    ASSERT_LE(d, 2u) << "x = " << x << ": expm1 " << want << ", got " << got;
  }
  EXPECT_TRUE(std::isnan(detail::expm1_fma(std::numeric_limits<double>::quiet_NaN())));
  EXPECT_EQ(detail::expm1_fma(std::numeric_limits<double>::infinity()),
            std::numeric_limits<double>::infinity());
  EXPECT_EQ(detail::expm1_fma(-std::numeric_limits<double>::infinity()), -1.0);
  EXPECT_TRUE(std::signbit(detail::expm1_fma(-0.0)));
  std::printf("expm1_fma: worst %llu ulp over %zu inputs\n",
              static_cast<unsigned long long>(worst), xs.size());
}

TEST(ExpNonpositiveFma, GivesExpFmasBitsForEveryNonPositiveInput) {
  std::vector<double> ts = {0.0, -0.0, -5e-324, -1e-300, -0x1p-54, -0.5, -1.0, -708.3, -708.4,
                            -709.0, -744.0, -745.1, -745.2, -745.13, -746.0, -750.0, -1e308,
                            -std::numeric_limits<double>::infinity()};
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> wide(-760.0, 0.0);
  std::uniform_real_distribution<double> tiny(-1.0, 0.0);
  for (int i = 0; i < 300000; ++i) {
    ts.push_back(wide(rng));
    ts.push_back(tiny(rng) * std::pow(2.0, -static_cast<double>(i % 60)));
  }
  for (double t : ts) {
    const double want = detail::exp_fma(t);
    const double got = detail::exp_nonpositive_fma(t);
    ASSERT_EQ(0, std::memcmp(&want, &got, sizeof want)) << "t = " << t << ": exp_fma " << want
                                                        << ", got " << got;
  }
  EXPECT_TRUE(std::isnan(detail::exp_nonpositive_fma(std::numeric_limits<double>::quiet_NaN())));
}

/// Every value of 16-bit type T, as T.
template <class T>
std::vector<T> every_16bit_value() {
  std::vector<T> all(65536);
  for (std::uint32_t b = 0; b < 65536; ++b) {
    const auto bits = static_cast<std::uint16_t>(b);
    std::memcpy(static_cast<void*>(&all[b]), &bits, 2);
  }
  return all;
}

/// The T nearest to v (ties to even), found among the neighbours of a float rounding, so
/// that no double rounding creeps in.
template <class T>
T round_exactly(long double v) {
  const T guess = from_compute<T>(static_cast<float>(v));
  if (!std::isfinite(static_cast<double>(v)) || std::isnan(static_cast<double>(to_compute(guess)))) {
    return guess;
  }
  T best = guess;
  long double best_error = std::fabs(static_cast<long double>(to_compute(guess)) - v);
  std::uint16_t bits;
  std::memcpy(&bits, &guess, 2);
  for (int step : {-1, 1}) {
    const std::uint16_t nb = static_cast<std::uint16_t>(bits + step);
    T n;
    std::memcpy(static_cast<void*>(&n), &nb, 2);
    const float nv = to_compute(n);
    if (std::isnan(nv)) {
      continue;
    }
    const long double e = std::fabs(static_cast<long double>(nv) - v);
    std::uint16_t best_bits;
    std::memcpy(&best_bits, &best, 2);
    if (e < best_error || (e == best_error && (nb & 1) == 0 && (best_bits & 1) != 0)) {
      best = n;
      best_error = e;
    }
  }
  return best;
}

/// The elu family's 16-bit forward with the exp2 result scaled by (1 + delta): the device's
/// ex2.approx is within 2^-22 of exp2; delta = +-2^-21 models it with margin.
float elu_16bit_with_exp2_error(const Elu<float>& op, float x, double delta) {
  if (x > 0) {
    return x * op.scale;
  }
  const float t = x * op.input_scale;
  const float e = static_cast<float>(std::exp2(static_cast<double>(t * 1.44269504088896341f)) *
                                     (1.0 + delta));
  const float from_exp = e - 1.0f;
  const float series = t * std::fma(t, std::fma(t, 1.0f / 6.0f, 0.5f), 1.0f);
  return (std::fabs(t) < 0.0625f ? series : from_exp) * op.neg_coef;
}

template <class T>
void expect_16bit_forward_within_1_ulp(const Elu<float>& op, long double alpha,
                                       long double scale, long double input_scale) {
  int off_by_one = 0;
  for (const T x : every_16bit_value<T>()) {
    const float xf = to_compute(x);
    if (std::isnan(xf)) {
      EXPECT_TRUE(std::isnan(op.forward_16bit(xf)));
      continue;
    }
    const long double xl = xf;
    const long double exact = xl > 0 ? xl * scale : alpha * scale * ::expm1l(xl * input_scale);
    const T want = round_exactly<T>(exact);
    for (double delta : {0.0, -0x1p-21, 0x1p-21}) {
      const float got_f =
          delta == 0.0 ? op.forward_16bit(xf) : elu_16bit_with_exp2_error(op, xf, delta);
      const T got = from_compute<T>(got_f);
      const std::uint64_t d = reference::ulp_distance(want, got);
      ASSERT_LE(d, 1u) << type_name<T>() << " x = " << xf << " (delta " << delta << "): exact "
                       << static_cast<double>(exact) << ", got " << got_f;
      off_by_one += d == 1 && delta == 0.0;
    }
  }
  std::printf("%s: %d of 65536 inputs 1 ulp from the correctly rounded value\n", type_name<T>(),
              off_by_one);
}

TEST(EluForward16Bit, EveryF16AndBf16InputIsWithin1UlpOfTheCorrectlyRoundedValue) {
  constexpr long double kSeluAlpha = 1.6732632423543772848170429916717L;
  constexpr long double kSeluScale = 1.0507009873554804934193349852946L;
  expect_16bit_forward_within_1_ulp<__half>(Elu<float>::elu(1.0f), 1.0L, 1.0L, 1.0L);
  expect_16bit_forward_within_1_ulp<__nv_bfloat16>(Elu<float>::elu(1.0f), 1.0L, 1.0L, 1.0L);
  expect_16bit_forward_within_1_ulp<__half>(Selu<float>{}, kSeluAlpha, kSeluScale, 1.0L);
  expect_16bit_forward_within_1_ulp<__nv_bfloat16>(Selu<float>{}, kSeluAlpha, kSeluScale, 1.0L);
  // celu(0.5): input_scale 2; and a negative alpha, whose exp grows (up to overflow).
  expect_16bit_forward_within_1_ulp<__half>(Celu<float>{0.5f}, 0.5L, 1.0L, 2.0L);
  expect_16bit_forward_within_1_ulp<__nv_bfloat16>(Celu<float>{-2.0f}, -2.0L, 1.0L, -0.5L);
}

TEST(EluForward16Bit, KernelsAndTheReferenceChooseItOnlyFor16BitOutputs) {
  const auto op = Elu<float>::elu(1.0f);
  EXPECT_EQ(forward_for<__half>(op, -0.3f), op.forward_16bit(-0.3f));
  EXPECT_EQ(forward_for<__nv_bfloat16>(op, -0.3f), op.forward_16bit(-0.3f));
  EXPECT_EQ(forward_for<float>(op, -0.3f), op.forward(-0.3f));
  EXPECT_EQ(forward_for<double>(Elu<double>::elu(1.0), -0.3), Elu<double>::elu(1.0).forward(-0.3));
  EXPECT_EQ(forward_for<__half>(Relu<float>{}, -0.3f), 0.0f);  // no 16-bit form: forward
}

}  // namespace
}  // namespace cuact
