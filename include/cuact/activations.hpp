// Elementwise activations, forward and backward, on device memory.
//
// Every function here:
//   - works on `n` elements of type T (float, double, __half, __nv_bfloat16) at device
//     pointers (device, managed, or mapped host memory the current device can read);
//     no alignment is required: 16-byte-aligned pointers take a vector path;
//   - is enqueued on `stream` and returns without synchronizing; it allocates nothing, so it
//     may be captured in a CUDA graph;
//   - allows in place: y == x in the forward pass, dx == dy or dx == v in the backward pass.
//     Any other overlap between an input and an output is an error;
//   - is a no-op for n == 0, whatever the pointers (parameters are still checked);
//   - throws cuact::invalid_argument before launching anything when an argument is bad (null
//     pointer with n > 0, parameter out of range, partial overlap, a pointer the current
//     device cannot read), and cuact::cuda_error when a CUDA call or the launch fails. The
//     pointer check is one cudaPointerGetAttributes per pointer, made in relaxed capture
//     mode, so it also runs (and is safe) during CUDA graph capture.
//
// Backward passes take the saved tensor `v` and say what it is: Saved::input (v = x) or
// Saved::output (v = y = f(x)). Keeping the output lets training code free x or run the
// forward in place. From the output is allowed for relu, relu6 and selu always, for
// leaky_relu when negative_slope >= 0, for elu when alpha >= 0, and for celu when
// alpha > 0. The elu family's gradient from the output loses precision for very negative x;
// see cuact::Elu in ops.hpp.
//
// Results are computed in compute_t<T> (double for double, float otherwise) with the
// functors of ops.hpp, rounded once to T on store; they are deterministic.
//
// Example (y and x device buffers of n floats):
//   cuact::leaky_relu_forward(x, y, n, 0.01f, stream);
//   cuact::leaky_relu_backward(y, dy, dx, n, 0.01f, cuact::Saved::output, stream);
#pragma once

#include <cuact/export.h>
#include <cuact/types.hpp>

#include <cuda_runtime_api.h>

#include <cstdint>

namespace cuact {

/// What the saved tensor `v` of a backward pass holds.
enum class Saved {
  input,   ///< v = x, the forward input
  output,  ///< v = y, the forward output
};

/// y = relu(x) = x <= 0 ? 0 : x.
template <class T>
CUACT_API void relu_forward(const T* x, T* y, std::int64_t n, cudaStream_t stream);
/// dx = v <= 0 ? 0 : dy. Either saved tensor.
template <class T>
CUACT_API void relu_backward(const T* v, const T* dy, T* dx, std::int64_t n, Saved saved,
                             cudaStream_t stream);

/// y = x > 0 ? x : x*negative_slope. negative_slope must be finite (PyTorch's default 0.01).
template <class T>
CUACT_API void leaky_relu_forward(const T* x, T* y, std::int64_t n, compute_t<T> negative_slope,
                                  cudaStream_t stream);
/// dx = v > 0 ? dy : dy*negative_slope. Saved::output needs negative_slope >= 0.
template <class T>
CUACT_API void leaky_relu_backward(const T* v, const T* dy, T* dx, std::int64_t n,
                                   compute_t<T> negative_slope, Saved saved, cudaStream_t stream);

/// y = x > 0 ? x : alpha*expm1(x). alpha must be finite (default 1).
template <class T>
CUACT_API void elu_forward(const T* x, T* y, std::int64_t n, compute_t<T> alpha,
                           cudaStream_t stream);
/// dx = x <= 0 ? dy*alpha*exp(x) : dy, or from y: y <= 0 ? dy*(y + alpha) : dy.
/// Saved::output needs alpha >= 0.
template <class T>
CUACT_API void elu_backward(const T* v, const T* dy, T* dx, std::int64_t n, compute_t<T> alpha,
                            Saved saved, cudaStream_t stream);

/// y = scale * (x > 0 ? x : alpha*expm1(x)) with SELU's fixed alpha and scale.
template <class T>
CUACT_API void selu_forward(const T* x, T* y, std::int64_t n, cudaStream_t stream);
/// SELU's gradient. Either saved tensor.
template <class T>
CUACT_API void selu_backward(const T* v, const T* dy, T* dx, std::int64_t n, Saved saved,
                             cudaStream_t stream);

/// y = x > 0 ? x : alpha*expm1(x/alpha). alpha must be finite and non-zero, and 1/alpha
/// finite in compute_t<T> (default 1).
template <class T>
CUACT_API void celu_forward(const T* x, T* y, std::int64_t n, compute_t<T> alpha,
                            cudaStream_t stream);
/// CELU's gradient. Saved::output needs alpha > 0.
template <class T>
CUACT_API void celu_backward(const T* v, const T* dy, T* dx, std::int64_t n, compute_t<T> alpha,
                             Saved saved, cudaStream_t stream);

/// y = min(max(x, 0), 6), NaN stays NaN.
template <class T>
CUACT_API void relu6_forward(const T* x, T* y, std::int64_t n, cudaStream_t stream);
/// dx = (v <= 0 || v >= 6) ? 0 : dy. Either saved tensor.
template <class T>
CUACT_API void relu6_backward(const T* v, const T* dy, T* dx, std::int64_t n, Saved saved,
                              cudaStream_t stream);

}  // namespace cuact
