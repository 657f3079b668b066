// How a PReLU call is partitioned (PreluPlan, launch.hpp): a pure function of the shape, the
// vector width, the size of a partial sum and the SM count, so that the CPU tests
// (tests/cpu/cuda/prelu_plan_test.cpp) check every plan's invariants without a device.
#pragma once

#include "cuda/launch.hpp"
#include "cuda/prelu_map.hpp"

#include <cuact/error.hpp>
#include <cuact/prelu.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

namespace cuact::detail {

// Each tile of prelu_channel_tiles_kernel covers at least this many elements of its channel,
// so its partial sums are at most 1/4096 of the tensor (for a channel of fewer elements, that
// channel's single partial).
inline constexpr std::int64_t kMinTileElements = 4096;

// Work units (tiles or chunks) to cut per SM: several per resident block, so that blocks
// looping over them finish close together.
inline constexpr int kPreluUnitsPerSm = 16;

/// The most a plan's quantities may reach: the super-row width, the partial sums (as a count
/// and in bytes) and the rows times the width. The kernels' index arithmetic adds at most the
/// element count (below 2^62 for every accepted shape: its bytes fit in int64) and one such
/// quantity, which then stays below 2^63.
inline constexpr std::int64_t kPreluPlanLimit = std::int64_t{1} << 61;

/// The arithmetic of one plan: every product and sum checked against kPreluPlanLimit, and a
/// shape that exceeds it refused with an invalid_argument naming the function and the shape
/// (no real tensor comes near: the limit is 2^61 elements of partial sums).
struct PlanArithmetic {
  const char* fn;
  PreluShape shape;

