// Snake and SnakeBeta, BigVGAN's periodic activations with learned parameters per channel:
//   snake:     y = x + sin^2(alpha[c] x) / alpha[c]
//   snakebeta: y = x + sin^2(alpha[c] x) / beta[c]
// (the math, its accuracy and its edge cases: learned_ops.hpp and docs/semantics.md).
//
// Shape. As PReLU's (channel_shape.hpp): [outer, channels, inner], row-major. BigVGAN's
// [B, C, T] is ChannelShape{B, C, T}; channels last ([rows, C]) is ChannelShape::matrix.
//
// Parameters. alpha (and beta) hold `channels` values of compute_t<T> (float for the 16-bit
// types), either the parameters themselves (ParamScale::linear) or their natural logarithms
// (ParamScale::log, BigVGAN's alpha_logscale: alpha = e^a, beta = e^b); the gradients are
// those of the values passed (with a log scale, dL/da = alpha dL/dalpha). The values are on
// the device, so they are not checked: alpha = 0 is snake's limit y = x (finite, no division
// by zero; an alpha whose reciprocal overflows, a subnormal one, acts as 0); beta = 0 divides
// by zero (inf or NaN, where BigVGAN adds 1e-9 to beta); an infinite or NaN parameter gives
// NaN.
//
// Backward. One pass over x and dy writes dx = dy dy/dx and the parameter gradients (summed
// per channel from per-block partials in a fixed order, as PReLU's dalpha: bitwise identical
// on every GPU model and grid for the same inputs, shape and pointer alignment), overwritten
// or accumulated (GradMode). dx may be null (frozen input), and the gradients may be null
// (frozen parameters; for snakebeta dalpha and dbeta both or neither), not all of them.
//
// Workspace. CUB style, as PReLU's: *_backward_workspace_size() gives the bytes a call with
// parameter gradients needs (a function of the shape and T alone; no device needed), or the
// overload without a workspace allocates it stream-ordered. Small tensors, whose channels
// one block sums whole, need none.
//
// Calls are enqueued on `stream` and never synchronize, and can be captured in a CUDA graph
// (the overloads with a workspace). In place: y == x, dx == dy or dx == x. No alignment is
// required (tensors at the same offset from a 16-byte boundary take the 16-byte path). Bad
// arguments throw cuact::invalid_argument before anything is launched; CUDA failures throw
// cuact::cuda_error.
//
// Example (BigVGAN's SnakeBeta with log-scale parameters on [B, C, T], gradients accumulated):
//   const cuact::ChannelShape shape{B, C, T};
//   cuact::snakebeta_forward(x, a, b, y, shape, cuact::ParamScale::log, stream);
//   cuact::snakebeta_backward(x, dy, a, b, dx, da, db, shape, cuact::ParamScale::log,
//                             cuact::GradMode::accumulate, stream);
#pragma once

#include <cuact/channel_shape.hpp>
#include <cuact/export.h>
#include <cuact/types.hpp>

#include <cuda_runtime_api.h>

#include <cstddef>

namespace cuact {

/// How a learned parameter is given: as itself, or as its natural logarithm.
enum class ParamScale {
  linear,  ///< alpha = a
  log,     ///< alpha = e^a (BigVGAN's alpha_logscale=True)
};

/// y = x + sin^2(alpha[c] x)/alpha[c]. y == x allowed.
template <class T>
CUACT_API void snake_forward(const T* x, const compute_t<T>* alpha, nondeduced_t<T>* y,
                             ChannelShape shape, ParamScale scale, cudaStream_t stream);

/// Bytes of workspace snake_backward needs for `shape` and T when dalpha is not null (0 for
/// an empty shape or one whose channels a block sums whole). Needs no device.
template <class T>
CUACT_API std::size_t snake_backward_workspace_size(ChannelShape shape);

/// dx = dy (1 + sin(2 alpha[c] x)) (skipped when null) and dalpha[c] = or += the sum over
/// channel c of dy d y/d alpha (skipped when null; with a log scale, of the logarithm), from
/// one pass over x and dy. `workspace` (any alignment) holds snake_backward_workspace_size
/// bytes when dalpha is not null; it may be null otherwise.
template <class T>
CUACT_API void snake_backward(const T* x, const T* dy, const compute_t<T>* alpha,
                              nondeduced_t<T>* dx, compute_t<T>* dalpha, ChannelShape shape,
                              ParamScale scale, GradMode mode, void* workspace,
                              std::size_t workspace_bytes, cudaStream_t stream);

/// As above, allocating the workspace with cudaMallocAsync on `stream` and freeing it with
/// cudaFreeAsync after the work.
template <class T>
CUACT_API void snake_backward(const T* x, const T* dy, const compute_t<T>* alpha,
                              nondeduced_t<T>* dx, compute_t<T>* dalpha, ChannelShape shape,
                              ParamScale scale, GradMode mode, cudaStream_t stream);

/// y = x + sin^2(alpha[c] x)/beta[c]. y == x allowed.
template <class T>
CUACT_API void snakebeta_forward(const T* x, const compute_t<T>* alpha, const compute_t<T>* beta,
                                 nondeduced_t<T>* y, ChannelShape shape, ParamScale scale,
                                 cudaStream_t stream);

/// Bytes of workspace snakebeta_backward needs for `shape` and T when dalpha and dbeta are
/// not null. Needs no device.
template <class T>
CUACT_API std::size_t snakebeta_backward_workspace_size(ChannelShape shape);

/// dx = dy (1 + (alpha[c]/beta[c]) sin(2 alpha[c] x)) (skipped when null), dalpha[c] and
/// dbeta[c] = or += their sums over channel c (both null: skipped), from one pass over x and
/// dy. The workspace as for snake_backward.
template <class T>
CUACT_API void snakebeta_backward(const T* x, const T* dy, const compute_t<T>* alpha,
                                  const compute_t<T>* beta, nondeduced_t<T>* dx,
                                  compute_t<T>* dalpha, compute_t<T>* dbeta, ChannelShape shape,
                                  ParamScale scale, GradMode mode, void* workspace,
                                  std::size_t workspace_bytes, cudaStream_t stream);

/// As above, allocating the workspace stream-ordered.
template <class T>
CUACT_API void snakebeta_backward(const T* x, const T* dy, const compute_t<T>* alpha,
                                  const compute_t<T>* beta, nondeduced_t<T>* dx,
                                  compute_t<T>* dalpha, compute_t<T>* dbeta, ChannelShape shape,
                                  ParamScale scale, GradMode mode, cudaStream_t stream);

}  // namespace cuact
