// leaky_relu_forward takes its negative_slope between the count and the stream.
// expect: leaky_relu_forward negative_slope
#include <cuact/activations.hpp>
void call(const float* x, float* y, std::int64_t n, cudaStream_t stream) {
  cuact::leaky_relu_forward(x, y, n, stream);
}
