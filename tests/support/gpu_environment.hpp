// GPU tests skip, with the reason, when no CUDA device is usable; CUACT_REQUIRE_GPU=1 turns
// every such skip into a failure (for GPU runners, where a silent skip would hide breakage).
#pragma once

#include <gtest/gtest.h>

#include <cuda_runtime.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace cuact::test {

/// Empty when a CUDA device can be used; otherwise why not. Computed once, on first call
/// (never from a static initialiser: test discovery runs the binary at build time).
const std::string& gpu_unavailable_reason();

/// True when the environment variable CUACT_REQUIRE_GPU is set to 1.
bool gpu_required();

/// The largest tensor (in elements) GPU tests should use: CUACT_TEST_MAX_N if set (for
/// compute-sanitizer runs, which are ~100x slower), else no limit.
std::int64_t test_max_elements();

/// Call from SetUp(): skips the test (or fails it, under CUACT_REQUIRE_GPU=1) without a GPU.
#define CUACT_SKIP_WITHOUT_GPU()                                                        \
  do {                                                                                  \
    const std::string& cuact_why = ::cuact::test::gpu_unavailable_reason();             \
    if (!cuact_why.empty()) {                                                           \
      if (::cuact::test::gpu_required()) {                                              \
        GTEST_FAIL() << "CUACT_REQUIRE_GPU=1 but no usable CUDA device: " << cuact_why; \
      }                                                                                 \
      GTEST_SKIP() << "no usable CUDA device: " << cuact_why;                           \
    }                                                                                   \
  } while (0)

/// Fixture for GPU tests.
class GpuTest : public ::testing::Test {
 protected:
  void SetUp() override { CUACT_SKIP_WITHOUT_GPU(); }
};

/// Fixture for parameterised GPU tests.
template <class Param>
class GpuTestWithParam : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override { CUACT_SKIP_WITHOUT_GPU(); }
};

/// Throws std::runtime_error naming the call when a CUDA call in a test fails.
inline void cuda_ok(cudaError_t result, const char* call) {
  if (result != cudaSuccess) {
    throw std::runtime_error(std::string(call) + ": " + cudaGetErrorName(result) + ": " +
                             cudaGetErrorString(result));
  }
}
#define CUACT_TEST_CUDA(call) ::cuact::test::cuda_ok((call), #call)

}  // namespace cuact::test
