#include <cuact/error.hpp>

#include <cuda_runtime_api.h>

#include <string>

namespace cuact {

namespace {
std::string describe(cudaError_t code, const std::string& where) {
  return where + ": " + cudaGetErrorName(code) + " (" + std::to_string(static_cast<int>(code)) +
         "): " + cudaGetErrorString(code);
}
}  // namespace

cuda_error::cuda_error(cudaError_t code, const std::string& where)
    : error(describe(code, where)), code_(code) {}

}  // namespace cuact
