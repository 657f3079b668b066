// The exceptions cuact throws.
//
// Every public entry point checks its arguments before it launches anything. A bad argument
// throws cuact::invalid_argument, whose message names the function, the argument and the
// rule ("leaky_relu_forward: 'x' is null but n = 5"); nothing has been written to any output
// when it is thrown. A failing CUDA call (including a kernel launch, checked right after it)
// throws cuact::cuda_error carrying the CUDA error code, its name and its text. Both derive
// from cuact::error, itself a std::runtime_error.
#pragma once

#include <cuact/export.h>

#include <driver_types.h>

#include <stdexcept>
#include <string>

namespace cuact {

/// Base of every exception cuact throws.
class CUACT_API error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A bad argument, reported before any work was launched.
class CUACT_API invalid_argument : public error {
 public:
  using error::error;
};

/// A CUDA runtime call failed. what() reads "<where>: <cudaErrorName> (<code>): <text>", or,
/// where the error means there is no usable GPU or driver (cudaErrorNoDevice,
/// cudaErrorInsufficientDriver, ...), "<where>: no usable CUDA GPU or driver was found
/// (<cudaErrorName> (<code>): <text>)".
class CUACT_API cuda_error : public error {
 public:
  cuda_error(cudaError_t code, const std::string& where);
  cudaError_t code() const noexcept { return code_; }

 private:
  cudaError_t code_;
};

}  // namespace cuact
