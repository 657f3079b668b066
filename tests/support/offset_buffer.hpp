// A device copy of n elements starting `offset` elements into its allocation, so that every
// tensor of a GPU test case can start at the same (or a different) offset from a 16-byte
// boundary: the vector path's any-offset cases and the element path.
#pragma once

#include "tests/support/device_buffer.hpp"
#include "tests/support/gpu_environment.hpp"

#include <cstdint>
#include <vector>

namespace cuact::test {

template <class T>
class OffsetBuffer {
 public:
  OffsetBuffer(std::int64_t n, std::int64_t offset)
      : buffer_(n + offset), n_(n), offset_(offset) {}
  T* get() const { return buffer_.get() + offset_; }
  void upload(const std::vector<T>& host) {
    CUACT_TEST_CUDA(cudaMemcpy(get(), host.data(), n_ * sizeof(T), cudaMemcpyHostToDevice));
  }
  std::vector<T> download() const {
    std::vector<T> host(static_cast<std::size_t>(n_));
    CUACT_TEST_CUDA(cudaMemcpy(host.data(), get(), n_ * sizeof(T), cudaMemcpyDeviceToHost));
    return host;
  }
  void fill_bytes(int value) { CUACT_TEST_CUDA(cudaMemset(get(), value, n_ * sizeof(T))); }

 private:
  TestDeviceBuffer<T> buffer_;
  std::int64_t n_;
  std::int64_t offset_;
};

}  // namespace cuact::test
