// The one copy of the channelwise gradients' finish (launch.hpp's launch_channel_grads):
// every channelwise client (PReLU, each activation's bias passes) calls these kernels
// instead of instantiating its own.
#include "cuda/channelwise_dispatch.hpp"
#include "cuda/device_launcher.cuh"
#include "cuda/launch.hpp"

namespace cuact::detail {

template <class C, int kTerms>
void launch_channel_grads(const char* fn, const PartialsLayout& layout, const C* partials,
                          const GradPointers<C, kTerms>& grads, cudaStream_t stream) {
  launch_channel_grads_kernel(DeviceLauncher{fn, stream}, layout, partials, grads);
}

template void launch_channel_grads<float, 1>(const char*, const PartialsLayout&, const float*,
                                             const GradPointers<float, 1>&, cudaStream_t);
template void launch_channel_grads<double, 1>(const char*, const PartialsLayout&, const double*,
                                              const GradPointers<double, 1>&, cudaStream_t);
template void launch_channel_grads<float, 2>(const char*, const PartialsLayout&, const float*,
                                             const GradPointers<float, 2>&, cudaStream_t);
template void launch_channel_grads<double, 2>(const char*, const PartialsLayout&, const double*,
                                              const GradPointers<double, 2>&, cudaStream_t);
template void launch_channel_grads<float, 3>(const char*, const PartialsLayout&, const float*,
                                             const GradPointers<float, 3>&, cudaStream_t);
template void launch_channel_grads<double, 3>(const char*, const PartialsLayout&, const double*,
                                              const GradPointers<double, 3>&, cudaStream_t);

}  // namespace cuact::detail
