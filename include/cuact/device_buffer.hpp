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
// Throws cuact::cuda_error when allocation fails, cuact::invalid_argument when `count`
// elements overflow a 64-bit byte count.
//
// GrowOnlyBuffer (below) is the scratch memory of the layers: it only grows, keeps what it
// outgrew, and refuses to grow during a graph capture.
#pragma once

#include <cuact/export.h>
#include <cuact/error.hpp>

#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace cuact {

namespace detail {
CUACT_API void* allocate_async(std::size_t bytes, cudaStream_t stream, int* device);
CUACT_API void free_async(void* p, cudaStream_t stream, int device) noexcept;
CUACT_API void copy_async(void* dst, const void* src, std::size_t bytes, cudaStream_t stream);
/// Whether `stream` is capturing a CUDA graph (throws cuda_error naming `fn` when the query
/// fails).
CUACT_API bool stream_is_capturing(cudaStream_t stream, const char* fn);
}  // namespace detail

template <class T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;

  /// `count` elements, uninitialised, allocated on the current device in `stream` order.
  DeviceBuffer(std::size_t count, cudaStream_t stream) : count_(count), stream_(stream) {
    if (count > SIZE_MAX / sizeof(T)) {
      throw invalid_argument("DeviceBuffer: 'count' = " + std::to_string(count) + " elements of " +
                             std::to_string(sizeof(T)) + " bytes overflow a 64-bit byte count");
    }
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

/// Device memory that only grows, for scratch space sized on first use (a layer's mask or
/// workspace). grow() keeps the current memory when it holds enough; otherwise it allocates
/// more on `stream` and keeps the outgrown memory until the object goes, since a call in
/// flight on another stream, or a graph captured before, may still use it (freeing it on its
/// own stream would not be ordered after those). During a graph capture growing is refused:
/// the allocation would belong to the graph; reserve (grow) before capturing.
template <class T>
class GrowOnlyBuffer {
 public:
  /// Makes size() at least `count`. When that needs new memory while `stream` captures a
  /// graph, throws cuact::invalid_argument "<fn>: " + refusal() and changes nothing; a
  /// failed allocation (cuda_error) changes nothing either.
  template <class Refusal>
  void grow(const char* fn, std::size_t count, cudaStream_t stream, Refusal&& refusal) {
    if (count <= current_.size()) {
      return;
    }
    if (detail::stream_is_capturing(stream, fn)) {
      throw invalid_argument(std::string(fn) + ": " + refusal());
    }
    DeviceBuffer<T> next(count, stream);
    if (!current_.empty()) {
      retired_.push_back(std::move(current_));
    }
    current_ = std::move(next);
  }

  T* data() noexcept { return current_.data(); }
  const T* data() const noexcept { return current_.data(); }
  std::size_t size() const noexcept { return current_.size(); }
  /// Outgrown allocations kept until destruction.
  std::size_t retired() const noexcept { return retired_.size(); }

 private:
  DeviceBuffer<T> current_;
  std::vector<DeviceBuffer<T>> retired_;
};

}  // namespace cuact