  [[noreturn]] void refuse(const char* what) const {
    throw invalid_argument(std::string(fn) + ": 'shape' [" + std::to_string(shape.outer) + ", " +
                           std::to_string(shape.channels) + ", " + std::to_string(shape.inner) +
                           "] is too large to plan: its " + what + " would exceed 2^61");
  }
  std::int64_t checked(std::int64_t v, const char* what) const {
    if (v > kPreluPlanLimit) {
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

/// The plan of a call of `shape` (numel() > 0, its bytes within int64) on a device of `sms`
/// SMs, for vectors of `vec` elements and partial sums of `partial_bytes` bytes; with
/// `alpha_grad`, also the workspace. Throws invalid_argument naming `fn` for a shape whose
/// plan exceeds kPreluPlanLimit. Every quantity grows with `sms`, so a shape planned for the
/// most SMs (kPreluPlanMaxSms) plans on every device.
inline PreluPlan plan_prelu(PreluShape shape, bool alpha_grad, int sms, int vec,
                            std::size_t partial_bytes, const char* fn = "prelu") {
  const PlanArithmetic a{fn, shape};
  PreluPlan p;
  if (shape.channels == 1) {
    // One alpha: the layout is one row of every element.
    p.outer = 1;
    p.channels = 1;
    p.inner = shape.outer * shape.inner;
  } else {
    p.outer = shape.outer;
    p.channels = shape.channels;
    p.inner = shape.inner;
  }
  // Rows shorter than a vector (channels last: inner == 1) go to super-rows, each thread a
  // column of them; longer rows to tiles of a channel's rows.
  p.super_rows = p.inner < vec;

  p.sms = sms;
  const std::int64_t target_units = static_cast<std::int64_t>(sms) * kPreluUnitsPerSm;
  if (p.super_rows) {
    // Counted for the vector path, so that the chunks, and with them the workspace, depend
    // on the shape and the device only; the element path (width = channels * inner) takes
    // fewer.
    // lcm(channels * inner, vec) (channels_last_width), checked.
    const std::int64_t period = p.channels * p.inner;  // <= numel
    p.width = a.mul(period / gcd_of(period, vec), vec, "super-row width");
    const std::int64_t n = p.outer * p.channels * p.inner;
    const std::int64_t rows = n / p.width + (n % p.width != 0 ? 1 : 0);
    a.mul(rows + 1, p.width, "super-rows");  // the kernels' extent, offset row included
    p.chunks = channels_last_chunks(rows, p.width, vec, target_units);
    p.partial_count = a.add(p.channels, a.mul(p.chunks, p.width, "partial sums"), "partial sums");
    // One chunk, and each column element its own channel (then inner == 1, and the element
    // path's width, channels, is the same).
    p.direct_dalpha = p.chunks == 1 && p.width == p.channels;
  } else {
    const std::int64_t per_channel = p.outer * p.inner;
    const std::int64_t wanted = (target_units + p.channels - 1) / p.channels;
    p.chunks = std::clamp<std::int64_t>(wanted, 1,
                                        std::max<std::int64_t>(1, per_channel / kMinTileElements));
    p.partial_count = a.mul(p.channels, p.chunks + 1, "partial sums");
    p.direct_dalpha = p.chunks == 1;  // a tile is a whole channel
  }
  const std::int64_t bytes =
      a.mul(p.partial_count, static_cast<std::int64_t>(partial_bytes), "partial sums' bytes");
  if (alpha_grad) {
    p.workspace_bytes =
        kPreluWorkspaceAlign + round_up(static_cast<std::size_t>(bytes), kPreluWorkspaceAlign);
  }
  return p;
}

/// An SM count above any GPU's: the plan for it is the largest of a shape's plans.
inline constexpr int kPreluPlanMaxSms = 1 << 20;

/// Element counts up to this plan within kPreluPlanLimit on any device, whatever the shape:
/// the width is at most vec (<= 16) times the elements, the partials at most the channels
/// plus two widths plus n / 64, their bytes 8 times that: below 2^50 * 16 * 4 * 8 = 2^59.
inline constexpr std::int64_t kPreluAlwaysPlannable = std::int64_t{1} << 50;

/// Refuses (invalid_argument naming `fn`) a shape of n > 0 elements that no device can plan,
/// before the device is asked anything: the argument check of every PReLU entry point.
inline void expect_prelu_plannable(const char* fn, PreluShape shape, std::int64_t n, int vec,
                                   std::size_t partial_bytes) {
  if (n > kPreluAlwaysPlannable) {
    plan_prelu(shape, true, kPreluPlanMaxSms, vec, partial_bytes, fn);
  }
}

/// Which kernel a call takes (dispatch_prelu, prelu_dispatch.hpp).
enum class PreluKernel { channels_last, channel_tiles, channel_tiles_masked };

struct PreluRoute {
  PreluKernel kernel = PreluKernel::channel_tiles;
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
inline PreluRoute prelu_route(const PreluPlan& p, bool same_offset, std::int64_t off, int vec) {
  if (p.super_rows) {
    return same_offset ? PreluRoute{PreluKernel::channels_last, true, p.width, off}
                       : PreluRoute{PreluKernel::channels_last, false, p.channels * p.inner, 0};
  }
  if (same_offset && off == 0 && p.inner % vec == 0) {
    return {PreluKernel::channel_tiles, true, 1, 0};
  }
  if (same_offset && MaskedRowsMap::fits(p.inner, vec)) {  // inner >= vec here
    return {PreluKernel::channel_tiles_masked, true, 1, off};
  }
  return {PreluKernel::channel_tiles, false, 1, 0};
}

/// Where a route's partials are, as prelu_dalpha_kernel reads them.
inline PartialsLayout partials_layout(const PreluPlan& p, const PreluRoute& r) {
  if (r.kernel == PreluKernel::channels_last) {
    return {true, p.channels, p.chunks, p.inner, r.width, r.off};
  }
  return {false, p.channels, p.chunks, p.inner, 1, 0};
}

/// The index map of a channels_last route, for `vec` elements per access (1 on the element
/// path) and blocks of `threads`.
inline ChannelsLastMap channels_last_map(const PreluPlan& p, const PreluRoute& r, int vec,
                                         int threads) {
  return {
      p.outer * p.channels * p.inner, p.channels, p.inner, r.width, r.off, vec, p.chunks, threads};
}

/// The index map of a channel_tiles_masked route.
inline MaskedRowsMap masked_rows_map(const PreluPlan& p, const PreluRoute& r, int vec,
                                     int threads) {
  return {
      ChannelTilesMap{p.outer, p.channels, MaskedRowsMap::slots(p.inner, vec), p.chunks, threads},
      p.inner, r.off, p.outer * p.channels * p.inner};
}

}  // namespace cuact::detail
