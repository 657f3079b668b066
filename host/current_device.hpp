// The device a layer belongs to: the current one when it is made, checked on every call.
#pragma once

#include "cuda/detail/cuda_check.hpp"
#include "host/argument_checks.hpp"

#include <cuda_runtime_api.h>

#include <string>

namespace cuact::detail {

inline int current_device(const char* fn) {
  int device = 0;
  CUACT_CUDA_TRY(cudaGetDevice(&device), fn);
  return device;
}

/// "the layer belongs to device 0 but device 1 is current"
inline void expect_current_device(const char* fn, int device) {
  const int current = current_device(fn);
  if (current != device) {
    throw_invalid_argument(fn, "the layer belongs to device " + std::to_string(device) +
                                   " but device " + std::to_string(current) + " is current");
  }
}

}  // namespace cuact::detail
