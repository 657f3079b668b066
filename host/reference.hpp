// The CPU reference: plain loops over the same functors (ops.hpp) the kernels run, with the
// same conversions (widen to compute_t<T>, round once on store). Used by the tests and by
// the benchmark's result check.
#pragma once

#include <cuact/activations.hpp>
#include <cuact/ops.hpp>
#include <cuact/types.hpp>

#include <cstdint>

namespace cuact::reference {

/// y[i] = op.forward(x[i]).
template <class Op, class T>
void forward(const Op& op, const T* x, T* y, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    y[i] = from_compute<T>(op.forward(to_compute(x[i])));
  }
}

/// dx[i] = gradient at the saved value v[i] (input or output, as `saved` says) times dy[i].
template <class Op, class T>
void backward(const Op& op, Saved saved, const T* v, const T* dy, T* dx, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    const auto vi = to_compute(v[i]);
    const auto dyi = to_compute(dy[i]);
    dx[i] = from_compute<T>(saved == Saved::input ? op.grad_from_input(vi, dyi)
                                                  : op.grad_from_output(vi, dyi));
  }
}

}  // namespace cuact::reference
