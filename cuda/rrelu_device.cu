// RReLU's training passes on the device (launch.hpp's launch_rrelu): the dispatch
// (rrelu_dispatch.hpp) with the device launcher, and the one-thread kernel that advances a
// layer's key. Evaluation is leaky_relu's kernel (host/rrelu.cpp).
#include "cuda/device_launcher.cuh"
#include "cuda/launch.hpp"
#include "cuda/rrelu_dispatch.hpp"

#include <cuact/rrelu.hpp>
#include <cuact/types.hpp>

#include <cstdint>

namespace cuact::detail {

template <class T>
void launch_rrelu(const char* fn, bool backward, const RRelu<compute_t<T>>& op, const RReluKey& key,
                  const RReluKey* key_device, std::uint64_t offset_delta, const T* v, const T* dy,
                  T* out, std::int64_t n, cudaStream_t stream) {
  dispatch_rrelu(DeviceLauncher{fn, stream}, backward, op, key, key_device, offset_delta, v, dy,
                 out, n);
}

__global__ void advance_rrelu_offset_kernel(RReluKey* key) { key->offset += 1; }

void launch_advance_rrelu_offset(const char* fn, RReluKey* key, cudaStream_t stream) {
  DeviceLauncher{fn, stream}.exact<advance_rrelu_offset_kernel, 1>(1, key);
}

#define CUACT_DETAIL_INSTANTIATE_RRELU(ctx, ENUM, value, T, name)                               \
  template void launch_rrelu<T>(const char*, bool, const RRelu<compute_t<T>>&, const RReluKey&, \
                                const RReluKey*, std::uint64_t, const T*, const T*, T*,         \
                                std::int64_t, cudaStream_t);
CUACT_DTYPES(CUACT_DETAIL_INSTANTIATE_RRELU, ~)

}  // namespace cuact::detail
