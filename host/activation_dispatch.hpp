// From a runtime activation (the C API's enum and a parameter) to the typed public entry
// point: one switch for the C API, the layers and the tests. Header-only and calling only
// exported functions, so that tests can use it against a shared libcuact.
#pragma once

#include <cuact/cuact.h>
#include <cuact/activations.hpp>
#include <cuact/error.hpp>

#include <cstdint>
#include <string>

namespace cuact::detail {

/// y = f(x) for the activation `op` (param: negative_slope or alpha, else unused). An
/// unknown `op` throws cuact::invalid_argument naming `fn`.
template <class T>
void activation_forward(const char* fn, cuact_activation op, double param, const T* x, T* y,
                        std::int64_t n, cudaStream_t stream) {
  const auto p = static_cast<compute_t<T>>(param);
  switch (op) {
    case CUACT_RELU:
      return relu_forward(x, y, n, stream);
    case CUACT_LEAKY_RELU:
      return leaky_relu_forward(x, y, n, p, stream);
    case CUACT_ELU:
      return elu_forward(x, y, n, p, stream);
    case CUACT_SELU:
      return selu_forward(x, y, n, stream);
    case CUACT_CELU:
      return celu_forward(x, y, n, p, stream);
    case CUACT_RELU6:
      return relu6_forward(x, y, n, stream);
  }
  throw invalid_argument(std::string(fn) + ": 'op' = " + std::to_string(op) +
                         " is not a valid value");
}

/// dx = dy * f'(.) from the saved tensor v, for the activation `op`.
template <class T>
void activation_backward(const char* fn, cuact_activation op, double param, Saved saved, const T* v,
                         const T* dy, T* dx, std::int64_t n, cudaStream_t stream) {
  const auto p = static_cast<compute_t<T>>(param);
  switch (op) {
    case CUACT_RELU:
      return relu_backward(v, dy, dx, n, saved, stream);
    case CUACT_LEAKY_RELU:
      return leaky_relu_backward(v, dy, dx, n, p, saved, stream);
    case CUACT_ELU:
      return elu_backward(v, dy, dx, n, p, saved, stream);
    case CUACT_SELU:
      return selu_backward(v, dy, dx, n, saved, stream);
    case CUACT_CELU:
      return celu_backward(v, dy, dx, n, p, saved, stream);
    case CUACT_RELU6:
      return relu6_backward(v, dy, dx, n, saved, stream);
  }
  throw invalid_argument(std::string(fn) + ": 'op' = " + std::to_string(op) +
                         " is not a valid value");
}

}  // namespace cuact::detail
