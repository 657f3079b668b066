// PReLU on the device (launch.hpp's make_prelu_plan, launch_prelu_forward and
// launch_prelu_backward): the plan for the current device (plan_prelu, prelu_plan.hpp, with
// its SM count; each thread keeps its last plan), and the dispatch (prelu_dispatch.hpp, which
// picks the kernels) with the device launcher.
#include "cuda/device_launcher.cuh"
#include "cuda/prelu_dispatch.hpp"
#include "cuda/launch.hpp"
#include "cuda/prelu_plan.hpp"
#include "cuda/resident_grid.cuh"
#include "cuda/vector_io.cuh"
#include "cuda/detail/cuda_check.hpp"
#include "cuda/detail/per_device.hpp"

#include <cuact/registry.h>

#include <algorithm>
#include <cstdint>

namespace cuact::detail {

inline int sm_count(int device, const char* fn) {
  static PerDeviceValue sms;
  return sms.get(device, [&] {
    int count = 0;
    CUACT_CUDA_TRY(cudaDeviceGetAttribute(&count, cudaDevAttrMultiProcessorCount, device), fn);
    return count;
  });
}

inline bool same_shape(const PreluShape& a, const PreluShape& b) {
  return a.outer == b.outer && a.channels == b.channels && a.inner == b.inner;
}

template <class T>
PreluPlan make_prelu_plan(PreluShape shape, bool alpha_grad, const char* fn) {
  // Training code calls the same shape step after step: each thread keeps its last plan
  // (per element type), which keeps the planning off the host's hot path.
  struct LastPlan {
    int device = -1;
    PreluShape shape{};
    bool alpha_grad = false;
    PreluPlan plan;
  };
  thread_local LastPlan last;
  int device = 0;
  CUACT_CUDA_TRY(cudaGetDevice(&device), fn);
  if (last.device != device || !same_shape(last.shape, shape) || (alpha_grad && !last.alpha_grad)) {
    last = {device, shape, alpha_grad,
            plan_prelu(shape, alpha_grad, sm_count(device, fn), kVecElems<T>,
                       sizeof(compute_t<T>), fn)};
  }
  return last.plan;
}

template <class T>
void launch_prelu_forward(const char* fn, const PreluPlan& plan, const T* x,
                          const compute_t<T>* alpha, T* y, cudaStream_t stream) {
  dispatch_prelu_forward(DeviceLauncher{fn, stream}, plan, x, alpha, y);
}

template <class T>
void launch_prelu_backward(const char* fn, const PreluPlan& plan, const T* x, const T* dy,
                           const compute_t<T>* alpha, T* dx, compute_t<T>* dalpha, GradMode mode,
                           void* workspace, cudaStream_t stream) {
  dispatch_prelu_backward(DeviceLauncher{fn, stream}, plan, x, dy, alpha, dx, dalpha, mode,
                          workspace);
}

#define CUACT_DETAIL_INSTANTIATE_PRELU(ctx, ENUM, value, T, name)                                 \
  template PreluPlan make_prelu_plan<T>(PreluShape, bool, const char*);                           \
  template void launch_prelu_forward<T>(const char*, const PreluPlan&, const T*,                  \
                                        const compute_t<T>*, T*, cudaStream_t);                   \
  template void launch_prelu_backward<T>(const char*, const PreluPlan&, const T*, const T*,       \
                                         const compute_t<T>*, T*, compute_t<T>*, GradMode, void*, \
                                         cudaStream_t);

CUACT_DTYPES(CUACT_DETAIL_INSTANTIATE_PRELU, ~)

}  // namespace cuact::detail
