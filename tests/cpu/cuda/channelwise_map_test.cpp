// The PReLU kernels' maps (cuda/channelwise_map.hpp), replayed on the CPU the way the kernels run
// them: every element exactly once and in its own channel, every access aligned and inside
// the tensor (rows on or off vector boundaries, any channel count, any offset), every partial
// slot written exactly once and read once for its own channel.
#include "cuda/channelwise_map.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace cuact::detail {
namespace {

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
              cover.slot(tile_partial_slot(c, map.chunk_of(tile), chunks));
              if (map.chunk_of(tile) == 0) {
                cover.slot(tile_initial_slot(c, chunks));
              }
            }
            cover.expect_each_once("channel tiles");
          }
        }
      }
    }
  }
}

TEST(PreluChannelTilesMaskedMap, EveryElementOnceInItsChannelAndEveryPartialSlotOnce) {
  // Rows that do not start on vector boundaries: inner % vec != 0, or the tensor starts off
  // elements past a boundary. Every access aligned and inside the tensor, the masked-in
  // elements and the edge elements together exactly the tensor, each in its tile's channel.
  for (const int vec : {2, 4, 8}) {
    for (const std::int64_t outer : {1, 3}) {
      for (const std::int64_t channels : {1, 3}) {
        for (const std::int64_t inner : {std::int64_t{vec} + 1, std::int64_t{7}, std::int64_t{49},
                                         std::int64_t{98}, std::int64_t{300}}) {
          for (std::int64_t off = 0; off < vec; ++off) {
            for (const std::int64_t chunks : {1, 3, 40}) {
              SCOPED_TRACE(::testing::Message()
                           << "vec " << vec << " [" << outer << ", " << channels << ", " << inner
                           << "] off " << off << " chunks " << chunks);
              const std::int64_t n = outer * channels * inner;
              const MaskedRowsMap map{
                  ChannelTilesMap{outer, channels, MaskedRowsMap::slots(inner, vec), chunks,
                                  kThreads},
                  inner, off, n};
              const VectorEdges edges{n, off, vec};
              ASSERT_LT(edges.count(), 2 * vec);
              Coverage cover{std::vector<int>(static_cast<std::size_t>(n)),
                             std::vector<int>(static_cast<std::size_t>(channels * (chunks + 1)))};
              for (std::int64_t tile = 0; tile < map.tiles.tiles(); ++tile) {
                const std::int64_t c = map.tiles.channel_of(tile);
                const std::int64_t chunk = map.tiles.chunk_of(tile);
                const std::int64_t end = map.tiles.end_of(tile);
                for (int t = 0; t < kThreads; ++t) {
                  for (auto at = map.first(tile, t); at.j < end; map.advance(at)) {
                    const MaskedRowsMap::Span span = map.span(at, vec);
                    if (span.mask == 0 || !vector_inside(span.start, vec, n)) {
                      continue;
                    }
                    ASSERT_EQ((span.start + off) % vec, 0) << "a misaligned vector";
                    for (int k = 0; k < vec; ++k) {
                      if ((span.mask >> k & 1u) != 0) {
                        const std::int64_t e = span.start + k;
                        cover.element(e, e / inner % channels, c);
                      }
                    }
                  }
                  if (t < edges.count()) {
                    const std::int64_t e = edges.element(t);
                    ASSERT_FALSE(vector_inside(e - (e + off) % vec, vec, n));
                    const MaskedRowsMap::Owner owner = map.owner_of(e, vec);
                    if (owner.channel == c && owner.chunk == chunk) {
                      cover.element(e, e / inner % channels, c);
                    }
                  }
                }
                cover.slot(tile_partial_slot(c, chunk, chunks));
                if (chunk == 0) {
                  cover.slot(tile_initial_slot(c, chunks));
                }
              }
              cover.expect_each_once("masked channel tiles");
            }
          }
        }
      }
    }
  }
}

