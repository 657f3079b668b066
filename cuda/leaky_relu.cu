// Elementwise kernels of cuact::LeakyRelu: forward, gradient from input and from output, for every
// element type.
#include "cuda/elementwise.cuh"

CUACT_INSTANTIATE_ELEMENTWISE(cuact::LeakyRelu)
