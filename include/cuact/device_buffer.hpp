// An owning, typed device allocation, allocated and freed stream-ordered.
//
//   cuact::DeviceBuffer<float> x(n, stream);      // cudaMallocAsync on `stream`
//   x.copy_from_host(host_x);                     // cudaMemcpyAsync on the same stream
//   cuact::relu_forward(x.data(), x.data(), n, stream);
//   x.copy_to_host(host_y);                       // the caller synchronizes before reading
//
// The buffer remembers the device that was current when it was made and the stream it was
// made on; its destructor frees it with cudaFreeAsync on that stream, on that device, and
// never throws (a failed free is ignored: there is nobody to report it to). Use the buffer on
// other streams only with the ordering the CUDA programming guide asks of stream-ordered
// memory (an event or a synchronize before the owning stream frees it). Move-only.
// Throws cuact::cuda_error when allocation fails.
#pragma once

#include <cuact/export.h>

#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace cuact {

namespace detail {
CUACT_API void* allocate_async(std::size_t bytes, cudaStream_t stream, int* device);
CUACT_API void free_async(void* p, cudaStream_t stream, int device) noexcept;
CUACT_API void copy_async(void* dst, const void* src, std::size_t bytes, cudaStream_t stream);
}  // namespace detail

template <class T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;

  /// `count` elements, uninitialised, allocated on the current device in `stream` order.
  DeviceBuffer(std::size_t count, cudaStream_t stream) : count_(count), stream_(stream) {
    data_ = static_cast<T*>(detail::allocate_async(count * sizeof(T), stream, &device_));
  }

  ~DeviceBuffer() { reset(); }

  DeviceBuffer(DeviceBuffer&& other) noexcept { swap(other); }
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept {
    DeviceBuffer(std::move(other)).swap(*this);
    return *this;
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  T* data() noexcept { return data_; }
  const T* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }
  /// The device the memory lives on.
  int device() const noexcept { return device_; }
  /// The stream that allocated it and will free it.
  cudaStream_t stream() const noexcept { return stream_; }

  /// Enqueues a copy of `host` (at most size() elements) to the start of the buffer.
  void copy_from_host(const std::vector<T>& host) {
    detail::copy_async(data_, host.data(), std::min(host.size(), count_) * sizeof(T), stream_);
  }
  /// Resizes `host` to size() and enqueues a copy of the buffer into it; synchronize the
  /// buffer's stream before reading `host`.
  void copy_to_host(std::vector<T>& host) const {
    host.resize(count_);
    detail::copy_async(host.data(), data_, count_ * sizeof(T), stream_);
  }

  /// Frees the memory (stream-ordered) and leaves the buffer empty.
  void reset() noexcept {
    if (data_ != nullptr) {
      detail::free_async(data_, stream_, device_);
    }
    data_ = nullptr;
    count_ = 0;
  }

  void swap(DeviceBuffer& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(count_, other.count_);
    std::swap(stream_, other.stream_);
    std::swap(device_, other.device_);
  }

 private:
  T* data_ = nullptr;
  std::size_t count_ = 0;
  cudaStream_t stream_ = nullptr;
  int device_ = -1;
};

}  // namespace cuact
