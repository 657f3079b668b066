// The identity as an op of bias + activation's kernels, for the bias alone (bias.hpp's
// bias_add and bias_grad, cuda/bias_add_device.cu): forward y = x (+ b), and dx = dy as the
// gradient "from the output", the pass that needs no saved tensor, so that bias_grad reads dy
// alone (given as both v and dy). It has no gradient from the input, so no kernel is compiled
// for that pass.
#pragma once

#include <cuact/types.hpp>

namespace cuact::detail {

template <class C>
struct BiasIdentity {
  static constexpr const char* name = "bias";

  CUACT_HOST_DEVICE C forward(C x) const { return x; }
  CUACT_HOST_DEVICE C grad_from_output(C /*y*/, C dy) const { return dy; }
  CUACT_HOST_DEVICE bool allows_grad_from_output() const { return true; }
};

}  // namespace cuact::detail
