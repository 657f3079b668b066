// How a call of the channelwise engine (channelwise_kernels.cuh: PReLU, bias + activation) is
// partitioned: a pure function of the shape, the vector width and the partial sums' size,
// never of the device, so that a parameter gradient is summed in the same order, and is the
// same bits, on every GPU model (the grid follows the device; blocks loop over the fixed
// work units). The CPU tests (tests/cpu/cuda/channelwise_plan_test.cpp) check every plan's
// invariants.
#pragma once

#include "cuda/channelwise_map.hpp"

#include <cuact/channel_shape.hpp>
#include <cuact/error.hpp>
#include <cuact/types.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

namespace cuact::detail {

// Each tile of channel_tiles_kernel covers at least this many elements of its channel,
// so its partial sums are at most 1/4096 of the tensor (for a channel of fewer elements, that
// channel's single partial).
inline constexpr std::int64_t kMinTileElements = 4096;

// Work units (tiles or chunks) a plan aims for when the shape allows: a constant, not a
// multiple of the SM count, so that the partition is the same on every GPU. About 16 per SM
// of a 128-SM part and 12 of a 170-SM one, several per resident block, so that blocks
// looping over them finish close together.
inline constexpr std::int64_t kChannelwisePlanUnits = 2048;

/// How one call is partitioned. It depends only on the shape, the element type (the vector
/// width and the partials' size) and the number of gradient terms, never on the data or the
/// device, so partial sums combine in the same order on every run and every GPU.
struct ChannelwisePlan {
  // The shape as the kernels see it: a shared parameter (channels == 1) is folded into one
  // row.
  std::int64_t outer = 0;
  std::int64_t channels = 1;
  std::int64_t inner = 1;
  // Rows shorter than a vector (inner == 1: NHWC, [N, C]): blocks take chunks of super-rows
  // of `width` elements (lcm(channels * inner, vector width), channelwise_map.hpp). Otherwise
  // blocks take tiles of one channel's rows.
  bool super_rows = false;
  std::int64_t width = 1;
  // Row chunks (super_rows) or tiles per channel (otherwise).
  std::int64_t chunks = 1;
  // Partial sums of one gradient term: one initial value (old gradient or 0) per channel,
  // then one per channel (column element of a super-row, super_rows) and chunk. The most any
  // path takes; each term has this many.
  std::int64_t partial_count = 0;
  int terms = 1;  // gradient terms per channel (PReLU's dalpha, a bias's dbias: 1)
  // Every channel's gradient is summed whole by one block (one chunk; a tile is a channel,
  // or a super-row's column element is one): the backward's blocks then write the gradient
  // themselves, with no partials and no second kernel (small tensors, where the second
  // launch would cost about as much as the work).
  bool direct = false;
  std::size_t workspace_bytes = 0;
};

/// The partials start on this boundary inside the caller's workspace, which may have any
/// alignment.
inline constexpr std::size_t kChannelwiseWorkspaceAlign = 256;

inline constexpr std::size_t round_up(std::size_t bytes, std::size_t align) {
  return (bytes + align - 1) / align * align;
}

/// A size no plan's workspace is below: the alignment slack and, per term, one chunk's
/// partials per channel. For a shape the entry points accept (its plan within
/// kChannelwisePlanLimit) it is at most the plan's workspace, so it does not overflow; past
/// that it saturates.
template <class T>
constexpr std::size_t channelwise_workspace_lower_bound(std::int64_t channels, int terms = 1) {
  const std::size_t per_channel = 2 * sizeof(compute_t<T>) * static_cast<std::size_t>(terms);
  const auto c = static_cast<std::size_t>(channels);
  if (c > (SIZE_MAX - 2 * kChannelwiseWorkspaceAlign) / per_channel) {
    return SIZE_MAX;
  }
  return kChannelwiseWorkspaceAlign + round_up(c * per_channel, kChannelwiseWorkspaceAlign);
}

/// The most a plan's quantities may reach: the super-row width, the partial sums (as a count
/// and in bytes) and the rows times the width. The kernels' index arithmetic adds at most the
/// element count (below 2^62 for every accepted shape: its bytes fit in int64) and one such
/// quantity, which then stays below 2^63.
inline constexpr std::int64_t kChannelwisePlanLimit = std::int64_t{1} << 61;

/// The arithmetic of one plan: every product and sum checked against kChannelwisePlanLimit, and a
/// shape that exceeds it refused with an invalid_argument naming the function and the shape
/// (no real tensor comes near: the limit is 2^61 elements of partial sums).
struct PlanArithmetic {
  const char* fn;
  ChannelShape shape;

