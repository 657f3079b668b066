// DyT (Dynamic Tanh, "Transformers without Normalization", 2025), the normalization layer's
// replacement: y = gamma[c] tanh(alpha x) + beta[c], with alpha one learned scalar for the
// whole tensor and gamma, beta per channel (the last dimension of [rows, C]:
// ChannelShape::matrix(rows, C); any [outer, channels, inner] shape works). The math, its
// edge cases and accuracy: learned_ops.hpp and docs/semantics.md.
//
// Parameters. alpha (one value), gamma and beta (`channels` values) are device arrays of
// compute_t<T> (float for the 16-bit types), read when the kernel runs (training updates
// them in place).
//
// Backward. One pass over x and dy writes dx = dy gamma alpha (1 - tanh^2) and the partial
// sums of dgamma (dy tanh), dbeta (dy) and dalpha's per-channel share (dy gamma x (1 - tanh^2)),
// finished per channel in a fixed order (as PReLU's dalpha), then dalpha = the sum of the
// channels' shares in a fixed order by one more block: every gradient bitwise identical on
// every GPU model and grid for the same inputs, shape and pointer alignment (Liger's DyT sums
// per-SM partials, which change with the GPU; dyt-cuda uses float atomics). dx may be null;
// the three gradients are computed together (all null, or none), overwritten or accumulated.
//
// Workspace. A backward with gradients always needs one (dalpha's per-channel shares live
// there): dyt_backward_workspace_size() bytes (a function of the shape and T; no device
// needed), or the overload without a workspace allocates it stream-ordered.
//
// Calls are enqueued on `stream` and never synchronize, and the overloads with a workspace
// can be captured in a CUDA graph. In place: y == x, dx == dy or dx == x. No alignment is
// required. Bad arguments throw cuact::invalid_argument before anything is launched; CUDA
// failures throw cuact::cuda_error.
//
// Example (a transformer block's [tokens, hidden], gradients accumulated):
//   const auto shape = cuact::ChannelShape::matrix(tokens, hidden);
//   cuact::dyt_forward(x, alpha, gamma, beta, y, shape, stream);
//   cuact::dyt_backward(x, dy, alpha, gamma, dx, dalpha, dgamma, dbeta, shape,
//                       cuact::GradMode::accumulate, workspace, bytes, stream);
#pragma once

#include <cuact/channel_shape.hpp>
#include <cuact/export.h>
#include <cuact/types.hpp>

#include <cuda_runtime_api.h>

#include <cstddef>

namespace cuact {

/// y = gamma[c] tanh(alpha x) + beta[c]. y == x allowed.
template <class T>
CUACT_API void dyt_forward(const T* x, const compute_t<T>* alpha, const compute_t<T>* gamma,
                           const compute_t<T>* beta, nondeduced_t<T>* y, ChannelShape shape,
                           cudaStream_t stream);

/// Bytes of workspace dyt_backward needs for `shape` and T when it computes the gradients
/// (0 for an empty shape). Needs no device.
template <class T>
CUACT_API std::size_t dyt_backward_workspace_size(ChannelShape shape);

/// dx (skipped when null) and dalpha, dgamma, dbeta (all three, or none: null) = or += their
/// sums, from one pass over x and dy (beta is not needed). `workspace` (any alignment) holds
/// dyt_backward_workspace_size bytes when the gradients are computed.
template <class T>
CUACT_API void dyt_backward(const T* x, const T* dy, const compute_t<T>* alpha,
                            const compute_t<T>* gamma, nondeduced_t<T>* dx, compute_t<T>* dalpha,
                            compute_t<T>* dgamma, compute_t<T>* dbeta, ChannelShape shape,
                            GradMode mode, void* workspace, std::size_t workspace_bytes,
                            cudaStream_t stream);

/// As above, allocating the workspace with cudaMallocAsync on `stream` and freeing it with
/// cudaFreeAsync after the work.
template <class T>
CUACT_API void dyt_backward(const T* x, const T* dy, const compute_t<T>* alpha,
                            const compute_t<T>* gamma, nondeduced_t<T>* dx, compute_t<T>* dalpha,
                            compute_t<T>* dgamma, compute_t<T>* dbeta, ChannelShape shape,
                            GradMode mode, cudaStream_t stream);

}  // namespace cuact
