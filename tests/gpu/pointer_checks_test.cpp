// Pointers the current device cannot use are rejected before launch; the kinds it can use
// (device, managed, mapped pinned host memory) work.
#include <cuact/activations.hpp>
#include <cuact/error.hpp>

#include "tests/support/device_buffer.hpp"
#include "tests/support/gpu_environment.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cuact::test {
namespace {

class PointerChecks : public GpuTest {};

TEST_F(PointerChecks, PageableHostMemoryIsRejectedUnlessTheDeviceCanReadIt) {
  int device = 0;
  int pageable = 0;
  CUACT_TEST_CUDA(cudaGetDevice(&device));
  CUACT_TEST_CUDA(cudaDeviceGetAttribute(&pageable, cudaDevAttrPageableMemoryAccess, device));
  std::vector<float> host(64, -1.0f);
  TestDeviceBuffer<float> y(64);
  if (pageable == 0) {
    try {
      relu_forward(host.data(), y.get(), 64, nullptr);
      FAIL() << "pageable host memory was accepted";
    } catch (const invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("relu_forward: 'x' is pageable host memory"),
                std::string::npos)
          << e.what();
    }
  } else {
    relu_forward(host.data(), y.get(), 64, nullptr);
    CUACT_TEST_CUDA(cudaDeviceSynchronize());
    for (float v : y.download()) {
      ASSERT_EQ(v, 0.0f);
    }
  }
}

TEST_F(PointerChecks, PinnedAndManagedMemoryAreAccepted) {
  const int n = 1000;
  float* pinned = nullptr;
  float* managed = nullptr;
  CUACT_TEST_CUDA(cudaMallocHost(&pinned, n * sizeof(float)));
  CUACT_TEST_CUDA(cudaMallocManaged(&managed, n * sizeof(float)));
  for (int i = 0; i < n; ++i) {
    pinned[i] = static_cast<float>(i % 7) - 3.0f;
  }
  relu_forward(pinned, managed, n, nullptr);
  CUACT_TEST_CUDA(cudaDeviceSynchronize());
  for (int i = 0; i < n; ++i) {
    ASSERT_EQ(managed[i], pinned[i] > 0 ? pinned[i] : 0.0f) << "element " << i;
  }
  CUACT_TEST_CUDA(cudaFreeHost(pinned));
  CUACT_TEST_CUDA(cudaFree(managed));
}

TEST_F(PointerChecks, AnotherDevicesMemoryIsRejected) {
  int count = 0;
  CUACT_TEST_CUDA(cudaGetDeviceCount(&count));
  if (count < 2) {
    GTEST_SKIP() << "needs two GPUs; this machine has " << count;
  }
  CUACT_TEST_CUDA(cudaSetDevice(1));
  TestDeviceBuffer<float> other(16);
  CUACT_TEST_CUDA(cudaSetDevice(0));
  TestDeviceBuffer<float> mine(16);
  try {
    relu_forward(other.get(), mine.get(), 16, nullptr);
    FAIL() << "device 1 memory was accepted on device 0";
  } catch (const invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "relu_forward: 'x' is memory of device 1 but device 0 is current");
  }
}

}  // namespace
}  // namespace cuact::test
