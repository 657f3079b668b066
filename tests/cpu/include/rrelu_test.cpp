// RReLU's math on the CPU (rrelu.hpp): the Philox reference against the published
// known-answer vectors, the slope mapping's range and edges, the training stream's statistics
// (mean, variance, range, no correlation between neighbours, fresh slopes per offset), the
// evaluation slope and the branch rules.
#include <cuact/rrelu.hpp>

#include "tests/support/philox.hpp"
#include "tests/support/reference.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace cuact {
namespace {

TEST(Philox, MatchesTheKnownAnswerVectorsOfRandom123) {
  // Random123's kat_vectors for philox4x32_10 (counter, key -> output).
  using reference::philox4x32_10;
  EXPECT_EQ(philox4x32_10({0, 0, 0, 0}, {0, 0}),
            (reference::Philox4x32{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}));
  EXPECT_EQ(philox4x32_10({0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
                          {0xffffffffu, 0xffffffffu}),
            (reference::Philox4x32{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}));
  EXPECT_EQ(philox4x32_10({0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u},
                          {0xa4093822u, 0x299f31d0u}),
            (reference::Philox4x32{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}));
}

TEST(Philox, ValueKIsComponentKMod4OfBlockKDiv4WithTheSubsequenceInTheHighCounterWords) {
  const std::uint64_t seed = 0x0123456789abcdefULL;
  const std::uint64_t subsequence = 0xfedcba9876543210ULL;
  const std::uint64_t k = (std::uint64_t{5} << 34) + 6;  // a block index past 2^32
  const auto block = reference::philox4x32_10(
      {static_cast<std::uint32_t>(k / 4), static_cast<std::uint32_t>((k / 4) >> 32), 0x76543210u,
       0xfedcba98u},
      {0x89abcdefu, 0x01234567u});
  EXPECT_EQ(reference::philox_value(seed, subsequence, k), block[2]);
}

TEST(RReluMath, SlopesStayWithinTheBoundsAtTheExtremesOfTheRandomBits) {
  const RRelu<float> f{0.1f, 0.3f};
  EXPECT_EQ(f.slope_of<float>(0u, 0), 0.1f);
  EXPECT_LE(f.slope_of<float>(0xFFFFFFFFu, 0), 0.3f);
  EXPECT_GT(f.slope_of<float>(0xFFFFFFFFu, 0), 0.2999f);
  EXPECT_EQ(f.slope_of<__half>(0xFFFF0000u, 0), 0.1f);  // the low half for even elements
  EXPECT_LE(f.slope_of<__half>(0xFFFF0000u, 1), 0.3f);
  const RRelu<double> d{0.0, 1.0};
  EXPECT_EQ(d.slope_of<double>(0x80000000u, 0), 0.5);
  EXPECT_EQ(d.slope_of<double>(0xFFFFFFFFu, 0), 1.0 - std::ldexp(1.0, -32));
  // lower == upper: exactly that slope.
  const RRelu<float> fixed{0.25f, 0.25f};
  EXPECT_EQ(fixed.slope_of<float>(0x12345678u, 0), 0.25f);
  // Bounds whose difference rounds: still within [lower, upper] for every top bit pattern.
  const RRelu<float> odd{3e-8f, 1.0f};
  for (std::uint32_t r = 0xFFFF0000u; r != 0; r += 0x100u) {
    const float a = odd.slope_of<float>(r, 0);
    ASSERT_GE(a, odd.lower);
    ASSERT_LE(a, odd.upper);
  }
}

TEST(RReluMath, EvaluationSlopeIsTheMeanInDoubleRoundedOnceAndBranchesFollowXAtMostZero) {
  const RRelu<float> f{1.0f / 8.0f, 1.0f / 3.0f};
  EXPECT_EQ(f.eval_slope(), static_cast<float>((0.125 + static_cast<double>(1.0f / 3.0f)) / 2));
  EXPECT_EQ(f.forward(-2.0f, 0.25f), -0.5f);
  EXPECT_EQ(f.forward(3.0f, 0.25f), 3.0f);
  EXPECT_TRUE(std::signbit(f.forward(-0.0f, 0.25f)));  // -0 takes the slope: -0 * a
  EXPECT_TRUE(std::isnan(f.forward(std::numeric_limits<float>::quiet_NaN(), 0.25f)));
  EXPECT_EQ(f.grad(0.0f, 2.0f, 0.25f), 0.5f);  // x == 0: the slope's side
  EXPECT_EQ(f.grad(std::numeric_limits<float>::quiet_NaN(), 2.0f, 0.25f), 2.0f);  // NaN: dy
  // From y: y <= 0 exactly where x <= 0 for a >= 0.
  for (const float x : {-3.0f, -0.0f, 0.0f, 1e-30f, 2.0f}) {
    EXPECT_EQ(f.grad(f.forward(x, 0.2f), 1.5f, 0.2f), f.grad(x, 1.5f, 0.2f)) << x;
  }
}

/// Mean, variance and neighbour correlation of n slopes of T against U(lower, upper).
template <class T>
void expect_uniform_slopes(RReluKey key, double lower, double upper) {
  const RRelu<compute_t<T>> op{static_cast<compute_t<T>>(lower), static_cast<compute_t<T>>(upper)};
  constexpr std::int64_t n = 1 << 20;
  double sum = 0;
  double sum_sq = 0;
  double sum_lag = 0;
  double previous = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    const double a = reference::rrelu_slope<T>(op, key, i);
    ASSERT_GE(a, lower);
    ASSERT_LE(a, upper);
    const double c = a - (lower + upper) / 2;
    sum += c;
    sum_sq += c * c;
    if (i > 0) {
      sum_lag += c * previous;
    }
    previous = c;
  }
  const double width = upper - lower;
  const double variance = width * width / 12;
  // 5 standard errors: the mean of n uniforms has variance width^2/(12 n); the sample
  // variance's is about width^4/(180 n); a lag-1 covariance's about variance^2/n.
  EXPECT_NEAR(sum / n, 0.0, 5 * std::sqrt(variance / n));
  EXPECT_NEAR(sum_sq / n, variance, 5 * width * width / std::sqrt(180.0 * n));
  EXPECT_NEAR(sum_lag / (n - 1), 0.0, 5 * variance / std::sqrt(static_cast<double>(n)));
}

TEST(RReluStream, SlopesAreUniformOnTheirRangeWithUncorrelatedNeighbours) {
  expect_uniform_slopes<float>({42, 0}, 0.125, 1.0 / 3.0);
  expect_uniform_slopes<double>({7, 3}, 0.0, 1.0);
  expect_uniform_slopes<__nv_bfloat16>({1234, 99}, 0.1, 0.9);
  expect_uniform_slopes<__half>({~0ull, ~0ull}, 0.2, 0.25);
}

TEST(RReluStream, EachOffsetAndSeedDrawsFreshSlopes) {
  const RRelu<float> op{0.0f, 1.0f};
  int same_offset = 0;
  int same_seed = 0;
  for (std::int64_t i = 0; i < 10000; ++i) {
    const float a = reference::rrelu_slope<float>(op, {5, 0}, i);
    same_offset += a == reference::rrelu_slope<float>(op, {5, 1}, i);
    same_seed += a == reference::rrelu_slope<float>(op, {6, 0}, i);
  }
  EXPECT_LE(same_offset, 2);
  EXPECT_LE(same_seed, 2);
}

}  // namespace
}  // namespace cuact
