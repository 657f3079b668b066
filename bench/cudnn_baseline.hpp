// cuDNN's legacy activation API as a baseline (RELU, ELU, CLIPPED_RELU at 6) when cuDNN was
// found at configure time; otherwise every query answers "not covered".
#pragma once

#include "bench/cases.hpp"

#include <cuda_runtime_api.h>

#include <cstdint>
#include <vector>

namespace cuact::bench {

/// Whether this build has the cuDNN baseline.
bool cudnn_available();

/// cuDNN's time per call, in microseconds, for the same operation as case c on the same
/// rotated buffers (in0 serves as both x and y of cuDNN's backward), or -1 when cuDNN has no
/// such operation (leaky_relu, selu, celu, PReLU, elu from its output) or this dtype.
double cudnn_time_us(const BenchCase& c, std::int64_t n, const std::vector<Tensors>& sets, int reps,
                     cudaStream_t stream);

}  // namespace cuact::bench
