// A user kernel built on cuact's functors (ops.hpp works in the consumer's own .cu files).
#include <cuact/ops.hpp>

#include <cuda_runtime.h>

__global__ void leaky_relu_then_double(const float* x, float* y, int n, float slope) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    y[i] = 2.0f * cuact::LeakyRelu<float>{slope}.forward(x[i]);
  }
}

cudaError_t launch_leaky_relu_then_double(const float* x, float* y, int n, float slope,
                                          cudaStream_t stream) {
  leaky_relu_then_double<<<(n + 255) / 256, 256, 0, stream>>>(x, y, n, slope);
  return cudaGetLastError();
}
