// Launching a kernel on the device for the dispatch headers (elementwise_dispatch.hpp,
// mask_dispatch.hpp, gated_dispatch.hpp, channelwise_dispatch.hpp), whose CPU emulation tests
// launch the same kernels on fibers instead.
#pragma once

#include "cuda/detail/cuda_check.hpp"
#include "cuda/launch.hpp"
#include "cuda/resident_grid.cuh"

#include <cuda_runtime_api.h>

#include <cstdint>

namespace cuact::detail {

/// Launches on `stream`, each launch checked (cudaGetLastError, errors naming `fn`).
struct DeviceLauncher {
  const char* fn;
  cudaStream_t stream;

  /// At most blocks_wanted blocks, no more than stay resident (resident_grid): for kernels
  /// whose blocks loop over their work, so that results do not depend on the grid.
  template <auto kKernel, int kThreads, class... Args>
  void resident(std::int64_t blocks_wanted, const Args&... args) const {
    const int grid = resident_grid<kThreads, kKernel>(blocks_wanted, fn);
    kKernel<<<grid, kThreads, 0, stream>>>(args...);
    CUACT_CUDA_TRY(cudaGetLastError(), fn);
  }
  /// The channelwise gradients' finish (channelwise_dispatch.hpp's finish_channel_grads),
  /// in its one translation unit.
  template <class C, int kTerms>
  void channel_grads(const PartialsLayout& layout, const C* partials,
                     const GradPointers<C, kTerms>& grads) const {
    launch_channel_grads<C, kTerms>(fn, layout, partials, grads, stream);
  }
  /// Exactly `grid` blocks.
  template <auto kKernel, int kThreads, class... Args>
  void exact(std::int64_t grid, const Args&... args) const {
    kKernel<<<static_cast<int>(grid), kThreads, 0, stream>>>(args...);
    CUACT_CUDA_TRY(cudaGetLastError(), fn);
  }
};

}  // namespace cuact::detail
