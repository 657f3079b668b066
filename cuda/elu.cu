// Elementwise kernels of cuact::Elu: forward, gradient from input and from output, for every
// element type. elu, selu and celu all run these (selu and celu are Elu with fixed or
// derived scale and input_scale).
#include "cuda/elementwise.cuh"

CUACT_INSTANTIATE_ELEMENTWISE(cuact::Elu)
