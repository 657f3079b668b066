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
#include "cuda/template_choice.hpp"
#include "cuda/vector_access.hpp"

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
  const VectorAccess access = vector_access<T>(
      {a.x, Mode::backward ? a.dy : nullptr, Mode::write_out ? a.out : nullptr});
  const PreluRoute r = prelu_route(p, access.shared, access.offset, kVec);
  const std::int64_t tiles = p.channels * p.chunks;
  with_constant<PreluKernel::channels_last, PreluKernel::channel_tiles,
                PreluKernel::channel_tiles_masked>(r.kernel, [&](auto kernel) {
    constexpr PreluKernel kKernel = decltype(kernel)::value;
    if constexpr (kKernel == PreluKernel::channel_tiles_masked) {
      // Only a vector path: its rows are whole vectors, the masked ends included.
      launcher.template resident<prelu_channel_tiles_masked_kernel<Mode, T, kVec>, kPreluThreads>(
          tiles, a, masked_rows_map(p, r, kVec, kPreluThreads));
    } else {
      with_flags(
          [&](auto vectors) {
            constexpr int kWidth = decltype(vectors)::value ? kVec : 1;
            if constexpr (kKernel == PreluKernel::channels_last) {
              const ChannelsLastMap map = channels_last_map(p, r, kWidth, kPreluThreads);
              launcher.template resident<prelu_channels_last_kernel<Mode, T, kWidth>,
                                         kPreluThreads>(map.units(), a, map);
            } else {
              launcher.template resident<prelu_channel_tiles_kernel<Mode, T, kWidth>,
                                         kPreluThreads>(tiles, a, p.outer, p.channels, p.inner,
                                                        p.chunks);
            }
          },
          r.vector);
    }
  });
  return partials_layout(p, r);
}

/// y = PReLU(x); y == x allowed.
template <class T, class Launcher>
void dispatch_prelu_forward(const Launcher& launcher, const PreluPlan& plan, const T* x,
                            const compute_t<T>* alpha, T* y) {
  const PreluArgs<T> args{x, nullptr, alpha, y, nullptr, nullptr, nullptr};
  with_flags(
      [&](auto read_only) {
        dispatch_prelu<PreluMode<false, true, false, decltype(read_only)::value>>(launcher, plan,
                                                                                 args);
      },
      y != x);
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
  // The modes with kernels: dx and dalpha, dx alone, dalpha alone (no dx: read-only).
  const PartialsLayout layout = with_flags(
      [&](auto dx_pass, auto dalpha_pass, auto read_only) {
        constexpr bool kDx = decltype(dx_pass)::value;
        constexpr bool kDalpha = decltype(dalpha_pass)::value;
        if constexpr (kDx || kDalpha) {
          return dispatch_prelu<PreluMode<true, kDx, kDalpha, !kDx || decltype(read_only)::value>>(
              launcher, plan, args);
        } else {
          return PartialsLayout{};  // never asked for: the entry points want dx or dalpha
        }
      },
      dx != nullptr, dalpha != nullptr, !in_place);
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
