// The channelwise engine's dispatch: from a plan, a channel functor and the tensors to the
// kernel launches (channelwise_kernels.cuh), templated on how a kernel is launched, so that
// the device (DeviceLauncher, device_launcher.cuh: resident grid, <<< >>>, checked) and the
// CPU emulation tests (tests/emulation: every block's threads run as fibers) run the same
// code. A Launcher has
//   resident<kernel, threads>(blocks_wanted, args...)  at most blocks_wanted blocks, as
//                                                      many as stay resident (grid-stride
//                                                      kernels, results independent of it)
//   exact<kernel, threads>(grid, args...)              exactly `grid` blocks
// Each client (prelu_dispatch.hpp, bias_dispatch.hpp, snake_dispatch.hpp) picks the Modes it
// has kernels for.
#pragma once

#include "cuda/channelwise_kernels.cuh"
#include "cuda/channelwise_map.hpp"
#include "cuda/channelwise_plan.hpp"
#include "cuda/template_choice.hpp"
#include "cuda/vector_access.hpp"

#include <cuact/channel_shape.hpp>

#include <cstdint>
#include <type_traits>
#include <utility>

namespace cuact::detail {

/// The kernel channelwise_route picks for these tensors (channelwise_plan.hpp), launched.
/// Returns where the partials are.
template <class Mode, class F, class Launcher>
PartialsLayout dispatch_channelwise(const Launcher& launcher, const ChannelwisePlan& p,
                                    const ChannelwiseArgs<F>& a) {
  using T = typename F::Elem;
  constexpr int kVec = kVecElems<T>;
  const VectorAccess access = vector_access<T>({a.x, Mode::backward ? a.dy : nullptr,
                                                Mode::write_out ? a.out : nullptr,
                                                Mode::backward ? a.out2 : nullptr});
  const ChannelwiseRoute r = channelwise_route(p, access.shared, access.offset, kVec);
  const std::int64_t tiles = p.channels * p.chunks;
  with_constant<ChannelwiseKernel::channels_last, ChannelwiseKernel::channel_tiles,
                ChannelwiseKernel::channel_tiles_masked>(r.kernel, [&](auto kernel) {
    constexpr ChannelwiseKernel kKernel = decltype(kernel)::value;
    if constexpr (kKernel == ChannelwiseKernel::channel_tiles_masked) {
      // Only a vector path: its rows are whole vectors, the masked ends included.
      launcher.template resident<channel_tiles_masked_kernel<Mode, F, kVec>, kChannelwiseThreads>(
          tiles, a, masked_rows_map(p, r, kVec, kChannelwiseThreads));
    } else {
      with_flags(
          [&](auto vectors) {
            constexpr int kWidth = decltype(vectors)::value ? kVec : 1;
            if constexpr (kKernel == ChannelwiseKernel::channels_last) {
              const ChannelsLastMap map = channels_last_map(p, r, kWidth, kChannelwiseThreads);
              launcher.template resident<channels_last_kernel<Mode, F, kWidth>,
                                         kChannelwiseThreads>(map.units(), a, map);
            } else {
              launcher.template resident<channel_tiles_kernel<Mode, F, kWidth>,
                                         kChannelwiseThreads>(tiles, a, p.outer, p.channels,
                                                              p.inner, p.chunks);
            }
          },
          r.vector);
    }
  });
  return partials_layout(p, r);
}

/// Finishes the gradients from the partials a pass left at `partials` in `layout`: a warp
/// per sum for few partials per channel (a matrix's thousands of channels), the block for
/// many (one shared parameter).
template <class C, int kTerms, class Launcher>
void launch_channel_grads_kernel(const Launcher& launcher, const PartialsLayout& layout,
                                 const C* partials, const GradPointers<C, kTerms>& grads) {
  const std::int64_t sums = layout.channels * kTerms;
  if (layout.per_channel() <= kChannelGradsWarpPartials) {
    constexpr std::int64_t kWarps = kChannelGradsThreads / 32;
    launcher.template resident<channel_grads_kernel<C, true, kTerms>, kChannelGradsThreads>(
        (sums + kWarps - 1) / kWarps, partials, grads, layout);
  } else {
    launcher.template resident<channel_grads_kernel<C, false, kTerms>, kChannelGradsThreads>(
        sums, partials, grads, layout);
  }
}

/// A launcher with a channel_grads<C, kTerms>(layout, partials, grads) member runs the
/// finish itself: the device's calls the one copy of the kernels in
/// cuda/channel_grads_device.cu, instead of every client's kernel file carrying its own.
template <class Launcher, class C, int kTerms, class = void>
struct has_channel_grads : std::false_type {};
template <class Launcher, class C, int kTerms>
struct has_channel_grads<
    Launcher, C, kTerms,
    std::void_t<decltype(std::declval<const Launcher&>().template channel_grads<C, kTerms>(
        std::declval<const PartialsLayout&>(), std::declval<const C*>(),
        std::declval<const GradPointers<C, kTerms>&>()))>> : std::true_type {};

template <class C, int kTerms, class Launcher>
void finish_channel_grads(const Launcher& launcher, const PartialsLayout& layout,
                          const C* partials, const GradPointers<C, kTerms>& grads) {
  if constexpr (has_channel_grads<Launcher, C, kTerms>::value) {
    launcher.template channel_grads<C, kTerms>(layout, partials, grads);
  } else {
    launch_channel_grads_kernel(launcher, layout, partials, grads);
  }
}

/// Where a backward's partials go: at the first kChannelwiseWorkspaceAlign boundary of the
/// workspace.
template <class C>
C* partials_in(void* workspace) {
  return reinterpret_cast<C*>(
      round_up(reinterpret_cast<std::uintptr_t>(workspace), kChannelwiseWorkspaceAlign));
}

/// The forward pass of F in Mode: out = y from x.
template <class Mode, class F, class Launcher>
void dispatch_channelwise_forward(const Launcher& launcher, const ChannelwisePlan& plan,
                                  const F& f, const typename F::Elem* x, typename F::Elem* y) {
  dispatch_channelwise<Mode>(launcher, plan,
                             ChannelwiseArgs<F>{f, x, nullptr, y, nullptr, nullptr, 0, {}, {}});
}

/// A backward pass of F in Mode, the gradients included: out (dx) and out2 as F and Mode
/// write them, and the kTerms gradients `grads` (all set, or grads.p[0] null: none)
/// overwritten or, with GradMode::accumulate, added to (the terms whose bit is set in
/// `accumulating`; the others are overwritten, as a scratch sum is): written by the pass
/// itself when the plan is direct, else summed from the partials it leaves in `workspace`
/// (the plan's workspace_bytes) by the finish. Every client's backward goes through here.
template <class Mode, class F, class Launcher>
void dispatch_channelwise_backward(
    const Launcher& launcher, const ChannelwisePlan& plan, const F& f, const typename F::Elem* x,
    const typename F::Elem* dy, typename F::Elem* out, typename F::Elem* out2,
    const GradPointers<compute_t<typename F::Elem>, F::kTerms>& grads, GradMode mode,
    void* workspace, unsigned accumulating = ~0u) {
  using C = compute_t<typename F::Elem>;
  const bool wants_grads = grads.p[0] != nullptr;
  const bool direct = wants_grads && plan.direct;
  C* partials = wants_grads && !direct ? partials_in<C>(workspace) : nullptr;
  ChannelwiseArgs<F> args{f, x, dy, out, out2, partials, plan.partial_count, {}, {}};
  for (int t = 0; t < F::kTerms; ++t) {
    const bool adds = mode == GradMode::accumulate && (accumulating >> t & 1u) != 0;
    args.initial[t] = wants_grads && adds ? grads.p[t] : nullptr;
    args.direct[t] = direct ? grads.p[t] : nullptr;
  }
  const PartialsLayout layout = dispatch_channelwise<Mode>(launcher, plan, args);
  if (partials != nullptr) {
    finish_channel_grads<C, F::kTerms>(launcher, layout, partials, grads);
  }
}

}  // namespace cuact::detail
