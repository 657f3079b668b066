// The mask kernels' walk and word assembly (cuda/mask_map.hpp), replayed on the CPU the way
// the kernels run them, warp by warp: every element exactly once; every full step whole
// vectors in every lane; every element's bit at word i / 32, bit i % 32, both where the
// forward's lane puts it and where the backward reads it; every word with elements written
// exactly once, by the first lane of its group, which holds all its elements; and the
// shuffle butterfly ORs exactly the lanes of each group.
#include "cuda/mask_map.hpp"

#include <cuact/mask.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace cuact::detail {
namespace {

constexpr int kUnroll = 4;

/// One warp step as the kernels take it: the vectors of its 32 lanes.
struct WarpStep {
  std::int64_t lane0_vector;
  bool full;
};

/// The steps warp `w` takes, each with the vectors of lane 0 (lane l has lane0_vector + l),
/// in the kernels' loop order.
std::vector<WarpStep> warp_steps(const MaskWalk& walk, std::int64_t w) {
  std::vector<WarpStep> steps;
  std::int64_t i0 = w * 32;
  for (; walk.full_warp_step(i0); i0 += kUnroll * walk.stride) {
    for (int u = 0; u < kUnroll; ++u) {
      steps.push_back({i0 + u * walk.stride, true});
    }
  }
  for (; walk.warp_has_work(i0); i0 += walk.stride) {
    steps.push_back({i0, false});
  }
  return steps;
}

TEST(MaskWalk, EveryElementOnceEveryWordOnceByTheLaneHoldingItsElements) {
  for (int vec : {1, 2, 4, 8}) {
    std::vector<std::int64_t> sizes;
    for (std::int64_t n = 1; n <= 600; ++n) {
      sizes.push_back(n);
    }
    for (std::int64_t n : {4099, 20011, 70001}) {
      sizes.push_back(n);
    }
    for (const std::int64_t n : sizes) {
      for (std::int64_t stride : {256, 512, 768}) {
        SCOPED_TRACE(::testing::Message() << "vec " << vec << ", n " << n << ", stride " << stride);
        const MaskWalk walk(n, vec, kUnroll, stride);
        ASSERT_EQ(walk.lanes_per_word() * vec, 32);
        std::vector<int> element_seen(static_cast<std::size_t>(n), 0);
        std::vector<int> word_written(static_cast<std::size_t>(mask_words(n)), 0);
        for (std::int64_t w = 0; w < stride / 32; ++w) {
          for (const WarpStep& step : warp_steps(walk, w)) {
            for (int lane = 0; lane < 32; ++lane) {
              const std::int64_t i = step.lane0_vector + lane;
              const int count = walk.elements_in(i);
              if (step.full) {
                ASSERT_EQ(count, vec) << "a full step with a partial vector";
              }
              // The word this lane's group assembles: its first lane's.
              const int lanes = walk.lanes_per_word();
              const std::int64_t lead = i - lane % lanes;
              for (int j = 0; j < count; ++j) {
                const std::int64_t e = i * vec + j;
                ASSERT_LT(e, n);
                ++element_seen[static_cast<std::size_t>(e)];
                // Forward: the lane's bits go to bit (lane % lanes) * vec + j of its lead's word.
                ASSERT_EQ(walk.word_of(lead), e / 32);
                ASSERT_EQ(lane % lanes * vec + j, e % 32);
                // Backward: the lane reads them back at word_of(i), bit_of(i) + j.
                ASSERT_EQ(walk.word_of(i), e / 32);
                ASSERT_EQ(walk.bit_of(i) + j, e % 32);
              }
              if (walk.writes_word(i)) {
                ASSERT_EQ(lane % lanes, 0);
                ASSERT_LT(walk.word_of(i), mask_words(n));
                ++word_written[static_cast<std::size_t>(walk.word_of(i))];
              }
            }
          }
        }
        for (std::int64_t e = 0; e < n; ++e) {
          ASSERT_EQ(element_seen[static_cast<std::size_t>(e)], 1) << "element " << e;
        }
        for (std::size_t k = 0; k < word_written.size(); ++k) {
          ASSERT_EQ(word_written[k], 1) << "word " << k;
        }
      }
    }
  }
}

TEST(MaskWalk, CountsPast2To32) {
  const std::int64_t n = (std::int64_t{1} << 33) + 37;
  for (int vec : {1, 2, 4, 8}) {
    const MaskWalk walk(n, vec, kUnroll, 132 * 8 * 256);
    const std::int64_t last = walk.n_steps - 1;
    EXPECT_EQ(walk.elements_in(last), n % vec == 0 ? vec : n % vec);
    EXPECT_EQ(walk.word_of(last), (n - 1) / 32);
    EXPECT_EQ(walk.elements_in(last + 1), 0);
    EXPECT_EQ(mask_words(n), (n + 31) / 32);
  }
}

/// or_within_groups on 32 simulated lanes: lane l's partner at the step with offset o holds
/// the OR of the initial values over the lanes reachable from it by the offsets already taken
/// (the butterfly's invariant), so every lane ends with its group's OR exactly when the
/// offsets are group/2, ..., 1, each once.
TEST(MaskWords, ButterflyOrsExactlyEachAlignedGroup) {
  for (int group : {2, 4, 8, 16, 32}) {
    std::uint32_t initial[32];
    for (int lane = 0; lane < 32; ++lane) {
      initial[lane] = 1u << lane;  // one bit per lane: the result shows which lanes it ORs
    }
    for (int lane = 0; lane < 32; ++lane) {
      int taken = 0;  // the offsets applied so far, as a bit set
      const std::uint32_t got =
          or_within_groups(initial[lane], group, [&](std::uint32_t, int offset) {
            const int partner = lane ^ offset;
            std::uint32_t value = 0;
            for (int s = 0; s < 32; ++s) {
              if ((s & ~taken) == 0) {
                value |= initial[partner ^ s];
              }
            }
            taken |= offset;
            return value;
          });
      const int first = lane / group * group;
      const std::uint32_t expected = group == 32 ? 0xFFFFFFFFu : ((1u << group) - 1u) << first;
      EXPECT_EQ(got, expected) << "group " << group << ", lane " << lane;
    }
  }
}

TEST(MaskLayout, SizeFunctionsAndBitAccess) {
  EXPECT_EQ(mask_words(0), 0);
  EXPECT_EQ(mask_words(1), 1);
  EXPECT_EQ(mask_words(32), 1);
  EXPECT_EQ(mask_words(33), 2);
  EXPECT_EQ(mask_bytes(33), 8u);
  const std::uint32_t words[2] = {0x80000001u, 0x2u};
  EXPECT_TRUE(mask_bit_at(words, 0));
  EXPECT_FALSE(mask_bit_at(words, 1));
  EXPECT_TRUE(mask_bit_at(words, 31));
  EXPECT_FALSE(mask_bit_at(words, 32));
  EXPECT_TRUE(mask_bit_at(words, 33));
}

}  // namespace
}  // namespace cuact::detail
