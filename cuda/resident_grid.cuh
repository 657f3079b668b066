// Grid sizing for kernels whose blocks loop over their work: no more blocks than the device
// keeps resident at once.
#pragma once

#include "cuda/detail/cuda_check.hpp"
#include "cuda/detail/per_device.hpp"

#include <algorithm>
#include <cstdint>

namespace cuact::detail {

/// min(blocks_wanted, SMs x resident blocks of kernel `kKernel` per SM), at least 1. The
/// occupancy query runs once per kernel and device: the kernel itself (not its type, which
/// kernels of one signature share, such as the vector and scalar paths) is the template
/// argument, so each has its own cache. Only the grid depends on it, never how work is
/// partitioned, so results do not.
template <int kThreads, auto kKernel>
int resident_grid(std::int64_t blocks_wanted, const char* fn) {
  static PerDeviceValue resident_blocks;
  int device = 0;
  CUACT_CUDA_TRY(cudaGetDevice(&device), fn);
  const int limit = resident_blocks.get(device, [&] {
    int sms = 0;
    int per_sm = 0;
    CUACT_CUDA_TRY(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device), fn);
    CUACT_CUDA_TRY(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kKernel, kThreads, 0), fn);
    return sms * std::max(per_sm, 1);
  });
  return static_cast<int>(std::clamp<std::int64_t>(blocks_wanted, 1, limit));
}

}  // namespace cuact::detail
