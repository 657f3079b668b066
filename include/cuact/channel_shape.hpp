// The shape of a tensor with one parameter per channel (PReLU's alpha, a bias), and how a
// parameter gradient is written.
//
// The tensor is described as [outer, channels, inner], row-major: element (o, c, k) is at
// ((o*channels + c)*inner + k). A GEMM output [rows, C] with a parameter per column is
// matrix(rows, C) (outer = rows, inner = 1); NCHW is outer = N, inner = H*W; NHWC (channels
// last) is outer = N*H*W, inner = 1; one parameter shared by every element is channels = 1.
#pragma once

#include <cuact/export.h>

#include <cstdint>

namespace cuact {

/// The [outer, channels, inner] view of a tensor with a parameter per channel. Counts are
/// 64-bit.
struct CUACT_API ChannelShape {
  std::int64_t outer = 0;
  std::int64_t channels = 1;
  std::int64_t inner = 1;

  /// NCHW: a parameter per C, over the H*W elements of each (n, c) row.
  static ChannelShape nchw(std::int64_t n, std::int64_t c, std::int64_t h, std::int64_t w);
  /// NHWC (channels last): the parameter varies along the innermost dimension.
  static ChannelShape nhwc(std::int64_t n, std::int64_t h, std::int64_t w, std::int64_t c);
  /// An [N, C] matrix (a GEMM output): a parameter per column.
  static ChannelShape matrix(std::int64_t n, std::int64_t c);
  /// One parameter shared by all `count` elements.
  static ChannelShape shared(std::int64_t count);

  /// outer * channels * inner (the caller checks overflow; the entry points do).
  std::int64_t numel() const { return outer * channels * inner; }
};

/// Whether a backward pass overwrites a parameter gradient or adds to it (training code
/// accumulates).
enum class GradMode {
  overwrite,   ///< dparam = gradient
  accumulate,  ///< dparam += gradient
};

}  // namespace cuact
