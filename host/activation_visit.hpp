// From a runtime activation (the C API's enum and a parameter) to its functor in compute
// type C: the CPU-side counterpart of the C API's dispatch, for references and benchmarks.
#pragma once

#include <cuact/cuact.h>
#include <cuact/ops.hpp>

#include <stdexcept>

namespace cuact::detail {

/// Calls fn with the functor of `op` (param: negative_slope or alpha, else unused).
template <class C, class Fn>
void visit_activation(cuact_activation op, double param, Fn&& fn) {
  const C p = static_cast<C>(param);
  switch (op) {
    case CUACT_RELU:
      return fn(Relu<C>{});
    case CUACT_LEAKY_RELU:
      return fn(LeakyRelu<C>{p});
    case CUACT_ELU:
      return fn(Elu<C>::elu(p));
    case CUACT_SELU:
      return fn(Elu<C>::selu());
    case CUACT_CELU:
      return fn(Elu<C>::celu(p));
    case CUACT_RELU6:
      return fn(Relu6<C>{});
  }
  throw std::invalid_argument("visit_activation: unknown activation");
}

}  // namespace cuact::detail
