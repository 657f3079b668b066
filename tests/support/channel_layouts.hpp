// The layouts the channelwise GPU tests (PReLU, bias + activation) run every case in, and the
// ChannelShape of each for a channel count and a spatial size.
#pragma once

#include <cuact/channel_shape.hpp>

#include <cstdint>
#include <ostream>

namespace cuact::test {

enum class Layout { nchw, nhwc, matrix, shared };
inline const char* const kLayoutNames[] = {"Nchw", "Nhwc", "Matrix", "Shared"};

inline void PrintTo(Layout l, std::ostream* os) { *os << kLayoutNames[static_cast<int>(l)]; }

/// A batch of 2: NCHW / NHWC [2, channels, spatial] (spatial = H*W), an [N, C] matrix of
/// 2 + spatial rows, or one shared parameter over 2 * channels * spatial elements.
inline ChannelShape make_shape(Layout layout, std::int64_t channels, std::int64_t spatial) {
  constexpr std::int64_t kBatch = 2;
  switch (layout) {
    case Layout::nchw:
      return ChannelShape::nchw(kBatch, channels, spatial, 1);
    case Layout::nhwc:
      return ChannelShape::nhwc(kBatch, spatial, 1, channels);
    case Layout::matrix:
      return ChannelShape::matrix(kBatch + spatial, channels);
    case Layout::shared:
      return ChannelShape::shared(kBatch * channels * spatial);
  }
  return {};
}

}  // namespace cuact::test
