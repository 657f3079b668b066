// The launcher every dispatch header (cuda/*_dispatch.hpp) takes, for the emulation tests:
// every kernel runs on emulated_cuda.hpp's fibers.
#pragma once

#include "tests/emulation/emulated_cuda.hpp"

#include <algorithm>
#include <cstdint>

namespace cuact::emulation {

/// Grid-stride kernels get at most `grid_limit` blocks (on the device: as many as stay
/// resident, which must not change their results); others exactly the grid asked for.
struct EmulatedLauncher {
  std::int64_t grid_limit;

  template <auto kKernel, int kThreads, class... Args>
  void resident(std::int64_t blocks_wanted, const Args&... args) const {
    const auto grid = std::clamp<std::int64_t>(blocks_wanted, 1, grid_limit);
    launch(static_cast<unsigned>(grid), kThreads, [&] { kKernel(args...); });
  }
  template <auto kKernel, int kThreads, class... Args>
  void exact(std::int64_t grid, const Args&... args) const {
    launch(static_cast<unsigned>(grid), kThreads, [&] { kKernel(args...); });
  }
};

}  // namespace cuact::emulation
