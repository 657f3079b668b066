// DyT on the channelwise engine (channelwise_dispatch.hpp) with its channel functor
// (dyt_channel.hpp): launch.hpp's launch_dyt, on any launcher. The forward; the backward
// writes dx and the per-channel sums of dgamma, dbeta (overwritten or accumulated) and of
// dalpha (into the workspace's scratch, overwritten), then scalar_grad_kernel sums the
// channels' dalpha in a fixed order into the one dalpha.
#pragma once

#include "cuda/channelwise_dispatch.hpp"
#include "cuda/dyt_channel.hpp"
#include "cuda/dyt_workspace.hpp"

#include <cuact/channel_shape.hpp>

namespace cuact::detail {

using DytForwardMode = ChannelwiseMode<false, true, false, false>;
using DytBackwardMode = ChannelwiseMode<true, true, true, false>;

/// The forward (dy null) or the backward (dx when not null, the gradients when dalpha is not
/// null: then dgamma and dbeta are too, and `workspace` holds dyt_workspace_bytes).
template <class T, class Launcher>
void dispatch_dyt(const Launcher& launcher, const ChannelwisePlan& plan,
                  const compute_t<T>* alpha, const compute_t<T>* gamma, const compute_t<T>* beta,
                  const T* x, const T* dy, T* out, compute_t<T>* dalpha, compute_t<T>* dgamma,
                  compute_t<T>* dbeta, GradMode mode, void* workspace) {
  using C = compute_t<T>;
  if (dy == nullptr) {
    dispatch_channelwise_forward<DytForwardMode>(launcher, plan, DytChannel<T>{alpha, gamma, beta},
                                                 x, out);
    return;
  }
  C* scratch = dalpha != nullptr ? dyt_scratch<C>(workspace, plan) : nullptr;
  // dgamma and dbeta accumulate as asked; dalpha's per-channel sums are overwritten.
  dispatch_channelwise_backward<DytBackwardMode>(
      launcher, plan, DytChannel<T>{alpha, gamma, nullptr}, x, dy, out, nullptr,
      GradPointers<C, 3>{{dalpha != nullptr ? dgamma : nullptr, dbeta, scratch}}, mode, workspace,
      0b011u);
  if (dalpha != nullptr) {
    launcher.template exact<scalar_grad_kernel<C>, kChannelGradsThreads>(
        1, static_cast<const C*>(scratch), plan.channels, dalpha, mode == GradMode::accumulate);
  }
}

}  // namespace cuact::detail
