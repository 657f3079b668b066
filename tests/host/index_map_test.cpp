// The kernels' thread-to-element mappings, replayed on the CPU the way the kernels run them.
// Elementwise (cuda/elementwise_map.hpp): for small shapes every element exactly once and
// every vector access 16-byte aligned, for every misalignment and grid; for counts past 2^31,
// each thread's vectors are exactly its residue class. PReLU (cuda/prelu_map.hpp): every
// element exactly once and in its own channel, every partial slot written exactly once.
#include "cuda/elementwise_map.hpp"
#include "cuda/prelu_map.hpp"

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
  for (std::int64_t t : {std::int64_t(0), std::int64_t(1), std::int64_t(4095), stride / 2,
                         stride - 2, stride - 1}) {
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

constexpr int kThreads = 256;

/// Counts every element and partial slot a PReLU kernel's replay touches.
struct Coverage {
  std::vector<int> elements;
  std::vector<int> slots;
  void element(std::int64_t e, std::int64_t channel, std::int64_t want_channel) {
    ASSERT_LT(e, static_cast<std::int64_t>(elements.size()));
    ASSERT_EQ(channel, want_channel) << "element " << e;
    ++elements[static_cast<std::size_t>(e)];
  }
  void slot(std::int64_t s) {
    ASSERT_LT(s, static_cast<std::int64_t>(slots.size()));
    ++slots[static_cast<std::size_t>(s)];
  }
  void expect_each_once(const char* what) const {
    for (std::size_t i = 0; i < elements.size(); ++i) {
      ASSERT_EQ(elements[i], 1) << what << ": element " << i;
    }
    for (std::size_t i = 0; i < slots.size(); ++i) {
      ASSERT_EQ(slots[i], 1) << what << ": partial slot " << i;
    }
  }
};

TEST(PreluChannelTilesMap, EveryElementOnceInItsChannelAndEveryPartialSlotOnce) {
  for (const int vec : {1, 4, 8}) {
    for (const std::int64_t outer : {1, 3, 9}) {
      for (const std::int64_t channels : {1, 2, 5}) {
        for (const std::int64_t inner_v : {1, 7, 64, 300}) {
          for (const std::int64_t chunks : {1, 2, 5, 40}) {
            const ChannelTilesMap map{outer, channels, inner_v, chunks, kThreads};
            const std::int64_t inner = inner_v * vec;
            Coverage cover{std::vector<int>(static_cast<std::size_t>(outer * channels * inner)),
                           std::vector<int>(static_cast<std::size_t>(channels * (chunks + 1)))};
            for (std::int64_t tile = 0; tile < map.tiles(); ++tile) {
              const std::int64_t c = map.channel_of(tile);
              const std::int64_t end = map.end_of(tile);
              for (int t = 0; t < kThreads; ++t) {
                for (auto at = map.first(tile, t); at.j < end; map.advance(at)) {
                  const std::int64_t e = map.element(at, c, vec);
                  ASSERT_EQ(at.row * inner_v + at.v, at.j);
                  for (int k = 0; k < vec; ++k) {
                    cover.element(e + k, (e + k) / inner % channels, c);
                  }
                }
              }
              cover.slot(prelu_partial_slot(c, map.chunk_of(tile), chunks));
              if (map.chunk_of(tile) == 0) {
                cover.slot(prelu_initial_slot(c, chunks));
              }
            }
            cover.expect_each_once("channel tiles");
          }
        }
      }
    }
  }
}

TEST(PreluChannelsLastMap, EveryElementOnceInItsChannelAndEveryPartialSlotOnce) {
  for (const int vec : {1, 4}) {
    for (const int unroll : {4, 8}) {  // kPreluUnroll: 4 vectors of 8-16 bytes, else 8
      for (const std::int64_t rows : {1, 5, 33, 300}) {
        for (const std::int64_t cols : {1, 3, 31, 32, 64, 300, 600}) {
          for (const std::int64_t chunks : {1, 4, 9}) {
            const ChannelsLastMap map{rows, cols, chunks, kThreads};
            const std::int64_t channels = cols * vec;
            Coverage cover{std::vector<int>(static_cast<std::size_t>(rows * channels)),
                           std::vector<int>(static_cast<std::size_t>(channels * (chunks + 1)))};
            const int col_lanes = map.col_lanes();
            const int row_lanes = map.row_lanes();
            ASSERT_LE(col_lanes, kChannelsLastGroupCols);
            for (std::int64_t unit = 0; unit < map.units(); ++unit) {
              const std::int64_t chunk = map.chunk_of(unit);
              ASSERT_LT(chunk, chunks);
              for (int t = 0; t < kThreads; ++t) {
                const int cl = t % col_lanes;
                const int rl = t / col_lanes;
                const std::int64_t q = map.column(map.group_of(unit), cl);
                if (rl >= row_lanes || q >= cols) {
                  continue;
                }
                if (chunk == 0 && rl == 0) {
                  for (int k = 0; k < vec; ++k) {
                    cover.slot(channels_last_initial_slot(q * vec + k));
                  }
                }
                for (std::int64_t r = map.row_begin(chunk) + rl; r < map.row_end(chunk);
                     r += static_cast<std::int64_t>(unroll) * row_lanes) {
                  for (int u = 0; u < unroll; ++u) {
                    const std::int64_t ru = r + static_cast<std::int64_t>(u) * row_lanes;
                    if (ru < map.row_end(chunk)) {
                      const std::int64_t e = map.element(ru, q, vec);
                      for (int k = 0; k < vec; ++k) {
                        cover.element(e + k, (e + k) % channels, q * vec + k);
                      }
                    }
                  }
                }
                if (rl == 0) {
                  for (int k = 0; k < vec; ++k) {
                    cover.slot(channels_last_partial_slot(q * vec + k, chunk, channels));
                  }
                }
              }
            }
            cover.expect_each_once("channels last");
          }
        }
      }
    }
  }
}

TEST(PreluChannelsLastMap, AWarpReadsConsecutiveVectorsOfOneRowAndItsPartialStoresAreContiguous) {
  const ChannelsLastMap map{4096, 4096 / 4, 64, kThreads};  // [4096, 4096] f32
  for (int warp = 0; warp < kThreads / 32; ++warp) {
    const int t0 = warp * 32;
    const int rl = t0 / map.col_lanes();
    for (int lane = 0; lane < 32; ++lane) {
      const int t = t0 + lane;
      EXPECT_EQ(t / map.col_lanes(), rl);  // one row lane per warp
      EXPECT_EQ(map.column(5, t % map.col_lanes()), map.column(5, 0) + lane);
      EXPECT_EQ(channels_last_partial_slot(map.column(5, lane) * 4, 7, 4096),
                channels_last_partial_slot(map.column(5, 0) * 4, 7, 4096) + 4 * lane);
    }
  }
}

TEST(PreluChannelsLastMap, TheReductionReadsEachChannelsPartialsInChunkOrder) {
  for (const std::int64_t channels : {1, 3, 64}) {
    for (const std::int64_t chunks : {1, 2, 7}) {
      for (std::int64_t c = 0; c < channels; ++c) {
        const std::int64_t k0 = c * (chunks + 1);
        EXPECT_EQ(channels_last_slot_of(k0, chunks, channels), channels_last_initial_slot(c));
        for (std::int64_t chunk = 0; chunk < chunks; ++chunk) {
          EXPECT_EQ(channels_last_slot_of(k0 + 1 + chunk, chunks, channels),
                    channels_last_partial_slot(c, chunk, channels));
        }
      }
    }
  }
}

TEST(PreluChannelsLastChunks, PartialsStayWithinA64thOfTheTensorAndUnitsFillTheGpu) {
  const std::int64_t target = 132 * 16;  // an H100's SMs x units per SM
  struct Shape {
    std::int64_t rows, channels;
  };
  for (const Shape s : {Shape{4096, 4096}, Shape{1 << 20, 64}, Shape{64, 1000}, Shape{7, 3},
                        Shape{32 * 56 * 56, 256}, Shape{1 << 16, 512}, Shape{100, 1 << 16}}) {
    for (const int vec : {2, 4, 8}) {
      const std::int64_t chunks = channels_last_chunks(s.rows, s.channels, vec, target);
      const std::int64_t n = s.rows * s.channels;
      SCOPED_TRACE(::testing::Message() << "[" << s.rows << ", " << s.channels << "] vec " << vec
                                        << ": " << chunks << " chunks");
      ASSERT_GE(chunks, 1);
      // One partial per channel and chunk: at most n / 64, or one per channel.
      EXPECT_LE(chunks * s.channels, std::max(n / kMinChunkRows, s.channels));
      const ChannelsLastMap map{s.rows, (s.channels + vec - 1) / vec, chunks, kThreads};
      // Enough units for the GPU unless the 64-row floor stops it.
      if (chunks < s.rows / kMinChunkRows) {
        EXPECT_GE(map.units(), target);
      }
    }
  }
}

}  // namespace
}  // namespace cuact::detail
