// The gated passes on the device (launch.hpp's launch_gated): gated_dispatch.hpp with the
// device launcher. Included only by the generated kernel files, which instantiate
// launch_gated for Gated<Op> of their unary activation (CUACT_INSTANTIATE_GATED_BY_KERNELS)
// or for their gated functor (CUACT_INSTANTIATE_gated_KERNELS).
#pragma once

#include "cuda/device_launcher.cuh"
#include "cuda/gated_dispatch.hpp"
#include "cuda/launch.hpp"

#include <cuact/registry.h>

namespace cuact::detail {

template <class G, class T>
void launch_gated(const char* fn, bool backward, const G& op, const GatedLaunch<T>& p,
                  cudaStream_t stream) {
  dispatch_gated(DeviceLauncher{fn, stream}, backward, op, p);
}

}  // namespace cuact::detail

#define CUACT_DETAIL_INSTANTIATE_GATED(G, ENUM, value, T, name)                                   \
  template void ::cuact::detail::launch_gated<G<::cuact::compute_t<T>>, T>(                       \
      const char*, bool, const G<::cuact::compute_t<T>>&, const ::cuact::detail::GatedLaunch<T>&, \
      cudaStream_t);

/// Instantiates the gated launcher of gated functor template `Functor` for every element type.
#define CUACT_INSTANTIATE_gated_KERNELS(Functor) \
  CUACT_DTYPES(CUACT_DETAIL_INSTANTIATE_GATED, Functor)

#define CUACT_DETAIL_INSTANTIATE_GATED_BY(Functor, ENUM, value, T, name)                          \
  template void ::cuact::detail::launch_gated<::cuact::Gated<Functor<::cuact::compute_t<T>>>, T>( \
      const char*, bool, const ::cuact::Gated<Functor<::cuact::compute_t<T>>>&,                   \
      const ::cuact::detail::GatedLaunch<T>&, cudaStream_t);

/// Instantiates the gated launcher of Gated<Functor> (unary activation `Functor` as the gate's
/// activation) for every element type.
#define CUACT_INSTANTIATE_GATED_BY_KERNELS(Functor) \
  CUACT_DTYPES(CUACT_DETAIL_INSTANTIATE_GATED_BY, Functor)
