// Measuring one case at one size: check, then time with CUDA events against the same-run
// device-to-device copy of the same bytes.
#pragma once

#include "bench/cases.hpp"
#include "bench/options.hpp"

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace cuact::bench {

/// One line of the results.
struct Row {
  BenchCase c;
  std::int64_t n = 0;
  std::string shape;      // PReLU's [outer, channels, inner]
  std::string skipped;    // why it was not measured, if it was not
  bool ok = true;         // the result check passed (or was not run)
  std::string check;      // what the check covered, or the mismatch
  double median_us = 0;   // per call, median of the repetitions
  double spread_pct = 0;  // (p90 - p10) / median
  double gbps = 0;        // floor bytes / median time
  double copy_gbps = 0;   // same-run cudaMemcpyAsync D2D of the same bytes (read + write)
  double pct_copy = 0;    // gbps / copy_gbps
  double graph_us = -1;   // per call inside a replayed CUDA graph (small sizes), else -1
  double host_us = -1;    // host time to enqueue one call (small sizes), else -1
  double cudnn_us = -1;   // cuDNN's time for the same operation, -1 where it has none
};

class Runner {
 public:
  Runner(const Options& options, cudaStream_t stream);

  /// Checks and times case c at n elements (PReLU: its largest whole shape not above n).
  Row measure(const BenchCase& c, std::int64_t requested_n);

  /// Runs case c at n elements five times, for a profiler; no timing.
  void profile(const BenchCase& c, std::int64_t requested_n);

 private:
  double copy_gbps(std::size_t bytes_moved);

  const Options& options_;
  cudaStream_t stream_;
  std::size_t l2_bytes_ = 0;
  std::map<std::size_t, double> copy_cache_;
};

}  // namespace cuact::bench
