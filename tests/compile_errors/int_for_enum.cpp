// gelu's approximate is a GeluApproximate, not an int.
// expect: gelu_forward GeluApproximate
#include <cuact/activations.hpp>
void call(const float* x, float* y, std::int64_t n, cudaStream_t stream) {
  cuact::gelu_forward(x, y, n, 1, stream);
}