TEST(PreluChannelsLastMap, EveryElementOnceInItsChannelAndEveryPartialSlotOnce) {
  // Any channel count and row length (super-rows of lcm(channels * inner, vec) elements) and
  // any offset from a vector boundary: every access aligned and inside the tensor, the row
  // loops and the edge vectors together exactly the tensor, each element in the channel its
  // thread's alpha is for, and every partial slot written once.
  for (const int vec : {1, 2, 4, 8}) {
    for (const int unroll : {4, 8}) {  // kChannelwiseUnroll: 4 vectors of 8-16 bytes, else 8
      for (const std::int64_t rows : {1, 5, 33, 300}) {
        for (const std::int64_t channels : {1, 3, 8, 12, 64, 100, 600}) {
          for (const std::int64_t inner : {1, 2, 3, 7}) {
            for (std::int64_t off = 0; off < vec; ++off) {
              for (const std::int64_t chunks : {1, 4, 9}) {
                if (inner > 1 && (channels > 64 || unroll == 8)) {
                  continue;  // inner > 1 (NCHW maps smaller than a vector): fewer cases, for time
                }
                SCOPED_TRACE(::testing::Message()
                             << "vec " << vec << " [" << rows << ", " << channels << ", " << inner
                             << "] off " << off << " chunks " << chunks << " unroll " << unroll);
                const std::int64_t n = rows * channels * inner;
                const std::int64_t width = channels_last_width(channels * inner, vec);
                ASSERT_EQ(width % (channels * inner), 0);
                ASSERT_EQ(width % vec, 0);
                const ChannelsLastMap map{n, channels, inner, width, off, vec, chunks, kThreads};
                Coverage cover{std::vector<int>(static_cast<std::size_t>(n)),
                               std::vector<int>(static_cast<std::size_t>(
                                   channels_last_partial_count(chunks, channels, width)))};
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
                    if (rl >= row_lanes || q >= map.cols()) {
                      continue;
                    }
                    // The channel of the thread's alpha[k], as the kernel steps it.
                    std::vector<std::int64_t> alpha_channel(static_cast<std::size_t>(vec));
                    const std::int64_t at = (q * vec + width - off) % (channels * inner);
                    std::int64_t ch = at / inner;
                    std::int64_t in_run = at - ch * inner;
                    ASSERT_EQ(ch, channels_last_channel_of(q * vec, channels, inner, width, off));
                    for (int k = 0; k < vec; ++k) {
                      alpha_channel[static_cast<std::size_t>(k)] = ch;
                      if (++in_run == inner) {
                        in_run = 0;
                        ch = ch + 1 == channels ? 0 : ch + 1;
                      }
                    }
                    if (chunk == 0 && rl == 0) {
                      for (int k = 0; k < vec; ++k) {
                        if (q * vec + k < channels) {
                          cover.slot(channels_last_initial_slot(q * vec + k));
                        }
                      }
                    }
                    const std::int64_t r_begin =
                        std::max(map.row_begin(chunk), map.inside_begin(q));
                    const std::int64_t r_end = std::min(map.row_end(chunk), map.inside_end(q));
                    for (std::int64_t r = r_begin + rl; r < r_end;
                         r += static_cast<std::int64_t>(unroll) * row_lanes) {
                      for (int u = 0; u < unroll; ++u) {
                        const std::int64_t ru = r + static_cast<std::int64_t>(u) * row_lanes;
                        if (ru < r_end) {
                          const std::int64_t e = map.element(ru, q);
                          ASSERT_TRUE(vector_inside(e, vec, n)) << "row " << ru << " column " << q;
                          ASSERT_EQ((e + off) % vec, 0) << "a misaligned vector";
                          for (int k = 0; k < vec; ++k) {
                            cover.element(e + k, (e + k) / inner % channels,
                                          alpha_channel[static_cast<std::size_t>(k)]);
                          }
                        }
                      }
                    }
                    for (int side = 0; rl == 0 && side < 2; ++side) {
                      const std::int64_t v = map.edge_vector(side);
                      if (v >= 0 && v % map.cols() == q &&
                          v / map.cols() / map.chunk_rows() == chunk) {
                        const std::int64_t start = map.element(v / map.cols(), q);
                        ASSERT_FALSE(vector_inside(start, vec, n));
                        for (int k = 0; k < vec; ++k) {
                          if (start + k >= 0 && start + k < n) {
                            cover.element(start + k, (start + k) / inner % channels,
                                          alpha_channel[static_cast<std::size_t>(k)]);
                          }
                        }
                      }
                    }
                    if (rl == 0) {
                      for (int k = 0; k < vec; ++k) {
                        cover.slot(channels_last_partial_slot(q * vec + k, chunk, channels, width));
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
  }
}

TEST(PreluChannelsLastMap, AWarpReadsConsecutiveVectorsOfOneRowAndItsPartialStoresAreContiguous) {
  const ChannelsLastMap map{4096 * 4096, 4096, 1, 4096, 0, 4, 64, kThreads};  // [4096, 4096] f32
  ASSERT_EQ(map.cols(), 1024);
  for (int warp = 0; warp < kThreads / 32; ++warp) {
    const int t0 = warp * 32;
    const int rl = t0 / map.col_lanes();
    for (int lane = 0; lane < 32; ++lane) {
      const int t = t0 + lane;
      EXPECT_EQ(t / map.col_lanes(), rl);  // one row lane per warp
      EXPECT_EQ(map.column(5, t % map.col_lanes()), map.column(5, 0) + lane);
      EXPECT_EQ(map.element(rl, map.column(5, lane)), map.element(rl, map.column(5, 0)) + 4 * lane);
      EXPECT_EQ(channels_last_partial_slot(map.column(5, lane) * 4, 7, 4096, 4096),
                channels_last_partial_slot(map.column(5, 0) * 4, 7, 4096, 4096) + 4 * lane);
    }
  }
}

TEST(PreluChannelsLastMap, TheReductionReadsEachSlotOnceForItsOwnChannel) {
  // Channel c's partials, read in order k = c * per_channel + s: its initial value, then its
  // column elements' sums chunk by chunk; together every slot once.
  for (const int vec : {1, 2, 4, 8}) {
    for (const std::int64_t channels : {1, 3, 12, 64, 100}) {
      for (const std::int64_t inner : {1, 2, 3, 7}) {
        for (std::int64_t off = 0; off < vec; ++off) {
          for (const std::int64_t chunks : {1, 2, 7}) {
            const std::int64_t width = channels_last_width(channels * inner, vec);
            const std::int64_t per_channel = channels_last_per_channel(chunks, channels, width);
            std::vector<int> read(
                static_cast<std::size_t>(channels_last_partial_count(chunks, channels, width)));
            ASSERT_EQ(static_cast<std::int64_t>(read.size()), channels * per_channel);
            for (std::int64_t c = 0; c < channels; ++c) {
              EXPECT_EQ(channels_last_slot_of(c * per_channel, chunks, channels, inner, width, off),
                        channels_last_initial_slot(c));
              for (std::int64_t s = 0; s < per_channel; ++s) {
                const std::int64_t slot =
                    channels_last_slot_of(c * per_channel + s, chunks, channels, inner, width, off);
                ASSERT_GE(slot, 0);
                ASSERT_LT(slot, static_cast<std::int64_t>(read.size()));
                ++read[static_cast<std::size_t>(slot)];
                if (slot >= channels) {  // a chunk's sum of column element v
                  const std::int64_t v = (slot - channels) % width;
                  EXPECT_EQ(channels_last_channel_of(v, channels, inner, width, off), c)
                      << "slot " << slot;
                } else {
                  EXPECT_EQ(slot, c);
                }
              }
            }
            for (std::size_t slot = 0; slot < read.size(); ++slot) {
              ASSERT_EQ(read[slot], 1) << "slot " << slot;
            }
          }
        }
      }
    }
  }
}

TEST(PreluPartialsLayout, TheDalphaKernelReadsEverySlotOnceForItsOwnChannel) {
  // channel_grads_kernel reads channel c's partials k = c * per_channel() + s at slot(k):
  // channel-major (the tiles) and chunk-major (channels last), every slot once.
  for (const std::int64_t channels : {1, 3, 64}) {
    for (const std::int64_t chunks : {1, 5}) {
      for (const bool chunk_major : {false, true}) {
        const std::int64_t inner = chunk_major ? 3 : 1;
        const std::int64_t width = chunk_major ? channels_last_width(channels * inner, 8) : 1;
        const PartialsLayout layout{chunk_major, channels, chunks,
                                    inner,       width,    chunk_major ? 5 : 0};
        const std::int64_t count = chunk_major
                                       ? channels_last_partial_count(chunks, channels, width)
                                       : channels * (chunks + 1);
        std::vector<int> read(static_cast<std::size_t>(count));
        for (std::int64_t c = 0; c < channels; ++c) {
          for (std::int64_t s = 0; s < layout.per_channel(); ++s) {
            const std::int64_t slot = layout.slot(c * layout.per_channel() + s);
            ASSERT_GE(slot, 0);
            ASSERT_LT(slot, count);
            ++read[static_cast<std::size_t>(slot)];
            if (!chunk_major) {
              EXPECT_EQ(slot, s == 0 ? tile_initial_slot(c, chunks)
                                     : tile_partial_slot(c, s - 1, chunks));
            }
          }
        }
        for (std::size_t slot = 0; slot < read.size(); ++slot) {
          ASSERT_EQ(read[slot], 1) << "slot " << slot;
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
                        Shape{32 * 56 * 56, 256}, Shape{1 << 16, 512}, Shape{100, 1 << 16},
                        Shape{32 * 224 * 224, 3}, Shape{1 << 16, 1001}}) {
    for (const int vec : {2, 4, 8}) {
      // As the plan counts them: super-rows of lcm(channels, vec) elements.
      const std::int64_t n = s.rows * s.channels;
      const std::int64_t width = channels_last_width(s.channels, vec);  // inner == 1
      const std::int64_t rows = (n + width - 1) / width;
      const std::int64_t chunks = channels_last_chunks(rows, width, vec, target);
      SCOPED_TRACE(::testing::Message() << "[" << s.rows << ", " << s.channels << "] vec " << vec
                                        << ": " << chunks << " chunks");
      ASSERT_GE(chunks, 1);
      // One partial per column element and chunk: at most n / 64, or one per column element.
      EXPECT_LE(chunks * width, std::max(n / kMinChunkRows, width));
      const ChannelsLastMap map{n, s.channels, 1, width, 0, vec, chunks, kThreads};
      // Enough units for the GPU unless the 64-row floor stops it.
      if (chunks < rows / kMinChunkRows) {
        EXPECT_GE(map.units(), target);
      }
    }
  }
}

}  // namespace
}  // namespace cuact::detail
