// Bias + activation on the device (launch.hpp's launch_bias): the dispatch
// (bias_dispatch.hpp) with the device launcher. Included only by the generated
// per-activation kernel files <name>_bias.cu (CUACT_INSTANTIATE_BIAS_KERNELS).
#pragma once

#include "cuda/bias_dispatch.hpp"
#include "cuda/device_launcher.cuh"
#include "cuda/launch.hpp"

#include <cuact/registry.h>

namespace cuact::detail {

template <class Op, class T>
void launch_bias(const char* fn, Pass pass, const ChannelwisePlan& plan, const Op& op,
                 const T* v, const T* dy, const compute_t<T>* bias, T* out, T* out2,
                 compute_t<T>* dbias, GradMode mode, void* workspace, cudaStream_t stream) {
  dispatch_bias(DeviceLauncher{fn, stream}, fn, pass, plan, op, v, dy, bias, out, out2, dbias,
                mode, workspace);
}

}  // namespace cuact::detail

#define CUACT_DETAIL_INSTANTIATE_BIAS(Functor, ENUM, value, T, name)                       \
  template void ::cuact::detail::launch_bias<Functor<::cuact::compute_t<T>>, T>(           \
      const char*, ::cuact::detail::Pass, const ::cuact::detail::ChannelwisePlan&,         \
      const Functor<::cuact::compute_t<T>>&, const T*, const T*,                           \
      const ::cuact::compute_t<T>*, T*, T*, ::cuact::compute_t<T>*, ::cuact::GradMode,     \
      void*, cudaStream_t);

/// Instantiates the bias + activation launcher of unary activation template `Functor`
/// (ops.hpp) for every element type: forward, and backward from the input and (where it
/// has one) from the output.
#define CUACT_INSTANTIATE_BIAS_KERNELS(Functor) \
  CUACT_DTYPES(CUACT_DETAIL_INSTANTIATE_BIAS, Functor)
