#include "tests/support/gpu_environment.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace cuact::test {

namespace {
std::string probe_gpu() {
  int count = 0;  // cudaGetDeviceCount leaves it unwritten when there is no driver
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    return std::string(cudaGetErrorName(status)) + ": " + cudaGetErrorString(status);
  }
  if (count == 0) {
    return "cudaGetDeviceCount found no devices";
  }
  // A device can be listed yet unusable (another process holds it exclusively, ...).
  const cudaError_t init = cudaFree(nullptr);
  if (init != cudaSuccess) {
    return std::string("creating a context failed: ") + cudaGetErrorName(init);
  }
  return {};
}
}  // namespace

const std::string& gpu_unavailable_reason() {
  static const std::string reason = probe_gpu();
  return reason;
}

bool gpu_required() {
  const char* value = std::getenv("CUACT_REQUIRE_GPU");
  return value != nullptr && std::strcmp(value, "1") == 0;
}

std::int64_t test_max_elements() {
  const char* value = std::getenv("CUACT_TEST_MAX_N");
  return value != nullptr ? std::atoll(value) : INT64_MAX;
}

}  // namespace cuact::test
