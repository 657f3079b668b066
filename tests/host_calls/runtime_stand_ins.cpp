// The stand-ins of runtime_stand_ins.hpp: the same signatures as cuda_runtime_api.h and
// crt/host_runtime.h, each named __wrap_<function>.
#include "tests/host_calls/runtime_stand_ins.hpp"

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <cstddef>
#include <cstring>
#include <iterator>
#include <utility>

namespace cuact::stand_in {

const char* const kFnNames[kFnCount] = {"cudaGetDevice",
                                        "cudaDeviceGetAttribute",
                                        "cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags",
                                        "cudaFuncGetAttributes",
                                        "cudaGetLastError",
                                        "cudaPeekAtLastError",
                                        "cudaPointerGetAttributes",
                                        "cudaThreadExchangeStreamCaptureMode",
                                        "cudaStreamIsCapturing",
                                        "cudaMallocAsync",
                                        "cudaFreeAsync",
                                        "cudaMemsetAsync",
                                        "cudaMemcpyAsync",
                                        "cudaSetDevice",
                                        "cudaGetDeviceCount",
                                        "kernel launch"};
int counts[kFnCount];
void clear_calls() { std::fill(std::begin(counts), std::end(counts), 0); }
bool capturing = false;

}  // namespace cuact::stand_in

namespace {

using namespace cuact::stand_in;

void count(Fn fn) { ++counts[fn]; }

struct CallConfiguration {
  dim3 grid;
  dim3 block;
  std::size_t shared = 0;
  void* stream = nullptr;
};
thread_local CallConfiguration pushed;
thread_local cudaStreamCaptureMode capture_mode = cudaStreamCaptureModeGlobal;

}  // namespace

extern "C" {

cudaError_t __wrap_cudaGetDevice(int* device) {
  count(kGetDevice);
  *device = 0;
  return cudaSuccess;
}

cudaError_t __wrap_cudaSetDevice(int) {
  count(kSetDevice);
  return cudaSuccess;
}

cudaError_t __wrap_cudaGetDeviceCount(int* devices) {
  count(kGetDeviceCount);
  *devices = 1;
  return cudaSuccess;
}

cudaError_t __wrap_cudaDeviceGetAttribute(int* value, cudaDeviceAttr attribute, int) {
  count(kDeviceGetAttribute);
  switch (attribute) {
    case cudaDevAttrMultiProcessorCount:
      *value = 132;
      break;
    case cudaDevAttrComputeCapabilityMajor:
      *value = 9;
      break;
    case cudaDevAttrMaxSharedMemoryPerBlock:
      *value = 48 * 1024;
      break;
    case cudaDevAttrMaxSharedMemoryPerMultiprocessor:
      *value = 228 * 1024;
      break;
    case cudaDevAttrMaxThreadsPerMultiProcessor:
      *value = 2048;
      break;
    case cudaDevAttrWarpSize:
      *value = 32;
      break;
    default:
      *value = 0;
      break;
  }
  return cudaSuccess;
}

cudaError_t __wrap_cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(int* blocks, const void*,
                                                                          int, std::size_t,
                                                                          unsigned int) {
  count(kOccupancy);
  *blocks = 8;
  return cudaSuccess;
}

cudaError_t __wrap_cudaFuncGetAttributes(cudaFuncAttributes* attributes, const void*) {
  count(kFuncGetAttributes);
  std::memset(attributes, 0, sizeof *attributes);
  attributes->ptxVersion = 90;
  attributes->binaryVersion = 90;
  attributes->maxThreadsPerBlock = 1024;
  return cudaSuccess;
}

cudaError_t __wrap_cudaGetLastError() {
  count(kGetLastError);
  return cudaSuccess;
}

cudaError_t __wrap_cudaPeekAtLastError() {
  count(kPeekAtLastError);
  return cudaSuccess;
}

const char* __wrap_cudaGetErrorName(cudaError_t) { return "cudaErrorStandIn"; }
const char* __wrap_cudaGetErrorString(cudaError_t) { return "a stand-in error"; }

cudaError_t __wrap_cudaPointerGetAttributes(cudaPointerAttributes* attributes, const void* p) {
  count(kPointerGetAttributes);
  std::memset(attributes, 0, sizeof *attributes);
  attributes->type = cudaMemoryTypeDevice;
  attributes->device = 0;
  attributes->devicePointer = const_cast<void*>(p);
  return cudaSuccess;
}

cudaError_t __wrap_cudaThreadExchangeStreamCaptureMode(cudaStreamCaptureMode* mode) {
  count(kExchangeCaptureMode);
  std::swap(*mode, capture_mode);
  return cudaSuccess;
}

cudaError_t __wrap_cudaStreamIsCapturing(cudaStream_t, cudaStreamCaptureStatus* status) {
  count(kStreamIsCapturing);
  *status = capturing ? cudaStreamCaptureStatusActive : cudaStreamCaptureStatusNone;
  return cudaSuccess;
}

cudaError_t __wrap_cudaMallocAsync(void** p, std::size_t bytes, cudaStream_t) {
  count(kMallocAsync);
  // A distinct range per allocation (never dereferenced), so that buffers a caller allocates
  // separately do not overlap in cuact's overlap checks.
  static std::uintptr_t next = std::uintptr_t{0xF} << 40;
  *p = reinterpret_cast<void*>(next);
  next += (bytes + (std::uintptr_t{1} << 20)) & ~((std::uintptr_t{1} << 20) - 1);
  return cudaSuccess;
}

cudaError_t __wrap_cudaFreeAsync(void*, cudaStream_t) {
  count(kFreeAsync);
  return cudaSuccess;
}

cudaError_t __wrap_cudaMemsetAsync(void*, int, std::size_t, cudaStream_t) {
  count(kMemsetAsync);
  return cudaSuccess;
}

cudaError_t __wrap_cudaMemcpyAsync(void*, const void*, std::size_t, cudaMemcpyKind, cudaStream_t) {
  count(kMemcpyAsync);
  return cudaSuccess;
}

unsigned __wrap___cudaPushCallConfiguration(dim3 grid, dim3 block, std::size_t shared,
                                            void* stream) {
  pushed = {grid, block, shared, stream};
  return 0;
}

cudaError_t __wrap___cudaPopCallConfiguration(dim3* grid, dim3* block, std::size_t* shared,
                                              void* stream) {
  *grid = pushed.grid;
  *block = pushed.block;
  *shared = pushed.shared;
  *static_cast<void**>(stream) = pushed.stream;
  return cudaSuccess;
}

cudaError_t __wrap___cudaGetKernel(cudaKernel_t* kernel, const void*) {
  *kernel = nullptr;
  return cudaSuccess;
}

cudaError_t __wrap___cudaLaunchKernel(cudaKernel_t, dim3, dim3, void**, std::size_t, cudaStream_t) {
  count(kLaunch);
  return cudaSuccess;
}

}  // extern "C"
