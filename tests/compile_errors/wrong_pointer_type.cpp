// x and y must be tensors of the same element type.
// expect: relu_forward
#include <cuact/activations.hpp>
void call(const float* x, double* y, std::int64_t n, cudaStream_t stream) {
  cuact::relu_forward(x, y, n, stream);
}
