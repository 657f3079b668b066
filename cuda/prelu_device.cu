// PReLU on the device (launch.hpp's launch_prelu_forward and launch_prelu_backward): its
// dispatch on the channelwise engine (prelu_dispatch.hpp) with the device launcher. The plan
// is the host's (channelwise_plan.hpp): it needs nothing of the device.
#include "cuda/device_launcher.cuh"
#include "cuda/launch.hpp"
#include "cuda/prelu_dispatch.hpp"

#include <cuact/registry.h>

namespace cuact::detail {

template <class T>
void launch_prelu_forward(const char* fn, const ChannelwisePlan& plan, const T* x,
                          const compute_t<T>* alpha, T* y, cudaStream_t stream) {
  dispatch_prelu_forward(DeviceLauncher{fn, stream}, plan, x, alpha, y);
}

template <class T>
void launch_prelu_backward(const char* fn, const ChannelwisePlan& plan, const T* x, const T* dy,
                           const compute_t<T>* alpha, T* dx, compute_t<T>* dalpha, GradMode mode,
                           void* workspace, cudaStream_t stream) {
  dispatch_prelu_backward(DeviceLauncher{fn, stream}, plan, x, dy, alpha, dx, dalpha, mode,
                          workspace);
}

#define CUACT_DETAIL_INSTANTIATE_PRELU(ctx, ENUM, value, T, name)                                 \
  template void launch_prelu_forward<T>(const char*, const ChannelwisePlan&, const T*,            \
                                        const compute_t<T>*, T*, cudaStream_t);                   \
  template void launch_prelu_backward<T>(const char*, const ChannelwisePlan&, const T*, const T*, \
                                         const compute_t<T>*, T*, compute_t<T>*, GradMode, void*, \
                                         cudaStream_t);

CUACT_DTYPES(CUACT_DETAIL_INSTANTIATE_PRELU, ~)

}  // namespace cuact::detail
