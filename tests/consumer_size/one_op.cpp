// A program that calls one activation in one element type, as llm.c calls GELU: linked with a
// static libcuact, it must grow by that activation's kernels and the shared host code only
// (the consumer_size test compares it with baseline.cpp).
#include <cuact/activations.hpp>

#include <cuda_runtime_api.h>

int main(int argc, char**) {
  int devices = 0;
  (void)cudaGetDeviceCount(&devices);
  if (argc > 1) {  // never run by the test: the call only has to be linked
    cuact::gelu_backward<__nv_bfloat16>(nullptr, nullptr, nullptr, 0,
                                        cuact::GeluApproximate::tanh, cuact::Saved::input,
                                        nullptr);
    cuact::gelu_forward<__nv_bfloat16>(nullptr, nullptr, 0, cuact::GeluApproximate::tanh,
                                       nullptr);
  }
  return devices < 0;
}
