// Filling device buffers with reproducible random data, on the device (host generation of
// 2^28 values would dominate the benchmark's run time).
#pragma once

#include <cuact/cuact.h>

#include <cstdint>

namespace cuact::bench {

/// p[i] = a value uniform in [lo, hi) from a hash of (seed, i), rounded to `dtype`.
void fill_uniform(cuact_dtype dtype, void* p, std::int64_t n, double lo, double hi,
                  std::uint64_t seed, cudaStream_t stream);

}  // namespace cuact::bench
