// The CUDA calls behind cuact::DeviceBuffer and GrowOnlyBuffer.
#include <cuact/device_buffer.hpp>

#include "cuda/detail/cuda_check.hpp"

namespace cuact::detail {

void* allocate_async(std::size_t bytes, cudaStream_t stream, int* device) {
  constexpr const char* fn = "DeviceBuffer";
  CUACT_CUDA_TRY(cudaGetDevice(device), fn);
  if (bytes == 0) {
    return nullptr;
  }
  void* p = nullptr;
  CUACT_CUDA_TRY(cudaMallocAsync(&p, bytes, stream), fn);
  return p;
}

void free_async(void* p, cudaStream_t stream, int device) noexcept {
  int current = -1;
  const bool switch_device = cudaGetDevice(&current) == cudaSuccess && current != device;
  if (switch_device) {
    cudaSetDevice(device);
  }
  cudaFreeAsync(p, stream);
  if (switch_device) {
    cudaSetDevice(current);
  }
}

bool stream_is_capturing(cudaStream_t stream, const char* fn) {
  cudaStreamCaptureStatus capture = cudaStreamCaptureStatusNone;
  CUACT_CUDA_TRY(cudaStreamIsCapturing(stream, &capture), fn);
  return capture != cudaStreamCaptureStatusNone;
}

void copy_async(void* dst, const void* src, std::size_t bytes, cudaStream_t stream) {
  if (bytes == 0) {
    return;
  }
  CUACT_CUDA_TRY(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDefault, stream), "DeviceBuffer copy");
}

}  // namespace cuact::detail
