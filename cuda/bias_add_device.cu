// The bias alone on the device (bias.hpp's bias_add and bias_grad): bias + activation's
// launcher (bias_device.cuh) with the identity (bias_identity.hpp), for every element type:
// a forward and a gradient pass, five kernels each (the channelwise tilings).
#include "cuda/bias_device.cuh"
#include "cuda/bias_identity.hpp"

#include <cuact/registry.h>

CUACT_DTYPES(CUACT_DETAIL_INSTANTIATE_BIAS, ::cuact::detail::BiasIdentity)