  [[noreturn]] void refuse(const char* what) const {
    throw invalid_argument(std::string(fn) + ": 'shape' [" + std::to_string(shape.outer) + ", " +
                           std::to_string(shape.channels) + ", " + std::to_string(shape.inner) +
                           "] is too large to plan: its " + what + " would exceed 2^61");
  }
  std::int64_t checked(std::int64_t v, const char* what) const {
    if (v > kChannelwisePlanLimit) {
      refuse(what);
    }
    return v;
  }
  std::int64_t mul(std::int64_t a, std::int64_t b, const char* what) const {
    std::int64_t r = 0;
    if (__builtin_mul_overflow(a, b, &r)) {
      refuse(what);
    }
    return checked(r, what);
  }
  std::int64_t add(std::int64_t a, std::int64_t b, const char* what) const {
    std::int64_t r = 0;
    if (__builtin_add_overflow(a, b, &r)) {
      refuse(what);
    }
    return checked(r, what);
  }
};

/// The plan of a call of `shape` (numel() > 0, its bytes within int64) for vectors of `vec`
/// elements, partial sums of `partial_bytes` bytes and `terms` gradient terms per channel;
/// with `grads`, also the workspace. Throws invalid_argument naming `fn` for a shape whose
/// plan exceeds kChannelwisePlanLimit.
inline ChannelwisePlan plan_channelwise(ChannelShape shape, bool grads, int vec,
                                        std::size_t partial_bytes, int terms = 1,
                                        const char* fn = "channelwise") {
  const PlanArithmetic a{fn, shape};
  ChannelwisePlan p;
  if (shape.channels == 1) {
    // One parameter: the layout is one row of every element.
    p.outer = 1;
    p.channels = 1;
    p.inner = shape.outer * shape.inner;
  } else {
    p.outer = shape.outer;
    p.channels = shape.channels;
    p.inner = shape.inner;
  }
  p.terms = terms;
  // Rows shorter than a vector (channels last: inner == 1) go to super-rows, each thread a
  // column of them; longer rows to tiles of a channel's rows.
  p.super_rows = p.inner < vec;
  if (p.super_rows) {
    // Counted for the vector path, so that the chunks, and with them the workspace, depend
    // on the shape only; the element path (width = channels * inner) takes fewer.
    // lcm(channels * inner, vec) (channels_last_width), checked.
    const std::int64_t period = p.channels * p.inner;  // <= numel
    p.width = a.mul(period / gcd_of(period, vec), vec, "super-row width");
    const std::int64_t n = p.outer * p.channels * p.inner;
    const std::int64_t rows = n / p.width + (n % p.width != 0 ? 1 : 0);
    a.mul(rows + 1, p.width, "super-rows");  // the kernels' extent, offset row included
    p.chunks = channels_last_chunks(rows, p.width, vec, kChannelwisePlanUnits);
    p.partial_count = a.add(p.channels, a.mul(p.chunks, p.width, "partial sums"), "partial sums");
    // One chunk, and each column element its own channel (then inner == 1, and the element
    // path's width, channels, is the same).
    p.direct = p.chunks == 1 && p.width == p.channels;
  } else {
    const std::int64_t per_channel = p.outer * p.inner;
    const std::int64_t wanted = (kChannelwisePlanUnits + p.channels - 1) / p.channels;
    p.chunks = std::clamp<std::int64_t>(wanted, 1,
                                        std::max<std::int64_t>(1, per_channel / kMinTileElements));
    p.partial_count = a.mul(p.channels, p.chunks + 1, "partial sums");
    p.direct = p.chunks == 1;  // a tile is a whole channel
  }
  const std::int64_t bytes =
      a.mul(a.mul(p.partial_count, terms, "partial sums"), static_cast<std::int64_t>(partial_bytes),
            "partial sums' bytes");
  if (grads) {
    p.workspace_bytes = kChannelwiseWorkspaceAlign +
                        round_up(static_cast<std::size_t>(bytes), kChannelwiseWorkspaceAlign);
  }
  return p;
}

/// Element counts up to this plan within kChannelwisePlanLimit whatever the shape: the width
/// is at most vec (<= 16) times the elements, the partials at most the channels plus two
/// widths plus n / 64, their bytes 8 times that per term (at most 4): below 2^48 * 16 * 4 * 8
/// * 4 = 2^59.
inline constexpr std::int64_t kChannelwiseAlwaysPlannable = std::int64_t{1} << 48;

/// Refuses (invalid_argument naming `fn`) a shape of n > 0 elements that cannot be planned:
/// the argument check of every channelwise entry point, before anything is launched.
inline void expect_channelwise_plannable(const char* fn, ChannelShape shape, std::int64_t n,
                                         int vec, std::size_t partial_bytes, int terms = 1) {
  if (n > kChannelwiseAlwaysPlannable) {
    plan_channelwise(shape, true, vec, partial_bytes, terms, fn);
  }
}

/// Which kernel a call takes (dispatch_prelu, channelwise_dispatch.hpp).
enum class ChannelwiseKernel { channels_last, channel_tiles, channel_tiles_masked };

struct ChannelwiseRoute {
  ChannelwiseKernel kernel = ChannelwiseKernel::channel_tiles;
  bool vector = false;     // 16-byte vectors; else one element per access
  std::int64_t width = 1;  // channels_last: super-row elements
  std::int64_t off = 0;    // vector paths: the tensors' offset from a vector boundary
};

/// The vector path takes tensors that all start at the same offset (`off` elements) from a
/// 16-byte boundary (`same_offset`; any offset: the kernels skip the vectors reaching outside
/// the tensor and take their elements one by one). Rows shorter than a vector (channels last
/// among them) take super-rows, any channel count; rows of a multiple of the vector on
/// boundaries the plain tiles, other rows the masked tiles. Tensors at different offsets,
/// and rows of 2^31 elements or more off boundaries, take the element path.
inline ChannelwiseRoute channelwise_route(const ChannelwisePlan& p, bool same_offset,
                                          std::int64_t off, int vec) {
  if (p.super_rows) {
    return same_offset
               ? ChannelwiseRoute{ChannelwiseKernel::channels_last, true, p.width, off}
               : ChannelwiseRoute{ChannelwiseKernel::channels_last, false, p.channels * p.inner, 0};
  }
  if (same_offset && off == 0 && p.inner % vec == 0) {
    return {ChannelwiseKernel::channel_tiles, true, 1, 0};
  }
  if (same_offset && MaskedRowsMap::fits(p.inner, vec)) {  // inner >= vec here
    return {ChannelwiseKernel::channel_tiles_masked, true, 1, off};
  }
  return {ChannelwiseKernel::channel_tiles, false, 1, 0};
}

/// Where a route's partials are, as channel_grads_kernel reads them.
inline PartialsLayout partials_layout(const ChannelwisePlan& p, const ChannelwiseRoute& r) {
  if (r.kernel == ChannelwiseKernel::channels_last) {
    return {true, p.channels, p.chunks, p.inner, r.width, r.off, p.terms, p.partial_count};
  }
  return {false, p.channels, p.chunks, p.inner, 1, 0, p.terms, p.partial_count};
}

/// The index map of a channels_last route, for `vec` elements per access (1 on the element
/// path) and blocks of `threads`.
inline ChannelsLastMap channels_last_map(const ChannelwisePlan& p, const ChannelwiseRoute& r,
                                         int vec, int threads) {
  return {
      p.outer * p.channels * p.inner, p.channels, p.inner, r.width, r.off, vec, p.chunks, threads};
}

/// The index map of a channel_tiles_masked route.
inline MaskedRowsMap masked_rows_map(const ChannelwisePlan& p, const ChannelwiseRoute& r, int vec,
                                     int threads) {
  return {
      ChannelTilesMap{p.outer, p.channels, MaskedRowsMap::slots(p.inner, vec), p.chunks, threads},
      p.inner, r.off, p.outer * p.channels * p.inner};
}

}  // namespace cuact::detail
