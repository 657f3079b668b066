// What every layer checks: the device it belongs to (the current one when it is made) on
// every call, and that a backward follows a forward of the same size.
#pragma once

#include "cuda/detail/cuda_check.hpp"
#include "host/argument_checks.hpp"

#include <cuda_runtime_api.h>

#include <cstdint>
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

/// A forward pass has run (kept: its size, negative before any).
inline void expect_forward_done(const char* fn, std::int64_t kept) {
  if (kept < 0) {
    throw_invalid_argument(fn, "no forward pass to take the gradient of");
  }
}

/// A backward pass of n elements after a forward of kept_n (-1: none yet).
inline void expect_forward_of(const char* fn, std::int64_t kept_n, std::int64_t n) {
  expect_forward_done(fn, kept_n);
  if (n != kept_n) {
    throw_invalid_argument(fn, "'n' = " + std::to_string(n) + " but the last forward had n = " +
                                   std::to_string(kept_n));
  }
}

}  // namespace cuact::detail
