// Channelwise plans (cuda/channelwise_plan.hpp) over many shapes, vector widths and term
// counts: a plan is
// direct (the backward's blocks write dalpha, with no partials and no second kernel) exactly
// when every channel has one partial on the path the launch takes, vector or element; a
// direct super-row plan's column elements are its channels one to one, at every offset; and
// no plan's workspace is below the bound the host checks before planning.
#include "cuda/channelwise_plan.hpp"

#include <cuact/error.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace cuact::detail {
namespace {

/// Where the partials are when the launch takes the vector path (tensors sharing an offset
/// from a 16-byte boundary) or the element path, as dispatch_prelu routes it.
PartialsLayout layout_of(const ChannelwisePlan& p, bool vector_path, int vec) {
  return partials_layout(p, channelwise_route(p, vector_path, 0, vec));
}

std::vector<ChannelShape> shapes() {
  std::vector<ChannelShape> out;
  for (const std::int64_t outer : {1, 2, 7, 63, 64, 127, 128, 129, 1000, 4096}) {
    for (const std::int64_t channels : {1, 2, 3, 8, 64, 100, 1000, 4096}) {
      for (const std::int64_t inner : {1, 2, 3, 4, 7, 49, 100, 3136, 8191, 8192, 20000}) {
        out.push_back({outer, channels, inner});
      }
    }
  }
  for (const std::int64_t count : {1, 5, 4095, 8191, 8192, 8193, 1 << 20}) {
    out.push_back(ChannelShape::shared(count));
  }
  return out;
}

TEST(ChannelwisePlan, DirectExactlyWhenEveryChannelHasOnePartialOnEitherPath) {
  int direct = 0;
  int chunked = 0;
  for (const ChannelShape& shape : shapes()) {
    for (const int terms : {1, 2}) {
      for (const int vec : {2, 4, 8}) {
        const ChannelwisePlan p = plan_channelwise(shape, true, vec, 4, terms);
        SCOPED_TRACE(::testing::Message() << "[" << shape.outer << ", " << shape.channels << ", "
                                          << shape.inner << "] terms " << terms << " vec " << vec);
        const std::int64_t vector_partials = layout_of(p, true, vec).per_channel();
        const std::int64_t element_partials = layout_of(p, false, vec).per_channel();
        // The initial value and one partial: then the block that makes the partial can
        // add the initial value and write dalpha.
        ASSERT_EQ(p.direct, vector_partials == 2);
        if (p.direct) {
          ASSERT_EQ(element_partials, 2);
          ++direct;
        } else {
          ++chunked;
        }
        ASSERT_GE(p.workspace_bytes,
                  channelwise_workspace_lower_bound<float>(shape.channels, terms));
      }
    }
  }
  // Both kinds are planned, so that the check above is not vacuous.
  EXPECT_GT(direct, 1000);
  EXPECT_GT(chunked, 1000);
}

TEST(ChannelwisePlan, SmallTensorsArePlannedDirectAndLargeOnesNot) {
  struct Expected {
    ChannelShape shape;
    bool direct;
  };
  for (const int vec : {2, 4, 8}) {
    for (const Expected e :
         {Expected{ChannelShape::nchw(2, 64, 7, 7), true},
          Expected{ChannelShape::nchw(1, 4, 8191, 1), true},
          Expected{ChannelShape::nchw(1, 4, 8192, 1), false},
          Expected{ChannelShape::nchw(32, 64, 56, 56), false},
          Expected{ChannelShape::shared(8191), true}, Expected{ChannelShape::shared(8192), false},
          Expected{ChannelShape::nhwc(127, 1, 1, 64), true},
          Expected{ChannelShape::nhwc(128, 1, 1, 64), false},
          Expected{ChannelShape::matrix(16, 4096), true},
          // Three channels: a super-row holds several of each.
          Expected{ChannelShape::nhwc(2, 7, 7, 3), false}}) {
      SCOPED_TRACE(::testing::Message() << "[" << e.shape.outer << ", " << e.shape.channels << ", "
                                        << e.shape.inner << "] vec " << vec);
      EXPECT_EQ(plan_channelwise(e.shape, true, vec, 4).direct, e.direct);
    }
  }
}

TEST(ChannelwisePlan, ADirectSuperRowPlansColumnElementsAreItsChannelsOneToOne) {
  // The channels-last kernel of a direct plan writes dalpha[channels_last_channel_of(v)]
  // for each column element v it summed: each channel must be written exactly once, and
  // hold the sum of its own elements (element e is at column (e + off) % width).
  for (const std::int64_t channels : {8, 16, 64, 1000, 4096}) {
    for (const int vec : {2, 4, 8}) {
      const ChannelwisePlan p = plan_channelwise(ChannelShape::matrix(16, channels), true, vec, 4);
      if (!p.direct) {
        continue;
      }
      ASSERT_TRUE(p.super_rows);
      for (std::int64_t off = 0; off < vec; ++off) {
        SCOPED_TRACE(::testing::Message()
                     << "channels " << channels << " vec " << vec << " off " << off);
        std::vector<int> written(static_cast<std::size_t>(channels));
        for (std::int64_t v = 0; v < p.width; ++v) {
          const std::int64_t c = channels_last_channel_of(v, p.channels, p.inner, p.width, off);
          ASSERT_GE(c, 0);
          ASSERT_LT(c, channels);
          ++written[static_cast<std::size_t>(c)];
        }
        for (std::int64_t c = 0; c < channels; ++c) {
          ASSERT_EQ(written[static_cast<std::size_t>(c)], 1) << "channel " << c;
        }
        for (std::int64_t e = 0; e < 3 * channels; ++e) {
          const std::int64_t v = (e + off) % p.width;
          ASSERT_EQ(channels_last_channel_of(v, p.channels, p.inner, p.width, off), e % channels)
              << "element " << e;
        }
      }
    }
  }
}

/// Whether a + b (both >= 0) stays within int64.
bool sum_fits(std::int64_t a, std::int64_t b) {
  return a <= std::numeric_limits<std::int64_t>::max() - b;
}

TEST(ChannelwisePlan, EveryAcceptedShapeNearTwoToTheSixtyThreePlansSafelyOrIsRefused) {
  // The entry points accept a shape when its elements and its channels' values fit in an
  // int64 byte count; the planner must then either refuse it (invalid_argument naming the
  // function and the shape) or plan it with every quantity the kernels form in range and a
  // workspace that holds every partial. Shapes from the edges of int64 and of 32 bits.
  std::vector<std::int64_t> dims = {1, 2, 3, 7, 8, 64};
  for (const int k : {31, 32, 40, 50, 57, 59, 60, 61, 62}) {
    dims.push_back((std::int64_t{1} << k) - 1);
    dims.push_back(std::int64_t{1} << k);
    dims.push_back((std::int64_t{1} << k) + 1);
  }
  dims.push_back(std::numeric_limits<std::int64_t>::max());
  struct Type {
    int vec;
    std::size_t element_bytes;
    std::size_t partial_bytes;
  };
  int planned = 0;
  int refused = 0;
  for (const Type t : {Type{8, 2, 4}, Type{4, 4, 4}, Type{2, 8, 8}}) {
    for (const std::int64_t outer : dims) {
      for (const std::int64_t channels : dims) {
        for (const std::int64_t inner : dims) {
          std::int64_t n = 0;
          std::int64_t bytes = 0;
          if (__builtin_mul_overflow(outer, channels, &n) || __builtin_mul_overflow(n, inner, &n) ||
              __builtin_mul_overflow(n, static_cast<std::int64_t>(t.element_bytes), &bytes) ||
              __builtin_mul_overflow(channels, static_cast<std::int64_t>(t.partial_bytes),
                                     &bytes)) {
            continue;  // refused by the entry points' byte-count check
          }
          const ChannelShape shape{outer, channels, inner};
          SCOPED_TRACE(::testing::Message()
                       << "[" << outer << ", " << channels << ", " << inner << "] vec " << t.vec);
          try {
            expect_channelwise_plannable("prelu_forward", shape, n, t.vec, t.partial_bytes, 2);
          } catch (const invalid_argument& e) {
            const std::string shown = "prelu_forward: 'shape' [" + std::to_string(outer) + ", " +
                                      std::to_string(channels) + ", " + std::to_string(inner) +
                                      "] is too large to plan";
            ASSERT_EQ(std::string(e.what()).rfind(shown, 0), 0u) << e.what();
            ASSERT_GT(n, kChannelwiseAlwaysPlannable);
            ++refused;
            continue;
          }
          for (const int terms : {1, 2}) {
            const ChannelwisePlan p =
                plan_channelwise(shape, true, t.vec, t.partial_bytes, terms);
            ASSERT_GE(p.chunks, 1);
            std::int64_t need = 0;
            if (p.super_rows) {
              // The vector path's map, offset vec - 1: its rows, extent and last vector.
              const ChannelsLastMap m{n,         p.channels, p.inner,  p.width,
                                      t.vec - 1, t.vec,      p.chunks, 256};
              ASSERT_TRUE(sum_fits(n, p.width));
              ASSERT_TRUE(sum_fits(n + p.width, t.vec));
              std::int64_t extent = 0;
              ASSERT_FALSE(__builtin_mul_overflow(m.rows(), p.width, &extent));
              ASSERT_GE(extent, n);
              ASSERT_GE(m.inside_end(0), 0);
              need = channels_last_partial_count(p.chunks, p.channels, p.width);
              // The element path's super-rows (channels * inner elements) take fewer.
              ASSERT_LE(channels_last_partial_count(p.chunks, p.channels, p.channels * p.inner),
                        need);
            } else {
              ASSERT_FALSE(__builtin_mul_overflow(p.channels, p.chunks + 1, &need));
            }
            ASSERT_EQ(p.partial_count, need);
            std::int64_t need_bytes = 0;
            ASSERT_FALSE(__builtin_mul_overflow(
                need * terms, static_cast<std::int64_t>(t.partial_bytes), &need_bytes));
            ASSERT_GE(p.workspace_bytes,
                      kChannelwiseWorkspaceAlign + static_cast<std::size_t>(need_bytes));
            ASSERT_LE(p.workspace_bytes, std::size_t{1} << 63);
            ASSERT_GE(p.workspace_bytes, t.partial_bytes == 8
                                             ? channelwise_workspace_lower_bound<double>(channels, terms)
                                             : channelwise_workspace_lower_bound<float>(channels, terms));
            ++planned;
          }
        }
      }
    }
  }
  // Both outcomes occur, so that neither branch above is vacuous.
  EXPECT_GT(planned, 1000);
  EXPECT_GT(refused, 100);
}

}  // namespace
}  // namespace cuact::detail
