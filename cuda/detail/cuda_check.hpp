// Turning CUDA runtime results into cuact::cuda_error.
#pragma once

#include <cuact/error.hpp>

#include <cuda_runtime_api.h>

namespace cuact::detail {

/// Throws cuact::cuda_error naming `where` (the public function) and `call` when `result`
/// is not cudaSuccess.
inline void cuda_check(cudaError_t result, const char* where, const char* call) {
  if (result != cudaSuccess) {
    throw cuda_error(result, std::string(where) + ": " + call);
  }
}

}  // namespace cuact::detail

/// Checks a CUDA runtime call made on behalf of the public function named by `where`.
#define CUACT_CUDA_TRY(call, where) ::cuact::detail::cuda_check((call), (where), #call)
