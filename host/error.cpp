#include <cuact/error.hpp>

#include <cuda_runtime_api.h>

#include <string>

namespace cuact {

namespace {
/// The errors a machine without a usable GPU or driver answers with.
bool means_no_usable_gpu(cudaError_t code) {
  return code == cudaErrorNoDevice || code == cudaErrorInsufficientDriver ||
         code == cudaErrorSystemDriverMismatch || code == cudaErrorCompatNotSupportedOnDevice;
}

std::string describe(cudaError_t code, const std::string& where) {
  const std::string cuda = std::string(cudaGetErrorName(code)) + " (" +
                           std::to_string(static_cast<int>(code)) + "): " +
                           cudaGetErrorString(code);
  if (means_no_usable_gpu(code)) {
    return where + ": no usable CUDA GPU or driver was found (" + cuda + ")";
  }
  return where + ": " + cuda;
}
}  // namespace

cuda_error::cuda_error(cudaError_t code, const std::string& where)
    : error(describe(code, where)), code_(code) {}

}  // namespace cuact
