// A minimal owning device allocation for tests (synchronous cudaMalloc/cudaFree).
#pragma once

#include "tests/support/gpu_environment.hpp"

#include <cstddef>
#include <vector>

namespace cuact::test {

template <class T>
class TestDeviceBuffer {
 public:
  explicit TestDeviceBuffer(std::size_t count) : count_(count) {
    CUACT_TEST_CUDA(cudaMalloc(&data_, count * sizeof(T)));
  }
  ~TestDeviceBuffer() { cudaFree(data_); }
  TestDeviceBuffer(const TestDeviceBuffer&) = delete;
  TestDeviceBuffer& operator=(const TestDeviceBuffer&) = delete;

  T* get() const { return data_; }
  std::size_t size() const { return count_; }

  void upload(const std::vector<T>& host) {
    CUACT_TEST_CUDA(
        cudaMemcpy(data_, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice));
  }
  std::vector<T> download() const {
    std::vector<T> host(count_);
    CUACT_TEST_CUDA(cudaMemcpy(host.data(), data_, count_ * sizeof(T), cudaMemcpyDeviceToHost));
    return host;
  }

 private:
  T* data_ = nullptr;
  std::size_t count_;
};

}  // namespace cuact::test
