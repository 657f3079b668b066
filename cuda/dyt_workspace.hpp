// DyT's workspace (host and device code): the channelwise plan's partial sums, then one
// compute-type value per channel for dalpha's per-channel sums, which scalar_grad_kernel
// sums into dalpha. Even a direct plan needs that scratch: a DyT backward with gradients
// always takes a workspace.
#pragma once

#include "cuda/channelwise_plan.hpp"

#include <cstddef>
#include <cstdint>

namespace cuact::detail {

/// Bytes of a DyT backward's workspace for `plan` (planned with gradients, 3 terms) of
/// `channels` channels and C values of `value_bytes`: the plan's, the scratch, and the slack
/// that aligns the scratch whatever the workspace's address. Within the plan's limits
/// (channels below 2^61 / value_bytes: the shape checks).
constexpr std::size_t dyt_workspace_bytes(const ChannelwisePlan& plan, std::int64_t channels,
                                          std::size_t value_bytes) {
  return plan.workspace_bytes + static_cast<std::size_t>(channels) * value_bytes + value_bytes;
}

/// Where the scratch starts in `workspace`: past the plan's bytes, aligned to C.
template <class C>
C* dyt_scratch(void* workspace, const ChannelwisePlan& plan) {
  const auto at = reinterpret_cast<std::uintptr_t>(workspace) + plan.workspace_bytes;
  return reinterpret_cast<C*>(round_up(at, sizeof(C)));
}

}  // namespace cuact::detail
