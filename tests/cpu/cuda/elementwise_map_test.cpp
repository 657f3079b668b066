// The elementwise kernel's thread-to-element map (cuda/elementwise_map.hpp), replayed on the
// CPU the way the kernel runs it: for small shapes every element exactly once and every
// vector access 16-byte aligned, for every misalignment and grid; for counts past 2^31, each
// thread's vectors are exactly its residue class.
#include "cuda/elementwise_map.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace cuact::detail {
namespace {

constexpr int kUnroll = 4;

/// Calls visit(first element, count) for every access the kernel's thread t makes.
template <class Visit>
void replay_thread(const ElementwiseMap& map, std::int64_t t, Visit&& visit) {
  std::int64_t i = t;
  for (; map.full_step(i); i += kUnroll * map.stride) {
    for (int u = 0; u < kUnroll; ++u) {
      visit(map.vector_start(i + u * map.stride), map.vec);
    }
  }
  for (; i < map.n_vec; i += map.stride) {
    visit(map.vector_start(i), map.vec);
  }
  if (map.vec > 1 && t < map.single_count()) {
    visit(map.single_element(t), 1);
  }
}

TEST(ElementwiseMap, EveryElementExactlyOnceAndEveryVectorAlignedForSmallShapes) {
  for (int element_size : {2, 4, 8}) {
    const int vec = 16 / element_size;
    for (std::int64_t misalignment = 0; misalignment < 16; misalignment += element_size) {
      std::vector<std::int64_t> sizes;
      for (std::int64_t n = 0; n <= 300; ++n) {
        sizes.push_back(n);
      }
      for (std::int64_t n : {1000, 4099, 20011, 70001}) {  // many steps per thread
        sizes.push_back(n);
      }
      for (const std::int64_t n : sizes) {
        const std::int64_t head = vector_head(static_cast<std::size_t>(misalignment),
                                              static_cast<std::size_t>(element_size));
        ASSERT_LT(head, vec);
        // launch_elementwise takes the vector path only when head < n, else the scalar one.
        const bool vector = head < n;
        // Grids are whole blocks of 256 threads (the kernel's block size).
        for (std::int64_t stride : {256, 512, 768}) {
          const ElementwiseMap map(n, vector ? head : 0, vector ? vec : 1, kUnroll, stride);
          std::vector<int> seen(static_cast<std::size_t>(n), 0);
          for (std::int64_t t = 0; t < stride; ++t) {
            replay_thread(map, t, [&](std::int64_t first, int count) {
              ASSERT_GE(first, 0);
              ASSERT_LE(first + count, n) << "an access past the end";
              if (count > 1) {
                ASSERT_EQ((misalignment + first * element_size) % 16, 0)
                    << "a vector access not 16-byte aligned";
              }
              for (int k = 0; k < count; ++k) {
                ++seen[static_cast<std::size_t>(first + k)];
              }
            });
          }
          for (std::int64_t e = 0; e < n; ++e) {
            ASSERT_EQ(seen[static_cast<std::size_t>(e)], 1)
                << "element " << e << " of n = " << n << ", element size " << element_size
                << ", misalignment " << misalignment << ", grid " << stride;
          }
        }
      }
    }
  }
}

TEST(ElementwiseMap, PastTwoToThe31EachThreadTakesExactlyItsResidueClassOfVectors) {
  // A realistic grid (132 SMs x 8 blocks x 256 threads) over 3 * 2^31 + 13 bf16 elements.
  const std::int64_t n = 3 * (std::int64_t(1) << 31) + 13;
  const std::int64_t stride = 132 * 8 * 256;
  const ElementwiseMap map(n, 3, 8, kUnroll, stride);
  EXPECT_EQ(map.single_count(), 3 + (n - 3) % 8);
  for (std::int64_t t :
       {std::int64_t(0), std::int64_t(1), std::int64_t(4095), stride / 2, stride - 2, stride - 1}) {
    std::int64_t expected = map.vector_start(t);
    std::int64_t vectors = 0;
    replay_thread(map, t, [&](std::int64_t first, int count) {
      if (count == 1) {
        return;  // the head or tail element
      }
      ASSERT_EQ(first, expected) << "thread " << t;
      expected += stride * 8;
      ++vectors;
    });
    // Vectors t, t + stride, ... below n_vec: ceil((n_vec - t) / stride) of them.
    EXPECT_EQ(vectors, (map.n_vec - t + stride - 1) / stride) << "thread " << t;
  }
  // The single elements: the head first, then the tail after the last vector.
  EXPECT_EQ(map.single_element(0), 0);
  EXPECT_EQ(map.single_element(3), map.vector_start(map.n_vec));
  EXPECT_EQ(map.single_element(map.single_count() - 1), n - 1);
}

}  // namespace
}  // namespace cuact::detail
