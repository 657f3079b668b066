// Comparing one benchmark case's output with the CPU reference before it is timed.
#pragma once

#include "bench/cases.hpp"

#include <cstdint>
#include <string>

namespace cuact::bench {

struct CheckResult {
  bool ok = true;
  std::string detail;  // what was checked, or the first mismatch
};

/// Compares the case's output (and PReLU's dalpha) in `t`, already computed on `stream`,
/// with the functors of ops.hpp evaluated on the host. Up to 2^22 elements every element is
/// checked; past that, the first and last 2^20. PReLU's dalpha is checked up to 2^24
/// elements. Within reference::gpu_tolerance_ulp (exact for piecewise-linear ops); dalpha
/// within (4 sqrt(E) + 64) eps sum|terms|.
CheckResult check_case(const BenchCase& c, std::int64_t n, const Tensors& t, cudaStream_t stream);

}  // namespace cuact::bench
