// PReLU dispatch: from a plan and the tensors to the kernel launches, templated on how a
// kernel is launched, so that the device (DeviceLauncher, device_launcher.cuh: resident
// grid, <<< >>>, checked) and the CPU emulation tests (tests/emulation: every block's
// threads run as fibers) run the same code. A Launcher has
//   resident<kernel, threads>(blocks_wanted, args...)  at most blocks_wanted blocks, as
//                                                      many as stay resident (grid-stride
//                                                      kernels, results independent of it)
//   exact<kernel, threads>(grid, args...)              exactly `grid` blocks
#pragma once

#include "cuda/launch.hpp"
#include "cuda/prelu_kernels.cuh"
#include "cuda/prelu_map.hpp"
#include "cuda/prelu_plan.hpp"
#include "cuda/vector_io.cuh"

#include <algorithm>
#include <cstdint>

namespace cuact::detail {

/// Blocks of prelu_dalpha_kernel per SM, at most: it reads at most 1/64 of the tensor.
inline constexpr int kDalphaBlocksPerSm = 8;

/// The kernel prelu_route picks for these tensors (prelu_plan.hpp), launched. Returns where
/// the partials are.
template <class Mode, class T, class Launcher>
PartialsLayout dispatch_prelu(const Launcher& launcher, const PreluPlan& p, const PreluArgs<T>& a) {
  constexpr int kVec = kVecElems<T>;
  const std::size_t misalignment = vector_misalignment(a.x);
  const bool same_offset = misalignment % sizeof(T) == 0 &&
                           (!Mode::backward || vector_misalignment(a.dy) == misalignment) &&
                           (!Mode::write_out || vector_misalignment(a.out) == misalignment);
  const PreluRoute r =
      prelu_route(p, same_offset, static_cast<std::int64_t>(misalignment / sizeof(T)), kVec);
  const std::int64_t tiles = p.channels * p.chunks;
  switch (r.kernel) {
    case PreluKernel::channels_last:
      if (r.vector) {
        const ChannelsLastMap map = channels_last_map(p, r, kVec, kPreluThreads);
        launcher.template resident<prelu_channels_last_kernel<Mode, T, kVec>, kPreluThreads>(
            map.units(), a, map);
      } else {
        const ChannelsLastMap map = channels_last_map(p, r, 1, kPreluThreads);
        launcher.template resident<prelu_channels_last_kernel<Mode, T, 1>, kPreluThreads>(
            map.units(), a, map);
      }
      break;
    case PreluKernel::channel_tiles:
      if (r.vector) {
        launcher.template resident<prelu_channel_tiles_kernel<Mode, T, kVec>, kPreluThreads>(
            tiles, a, p.outer, p.channels, p.inner, p.chunks);
      } else {
        launcher.template resident<prelu_channel_tiles_kernel<Mode, T, 1>, kPreluThreads>(
            tiles, a, p.outer, p.channels, p.inner, p.chunks);
      }
      break;
    case PreluKernel::channel_tiles_masked:
      launcher.template resident<prelu_channel_tiles_masked_kernel<Mode, T, kVec>, kPreluThreads>(
          tiles, a, masked_rows_map(p, r, kVec, kPreluThreads));
      break;
  }
  return partials_layout(p, r);
}

/// y = PReLU(x); y == x allowed.
template <class T, class Launcher>
void dispatch_prelu_forward(const Launcher& launcher, const PreluPlan& plan, const T* x,
                            const compute_t<T>* alpha, T* y) {
  const PreluArgs<T> args{x, nullptr, alpha, y, nullptr, nullptr, nullptr};
  if (y == x) {
    dispatch_prelu<PreluMode<false, true, false, false>>(launcher, plan, args);
  } else {
    dispatch_prelu<PreluMode<false, true, false, true>>(launcher, plan, args);
  }
}

/// dx and/or dalpha (launch.hpp's launch_prelu_backward): the pass, then, unless the plan is
/// direct_dalpha, prelu_dalpha_kernel over the partials in `workspace`.
template <class T, class Launcher>
void dispatch_prelu_backward(const Launcher& launcher, const PreluPlan& plan, const T* x,
                             const T* dy, const compute_t<T>* alpha, T* dx, compute_t<T>* dalpha,
                             GradMode mode, void* workspace) {
  using C = compute_t<T>;
  // A direct plan's blocks write dalpha; otherwise they write partials into the workspace
  // and prelu_dalpha_kernel sums them.
  const bool direct = dalpha != nullptr && plan.direct_dalpha;
  C* partials = nullptr;
  if (dalpha != nullptr && !direct) {
    partials = reinterpret_cast<C*>(
        round_up(reinterpret_cast<std::uintptr_t>(workspace), kPreluWorkspaceAlign));
  }
  const PreluArgs<T> args{x,
                          dy,
                          alpha,
                          dx,
                          partials,
                          mode == GradMode::accumulate ? dalpha : nullptr,
                          direct ? dalpha : nullptr};
  // In place (dx == dy or dx == x) the inputs are written during the kernel: no read-only
  // loads then.
  const bool in_place = dx != nullptr && (dx == dy || dx == x);
  PartialsLayout layout;
  if (dx != nullptr && dalpha != nullptr) {
    if (in_place) {
      layout = dispatch_prelu<PreluMode<true, true, true, false>>(launcher, plan, args);
    } else {
      layout = dispatch_prelu<PreluMode<true, true, true, true>>(launcher, plan, args);
    }
  } else if (dx != nullptr) {
    if (in_place) {
      dispatch_prelu<PreluMode<true, true, false, false>>(launcher, plan, args);
    } else {
      dispatch_prelu<PreluMode<true, true, false, true>>(launcher, plan, args);
    }
  } else {
    layout = dispatch_prelu<PreluMode<true, false, true, true>>(launcher, plan, args);
  }
  if (dalpha != nullptr && !direct) {
    // A warp per channel for few partials (a matrix's thousands of channels), the block for
    // many (one shared alpha).
    const std::int64_t most = static_cast<std::int64_t>(plan.sms) * kDalphaBlocksPerSm;
    if (layout.per_channel() <= kDalphaWarpPartials) {
      constexpr std::int64_t kWarps = kDalphaThreads / 32;
      launcher.template exact<prelu_dalpha_kernel<C, true>, kDalphaThreads>(
          std::min<std::int64_t>((layout.channels + kWarps - 1) / kWarps, most), partials, dalpha,
          layout);
    } else {
      launcher.template exact<prelu_dalpha_kernel<C, false>, kDalphaThreads>(
          std::min<std::int64_t>(layout.channels, most), partials, dalpha, layout);
    }
  }
}

}  // namespace cuact::detail
