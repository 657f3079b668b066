// The 1-bit-mask passes on the device (launch.hpp's launch_masked): mask_dispatch.hpp
// with the device launcher. Included by the generated per-activation kernel files through
// elementwise_device.cuh.
#pragma once

#include "cuda/device_launcher.cuh"
#include "cuda/launch.hpp"
#include "cuda/mask_dispatch.hpp"

#include <cstdint>

namespace cuact::detail {

template <class Op, class T>
void launch_masked(const char* fn, bool backward, const Op& op, const T* in, std::uint32_t* mask,
                   T* out, std::int64_t n, cudaStream_t stream) {
  dispatch_masked(DeviceLauncher{fn, stream}, fn, backward, op, in, mask, out, n);
}

}  // namespace cuact::detail
