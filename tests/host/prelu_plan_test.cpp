// PReLU plans (cuda/prelu_plan.hpp) over many shapes, vector widths and SM counts: a plan is
// direct (the backward's blocks write dalpha, with no partials and no second kernel) exactly
// when every channel has one partial on the path the launch takes, vector or element; a
// direct super-row plan's column elements are its channels one to one, at every offset; and
// no plan's workspace is below the bound the host checks before planning.
#include "cuda/prelu_plan.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace cuact::detail {
namespace {

/// Where the partials are when the launch takes the vector path (tensors sharing an offset
/// from a 16-byte boundary) or the element path, as dispatch_prelu routes it.
PartialsLayout layout_of(const PreluPlan& p, bool vector_path, int vec) {
  return partials_layout(p, prelu_route(p, vector_path, 0, vec));
}

std::vector<PreluShape> shapes() {
  std::vector<PreluShape> out;
  for (const std::int64_t outer : {1, 2, 7, 63, 64, 127, 128, 129, 1000, 4096}) {
    for (const std::int64_t channels : {1, 2, 3, 8, 64, 100, 1000, 4096}) {
      for (const std::int64_t inner : {1, 2, 3, 4, 7, 49, 100, 3136, 8191, 8192, 20000}) {
        out.push_back({outer, channels, inner});
      }
    }
  }
  for (const std::int64_t count : {1, 5, 4095, 8191, 8192, 8193, 1 << 20}) {
    out.push_back(PreluShape::shared(count));
  }
  return out;
}

TEST(PreluPlan, DirectExactlyWhenEveryChannelHasOnePartialOnEitherPath) {
  int direct = 0;
  int chunked = 0;
  for (const PreluShape& shape : shapes()) {
    for (const int sms : {1, 8, 132}) {
      for (const int vec : {2, 4, 8}) {
        const PreluPlan p = plan_prelu(shape, true, sms, vec, 4);
        SCOPED_TRACE(::testing::Message() << "[" << shape.outer << ", " << shape.channels << ", "
                                          << shape.inner << "] sms " << sms << " vec " << vec);
        const std::int64_t vector_partials = layout_of(p, true, vec).per_channel();
        const std::int64_t element_partials = layout_of(p, false, vec).per_channel();
        // The initial value and one partial: then the block that makes the partial can
        // add the initial value and write dalpha.
        ASSERT_EQ(p.direct_dalpha, vector_partials == 2);
        if (p.direct_dalpha) {
          ASSERT_EQ(element_partials, 2);
          ++direct;
        } else {
          ++chunked;
        }
        ASSERT_GE(p.workspace_bytes, prelu_workspace_lower_bound<float>(shape.channels));
      }
    }
  }
  // Both kinds are planned, so that the check above is not vacuous.
  EXPECT_GT(direct, 1000);
  EXPECT_GT(chunked, 1000);
}

TEST(PreluPlan, SmallTensorsArePlannedDirectAndLargeOnesNot) {
  struct Expected {
    PreluShape shape;
    bool direct;
  };
  for (const int vec : {2, 4, 8}) {
    for (const Expected e :
         {Expected{PreluShape::nchw(2, 64, 7, 7), true},
          Expected{PreluShape::nchw(1, 4, 8191, 1), true},
          Expected{PreluShape::nchw(1, 4, 8192, 1), false},
          Expected{PreluShape::nchw(32, 64, 56, 56), false},
          Expected{PreluShape::shared(8191), true}, Expected{PreluShape::shared(8192), false},
          Expected{PreluShape::nhwc(127, 1, 1, 64), true},
          Expected{PreluShape::nhwc(128, 1, 1, 64), false},
          Expected{PreluShape::matrix(16, 4096), true},
          // Three channels: a super-row holds several of each.
          Expected{PreluShape::nhwc(2, 7, 7, 3), false}}) {
      SCOPED_TRACE(::testing::Message() << "[" << e.shape.outer << ", " << e.shape.channels << ", "
                                        << e.shape.inner << "] vec " << vec);
      EXPECT_EQ(plan_prelu(e.shape, true, 132, vec, 4).direct_dalpha, e.direct);
    }
  }
}

TEST(PreluPlan, ADirectSuperRowPlansColumnElementsAreItsChannelsOneToOne) {
  // The channels-last kernel of a direct plan writes dalpha[channels_last_channel_of(v)]
  // for each column element v it summed: each channel must be written exactly once, and
  // hold the sum of its own elements (element e is at column (e + off) % width).
  for (const std::int64_t channels : {8, 16, 64, 1000, 4096}) {
    for (const int vec : {2, 4, 8}) {
      const PreluPlan p = plan_prelu(PreluShape::matrix(16, channels), true, 132, vec, 4);
      if (!p.direct_dalpha) {
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

}  // namespace
}  // namespace cuact::detail
