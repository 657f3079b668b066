#include "bench/cudnn_baseline.hpp"

#include "bench/timing.hpp"

#if CUACT_BENCH_HAVE_CUDNN
// The legacy activation API is deprecated in cuDNN 9 but still the direct equivalent.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <cudnn.h>

#include "host/op_registry.hpp"

#include <type_traits>
#endif

namespace cuact::bench {

#if CUACT_BENCH_HAVE_CUDNN

namespace {

bool to_cudnn(cuact_dtype d, cudnnDataType_t* out) {
  return detail::visit_dtype(d, [&](auto tag) {
    using T = decltype(tag);
    *out = std::is_same_v<T, double>   ? CUDNN_DATA_DOUBLE
           : std::is_same_v<T, __half> ? CUDNN_DATA_HALF
           : std::is_same_v<T, float>  ? CUDNN_DATA_FLOAT
                                       : CUDNN_DATA_BFLOAT16;
  });
}

/// One handle for the process, created on first use on the current device.
cudnnHandle_t handle() {
  static cudnnHandle_t h = [] {
    cudnnHandle_t created = nullptr;
    return cudnnCreate(&created) == CUDNN_STATUS_SUCCESS ? created : nullptr;
  }();
  return h;
}

}  // namespace

bool cudnn_available() { return handle() != nullptr; }

double cudnn_time_us(const BenchCase& c, std::int64_t n, const std::vector<Tensors>& sets, int reps,
                     cudaStream_t stream) {
  if (c.family != Family::activation || c.is_mask() || handle() == nullptr ||
      c.direction == Direction::backward_channelwise) {
    return -1;
  }
  cudnnActivationMode_t mode;
  double coef = 0;
  switch (c.activation) {
    case CUACT_RELU:
      mode = CUDNN_ACTIVATION_RELU;
      break;
    case CUACT_ELU:
      mode = CUDNN_ACTIVATION_ELU;
      coef = cuact_activation_param_default(CUACT_ELU, 0);  // alpha, as cuact runs it
      // cuDNN's ELU backward reads x; from the output it is not the same operation.
      if (c.direction == Direction::backward_output) return -1;
      break;
    case CUACT_RELU6:
      mode = CUDNN_ACTIVATION_CLIPPED_RELU;
      coef = 6.0;
      break;
    default:
      return -1;
  }
  cudnnDataType_t type;
  if (!to_cudnn(c.dtype, &type) || n > (std::int64_t(1) << 31) - 1) {
    return -1;
  }
  const int w = n % 1024 == 0 ? 1024 : static_cast<int>(n);
  const int h = static_cast<int>(n / w);
  cudnnTensorDescriptor_t desc = nullptr;
  cudnnActivationDescriptor_t act = nullptr;
  double result = -1;
  if (cudnnCreateTensorDescriptor(&desc) == CUDNN_STATUS_SUCCESS &&
      cudnnSetTensor4dDescriptor(desc, CUDNN_TENSOR_NCHW, type, 1, 1, h, w) ==
          CUDNN_STATUS_SUCCESS &&
      cudnnCreateActivationDescriptor(&act) == CUDNN_STATUS_SUCCESS &&
      cudnnSetActivationDescriptor(act, mode, CUDNN_PROPAGATE_NAN, coef) == CUDNN_STATUS_SUCCESS &&
      cudnnSetStream(handle(), stream) == CUDNN_STATUS_SUCCESS) {
    // Scaling factors are double for double data, float otherwise.
    const double one_d = 1.0;
    const double zero_d = 0.0;
    const float one_f = 1.0f;
    const float zero_f = 0.0f;
    const void* one = c.dtype == CUACT_DTYPE_F64 ? static_cast<const void*>(&one_d) : &one_f;
    const void* zero = c.dtype == CUACT_DTYPE_F64 ? static_cast<const void*>(&zero_d) : &zero_f;
    cudnnStatus_t status = CUDNN_STATUS_SUCCESS;
    const auto launch = [&](int i) {
      const Tensors& t = sets[static_cast<std::size_t>(i) % sets.size()];
      if (c.direction == Direction::forward) {
        status = cudnnActivationForward(handle(), act, one, desc, t.in0, zero, desc, t.out);
      } else {
        status = cudnnActivationBackward(handle(), act, one, desc, t.in0, desc, t.in1, desc, t.in0,
                                         zero, desc, t.out);
      }
    };
    launch(0);
    if (status == CUDNN_STATUS_SUCCESS) {
      result = time_launches(launch, launches_per_rep(launch, stream), reps, stream).median;
      if (status != CUDNN_STATUS_SUCCESS) {
        result = -1;
      }
    }
  }
  if (act != nullptr) cudnnDestroyActivationDescriptor(act);
  if (desc != nullptr) cudnnDestroyTensorDescriptor(desc);
  return result;
}

#else

bool cudnn_available() { return false; }

double cudnn_time_us(const BenchCase&, std::int64_t, const std::vector<Tensors>&, int,
                     cudaStream_t) {
  return -1;
}

#endif

}  // namespace cuact::bench
