// DyT on the device (launch.hpp's launch_dyt): its dispatch on the channelwise engine
// (dyt_dispatch.hpp) with the device launcher. The plan is the host's.
#include "cuda/device_launcher.cuh"
#include "cuda/dyt_dispatch.hpp"
#include "cuda/launch.hpp"

#include <cuact/registry.h>

namespace cuact::detail {

template <class T>
void launch_dyt(const char* fn, const ChannelwisePlan& plan, const compute_t<T>* alpha,
                const compute_t<T>* gamma, const compute_t<T>* beta, const T* x, const T* dy,
                T* out, compute_t<T>* dalpha, compute_t<T>* dgamma, compute_t<T>* dbeta,
                GradMode mode, void* workspace, cudaStream_t stream) {
  dispatch_dyt(DeviceLauncher{fn, stream}, plan, alpha, gamma, beta, x, dy, out, dalpha, dgamma,
               dbeta, mode, workspace);
}

#define CUACT_DETAIL_INSTANTIATE_DYT(ctx, ENUM, value, T, name)                                \
  template void launch_dyt<T>(const char*, const ChannelwisePlan&, const compute_t<T>*,        \
                              const compute_t<T>*, const compute_t<T>*, const T*, const T*, T*, \
                              compute_t<T>*, compute_t<T>*, compute_t<T>*, GradMode, void*,     \
                              cudaStream_t);

CUACT_DTYPES(CUACT_DETAIL_INSTANTIATE_DYT, ~)

}  // namespace cuact::detail
