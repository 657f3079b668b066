// A runtime description of one elementwise activation with its parameter, and dispatch from
// it to the functor (for the CPU reference) and to the public entry points (for the GPU).
#pragma once

#include "host/activation_dispatch.hpp"
#include "host/activation_visit.hpp"

#include <cuact/cuact.h>
#include <cuact/activations.hpp>
#include <cuact/ops.hpp>
#include <cuact/types.hpp>

#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace cuact::test {

/// The same values as the C API's cuact_activation.
enum class OpKind {
  relu = CUACT_RELU,
  leaky_relu = CUACT_LEAKY_RELU,
  elu = CUACT_ELU,
  selu = CUACT_SELU,
  celu = CUACT_CELU,
  relu6 = CUACT_RELU6
};

struct OpCase {
  OpKind kind;
  double param;       // negative_slope or alpha; unused by relu, selu, relu6
  const char* label;  // "LeakyRelu_s0p01": a readable test-name fragment
  bool uses_exp;      // the elu family: compared within a few ulp, not bitwise
};

/// Prints the label in gtest's output.
inline void PrintTo(const OpCase& op, std::ostream* os) { *os << op.label; }

/// Calls fn with the functor of `op` in compute type C.
template <class C, class Fn>
void visit_functor(const OpCase& op, Fn&& fn) {
  detail::visit_activation<C>(static_cast<cuact_activation>(op.kind), op.param,
                              std::forward<Fn>(fn));
}

/// Whether the spec allows the backward pass from the output for `op`.
inline bool allows_grad_from_output(const OpCase& op) {
  bool allowed = false;
  visit_functor<double>(op, [&](const auto& f) { allowed = f.allows_grad_from_output(); });
  return allowed;
}

/// The public forward entry point of `op`.
template <class T>
void call_forward(const OpCase& op, const T* x, T* y, std::int64_t n, cudaStream_t stream) {
  detail::activation_forward("call_forward", static_cast<cuact_activation>(op.kind), op.param, x, y,
                             n, stream);
}

/// The public backward entry point of `op`.
template <class T>
void call_backward(const OpCase& op, Saved saved, const T* v, const T* dy, T* dx, std::int64_t n,
                   cudaStream_t stream) {
  detail::activation_backward("call_backward", static_cast<cuact_activation>(op.kind), op.param,
                              saved, v, dy, dx, n, stream);
}

/// Every op the tests cover, with parameters on both sides of the from-output rules.
inline std::vector<OpCase> all_op_cases() {
  return {
      {OpKind::relu, 0.0, "Relu", false},
      {OpKind::leaky_relu, 0.01, "LeakyRelu_s0p01", false},
      {OpKind::leaky_relu, -0.2, "LeakyRelu_sm0p2", false},
      {OpKind::elu, 1.0, "Elu_a1", true},
      {OpKind::elu, -0.5, "Elu_am0p5", true},
      {OpKind::selu, 0.0, "Selu", true},
      {OpKind::celu, 0.7, "Celu_a0p7", true},
      {OpKind::celu, -1.3, "Celu_am1p3", true},
      {OpKind::relu6, 0.0, "Relu6", false},
  };
}

}  // namespace cuact::test
