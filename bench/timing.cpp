#include "bench/timing.hpp"

#include <cuda_runtime.h>

#include <algorithm>
#include <stdexcept>

namespace cuact::bench {

namespace {
constexpr double kMinRepUs = 200.0;

Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const auto at = [&](double q) { return v[static_cast<std::size_t>(q * (v.size() - 1) + 0.5)]; };
  return {at(0.5), at(0.1), at(0.9)};
}
}  // namespace

void cuda_ok(cudaError_t e, const char* what) {
  if (e != cudaSuccess) {
    throw std::runtime_error(std::string(what) + ": " + cudaGetErrorName(e) + ": " +
                             cudaGetErrorString(e));
  }
}

Stats time_launches(const std::function<void(int)>& launch, int per_rep, int reps,
                    cudaStream_t stream) {
  cudaEvent_t start = nullptr;
  cudaEvent_t stop = nullptr;
  cuda_ok(cudaEventCreate(&start), "cudaEventCreate");
  cuda_ok(cudaEventCreate(&stop), "cudaEventCreate");
  int i = 0;
  for (int w = 0; w < 3; ++w) {
    launch(i++);
  }
  std::vector<double> times;
  for (int r = 0; r < reps; ++r) {
    cuda_ok(cudaEventRecord(start, stream), "cudaEventRecord");
    for (int k = 0; k < per_rep; ++k) {
      launch(i++);
    }
    cuda_ok(cudaEventRecord(stop, stream), "cudaEventRecord");
    cuda_ok(cudaEventSynchronize(stop), "cudaEventSynchronize");
    float ms = 0;
    cuda_ok(cudaEventElapsedTime(&ms, start, stop), "cudaEventElapsedTime");
    times.push_back(1000.0 * ms / per_rep);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return stats(times);
}

int launches_per_rep(const std::function<void(int)>& launch, cudaStream_t stream) {
  const Stats probe = time_launches(launch, 1, 3, stream);
  // A median that is not a positive number (no timing came back) takes the most launches;
  // the ratio is then always in [1, 100] before it becomes an int.
  if (!(probe.median > 0)) {
    return 100;
  }
  return static_cast<int>(std::clamp(kMinRepUs / std::max(probe.median, 1e-3), 1.0, 100.0));
}

}  // namespace cuact::bench
