// The elementwise and 1-bit-mask passes on the device (launch.hpp's launch_unary and
// launch_masked): the dispatch headers with the device launcher. Included only by the
// generated per-activation kernel files, which instantiate launch_unary for their activation
// (CUACT_INSTANTIATE_unary_KERNELS).
#pragma once

#include "cuda/device_launcher.cuh"
#include "cuda/elementwise_dispatch.hpp"
#include "cuda/launch.hpp"
#include "cuda/mask_device.cuh"

#include <cuact/registry.h>

#include <cstdint>

namespace cuact::detail {

template <class Op, class T>
void launch_unary(const char* fn, Pass pass, const Op& op, const T* v, const T* dy, T* out,
                  std::int64_t n, cudaStream_t stream) {
  dispatch_unary(DeviceLauncher{fn, stream}, fn, pass, op, v, dy, out, n);
}

}  // namespace cuact::detail

#define CUACT_DETAIL_INSTANTIATE_UNARY(Functor, ENUM, value, T, name)                         \
  template void ::cuact::detail::launch_unary<Functor<::cuact::compute_t<T>>, T>(             \
      const char*, ::cuact::detail::Pass, const Functor<::cuact::compute_t<T>>&, const T*,    \
      const T*, T*, std::int64_t, cudaStream_t);                                              \
  template void ::cuact::detail::launch_masked<Functor<::cuact::compute_t<T>>, T>(            \
      const char*, bool, const Functor<::cuact::compute_t<T>>&, const T*, std::uint32_t*, T*, \
      std::int64_t, cudaStream_t);

/// Instantiates the launcher of unary activation template `Functor` (ops.hpp) for every
/// element type: its forward, gradient from input and (where it has one) from output, and
/// (where it has a mask) its 1-bit-mask passes.
#define CUACT_INSTANTIATE_unary_KERNELS(Functor) \
  CUACT_DTYPES(CUACT_DETAIL_INSTANTIATE_UNARY, Functor)
