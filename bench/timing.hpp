// Timing GPU work with CUDA events.
#pragma once

#include <cuda_runtime_api.h>

#include <functional>
#include <string>
#include <vector>

namespace cuact::bench {

/// Throws std::runtime_error naming `what` when e is not cudaSuccess.
void cuda_ok(cudaError_t e, const char* what);

/// Median and 10th/90th percentiles, in microseconds.
struct Stats {
  double median = 0, p10 = 0, p90 = 0;
};

/// Per-launch time in microseconds: `reps` repetitions, each timed with events around
/// `per_rep` launches of launch(i) (i counting up, for buffer rotation), after a warm-up.
Stats time_launches(const std::function<void(int)>& launch, int per_rep, int reps,
                    cudaStream_t stream);

/// Launches per repetition so that one repetition lasts about 200 us (many for small sizes,
/// so that event resolution and launch gaps do not dominate).
int launches_per_rep(const std::function<void(int)>& launch, cudaStream_t stream);

}  // namespace cuact::bench
