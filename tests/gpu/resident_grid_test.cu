// Grid sizing: each kernel has its own occupancy cache, also when kernels share a signature
// (the vector and scalar elementwise paths, the PReLU modes).
#include "cuda/resident_grid.cuh"

#include "tests/support/gpu_environment.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace cuact::test {
namespace {

constexpr int kThreads = 256;

// Same signature, different occupancy: 40 KiB of shared memory per block limits the first
// to a few resident blocks per SM; the second fits as many as the thread limit allows.
__global__ void __launch_bounds__(kThreads) heavy_kernel(int* p) {
  __shared__ int scratch[10 * 1024];
  scratch[threadIdx.x] = threadIdx.x;
  __syncthreads();
  if (p != nullptr) {
    p[threadIdx.x] = scratch[(threadIdx.x + 1) % kThreads];
  }
}

__global__ void __launch_bounds__(kThreads) light_kernel(int* p) {
  if (p != nullptr) {
    p[threadIdx.x] = threadIdx.x;
  }
}

int expected_grid(void (*kernel)(int*)) {
  int device = 0;
  int sms = 0;
  int per_sm = 0;
  CUACT_TEST_CUDA(cudaGetDevice(&device));
  CUACT_TEST_CUDA(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  CUACT_TEST_CUDA(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kernel, kThreads, 0));
  return sms * per_sm;
}

class ResidentGrid : public GpuTest {};

TEST_F(ResidentGrid, KernelsOfOneSignatureEachGetTheirOwnOccupancy) {
  const std::int64_t huge = std::int64_t(1) << 40;
  // The heavy kernel first: with a cache per signature the light one would inherit its grid.
  const int heavy = detail::resident_grid<kThreads, heavy_kernel>(huge, "test");
  const int light = detail::resident_grid<kThreads, light_kernel>(huge, "test");
  EXPECT_EQ(heavy, expected_grid(heavy_kernel));
  EXPECT_EQ(light, expected_grid(light_kernel));
  EXPECT_LT(heavy, light);
  const int few = detail::resident_grid<kThreads, light_kernel>(3, "test");
  const int none = detail::resident_grid<kThreads, light_kernel>(0, "test");
  EXPECT_EQ(few, 3);
  EXPECT_EQ(none, 1);
}

}  // namespace
}  // namespace cuact::test
