// Uses every public header; checks what needs no GPU, and with a GPU also runs a cuact call
// and a kernel of its own built on cuact's functors.
#include <cuact/cuact.h>
#include <cuact/activations.hpp>
#include <cuact/device_buffer.hpp>
#include <cuact/error.hpp>
#include <cuact/layers.hpp>
#include <cuact/mask.hpp>
#include <cuact/ops.hpp>
#include <cuact/prelu.hpp>
#include <cuact/rrelu.hpp>
#include <cuact/types.hpp>

#include <cuda_runtime.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

extern "C" int c_api_check(void);
#if !CUACT_CONSUMER_CXX_ONLY
cudaError_t launch_leaky_relu_then_double(const float* x, float* y, int n, float slope,
                                          cudaStream_t stream);
#endif

namespace {
int failures = 0;
void expect(bool ok, const char* what) {
  if (!ok) {
    std::printf("consumer: FAILED: %s\n", what);
    ++failures;
  }
}
}  // namespace

int main() {
  // Host-only: functors, argument errors as exceptions, the C API from C.
  expect(cuact::Relu<float>{}.forward(-2.0f) == 0.0f, "Relu functor");
  expect(std::fabs(cuact::Elu<double>::elu(1.0).forward(-1.0) + 0.6321205588285577) < 1e-15,
         "Elu functor");
  try {
    cuact::relu_forward<float>(nullptr, nullptr, 3, nullptr);
    expect(false, "relu_forward accepted a null pointer");
  } catch (const cuact::invalid_argument& e) {
    expect(std::string(e.what()) == "relu_forward: 'x' is null but n = 3", "error message");
  }
  try {  // a 16-bit instantiation with a parameter: exported from a shared libcuact too
    cuact::leaky_relu_backward<__nv_bfloat16>(nullptr, nullptr, nullptr, 2, 0.5f,
                                              cuact::Saved::input, nullptr);
    expect(false, "leaky_relu_backward accepted a null pointer");
  } catch (const cuact::invalid_argument&) {
  }
  try {  // the generic entry point, whose signature has compute_t<T> (mangling)
    const float* none = nullptr;
    cuact::backward(cuact::LeakyRelu<float>{0.5f}, none, none, static_cast<float*>(nullptr), 4,
                    cuact::Saved::input, nullptr);
    expect(false, "backward accepted a null pointer");
  } catch (const cuact::invalid_argument& e) {
    expect(std::string(e.what()) == "leaky_relu_backward: 'v' is null but n = 4",
           "generic message");
  }
  try {  // compute_t<T> in a PReLU signature
    cuact::prelu_forward<__half>(nullptr, nullptr, nullptr, cuact::PreluShape::nchw(1, 2, 1, 1),
                                 nullptr);
    expect(false, "prelu_forward accepted a null pointer");
  } catch (const cuact::invalid_argument&) {
  }
  try {  // the mask passes (mask.hpp), exported for 16-bit types too
    cuact::relu_forward_mask<__half>(nullptr, nullptr, nullptr, 7, nullptr);
    expect(false, "relu_forward_mask accepted a null pointer");
  } catch (const cuact::invalid_argument& e) {
    expect(std::string(e.what()) == "relu_forward_mask: 'x' is null but n = 7", "mask message");
  }
  try {  // RReLU (rrelu.hpp)
    cuact::rrelu_forward<double>(nullptr, nullptr, 5, 0.1, 0.2, true, cuact::RReluKey{1, 2},
                                 nullptr);
    expect(false, "rrelu_forward accepted a null pointer");
  } catch (const cuact::invalid_argument& e) {
    expect(std::string(e.what()) == "rrelu_forward: 'x' is null but n = 5", "rrelu message");
  }
  expect(cuact::Activation::leaky_relu().param() == 0.01, "Activation factory");
  expect(cuact::PreluShape::nchw(2, 3, 4, 5).inner == 20, "PreluShape");
  expect(cuact_version() == CUACT_VERSION, "cuact_version() matches the header");
  expect(c_api_check() == 1, "C API from C");
#ifdef CUACT_CONSUMER_SUBSET_SIZE
  // A subset build (CUACT_ACTIVATIONS=relu: relu, and leaky_relu for RReLU): the C API lists
  // only what was built, and a call for another activation says it is not there, before it
  // looks at anything else.
  expect(cuact_activation_count() == CUACT_CONSUMER_SUBSET_SIZE, "subset: activation count");
  expect(cuact_activation_name(CUACT_GELU) == nullptr, "subset: gelu has no name");
  expect(cuact_activation_name(CUACT_ELU) == nullptr, "subset: elu has no name");
  expect(cuact_activation_name(CUACT_RELU) != nullptr, "subset: relu has its name");
  try {
    cuact::gelu_forward<float>(nullptr, nullptr, 3, cuact::GeluApproximate::none, nullptr);
    expect(false, "subset: gelu_forward ran");
  } catch (const cuact::invalid_argument& e) {
    expect(std::string(e.what()).rfind("gelu_forward: gelu is not in this build of cuact", 0) ==
               0,
           "subset: gelu_forward's message");
  }
  float v = 0.0f;
  expect(cuact_activation_forward(CUACT_GELU, 0.0, CUACT_DTYPE_F32, &v, &v, 1, nullptr) ==
                 CUACT_STATUS_INVALID_ARGUMENT &&
             std::string(cuact_last_error()).find("gelu is not in this build") !=
                 std::string::npos,
         "subset: the C API refuses gelu");
#endif

  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    std::printf("consumer: host checks %s; GPU part skipped (no device)\n",
                failures == 0 ? "passed" : "FAILED");
    return failures == 0 ? 0 : 1;
  }
#if CUACT_CONSUMER_CXX_ONLY
  std::printf("consumer (C++ only): host checks %s; GPU part skipped (no own kernel)\n",
              failures == 0 ? "passed" : "FAILED");
  return failures == 0 ? 0 : 1;
#else
  const int n = 1000;
  std::vector<float> host(n);
  for (int i = 0; i < n; ++i) {
    host[i] = static_cast<float>(i % 17) - 8.0f;
  }
  cudaStream_t stream = nullptr;
  cudaStreamCreate(&stream);
  {
    cuact::DeviceBuffer<float> x(n, stream), y(n, stream), z(n, stream);
    x.copy_from_host(host);
    cuact::leaky_relu_forward(x.data(), y.data(), n, 0.1f, stream);
    expect(launch_leaky_relu_then_double(x.data(), z.data(), n, 0.1f, stream) == cudaSuccess,
           "own kernel");
    std::vector<float> got_y;
    std::vector<float> got_z;
    y.copy_to_host(got_y);
    z.copy_to_host(got_z);
    cudaStreamSynchronize(stream);
    for (int i = 0; i < n; ++i) {
      expect(got_z[i] == 2.0f * got_y[i], "own kernel matches cuact");
    }
  }
  cudaStreamDestroy(stream);
  std::printf("consumer: host and GPU checks %s\n", failures == 0 ? "passed" : "FAILED");
  return failures == 0 ? 0 : 1;
#endif
}
