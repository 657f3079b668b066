// Snake on the device (launch.hpp's launch_snake): its dispatch on the channelwise engine
// (snake_dispatch.hpp) with the device launcher. The plan is the host's.
#include "cuda/device_launcher.cuh"
#include "cuda/launch.hpp"
#include "cuda/snake_dispatch.hpp"

#include <cuact/registry.h>

namespace cuact::detail {

template <class T>
void launch_snake(const char* fn, const ChannelwisePlan& plan, const compute_t<T>* alpha,
                  bool log_scale, const T* x, const T* dy, T* out, compute_t<T>* dalpha,
                  GradMode mode, void* workspace, cudaStream_t stream) {
  dispatch_snake(DeviceLauncher{fn, stream}, plan, SnakeChannel<T>{alpha, log_scale}, x, dy, out,
                 GradPointers<compute_t<T>, 1>{{dalpha}}, mode, workspace);
}

#define CUACT_DETAIL_INSTANTIATE_SNAKE(ctx, ENUM, value, T, name)                           \
  template void launch_snake<T>(const char*, const ChannelwisePlan&, const compute_t<T>*,   \
                                bool, const T*, const T*, T*, compute_t<T>*, GradMode, void*, \
                                cudaStream_t);

CUACT_DTYPES(CUACT_DETAIL_INSTANTIATE_SNAKE, ~)

}  // namespace cuact::detail
