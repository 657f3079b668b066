// A user kernel built on cuact's functors (ops.hpp works in the consumer's own .cu files).
#include <cuact/ops.hpp>

#include <cuda_runtime.h>

__global__ void elu_then_double(const float* x, float* y, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    y[i] = 2.0f * cuact::Elu<float>::elu(1.0f).forward(x[i]);
  }
}

cudaError_t launch_elu_then_double(const float* x, float* y, int n, cudaStream_t stream) {
  elu_then_double<<<(n + 255) / 256, 256, 0, stream>>>(x, y, n);
  return cudaGetLastError();
}
