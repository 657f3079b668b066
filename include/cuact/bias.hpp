// Bias + activation in one pass: y = act(x + b) forward, and dx = dy * act'(x + b) with
// dbias = the sum of dx over each channel in the same pass backward, for every unary
// activation of the registry. What training code runs after a GEMM, without the separate
// bias-add kernel (a full read and write) or column-sum kernel (a full read). And the bias
// alone, for a layer with no activation after it: bias_add (y = x + b) and bias_grad
// (dbias = the sum of dy over each channel, one read of dy: cuBLASLt's BGRADB epilogue).
//
// Shape. x is [outer, channels, inner] (ChannelShape, channel_shape.hpp) with one bias value
// per channel: ChannelShape::matrix(rows, C) for a GEMM output [rows, C] with a bias per
// column, ChannelShape::nchw(N, C, H, W) for a convolution's, or any [outer, C, inner].
//
// Types. x, y, dy, dx are of element type T (float, double, __half, __nv_bfloat16); bias and
// dbias hold `channels` values of compute_t<T> (float for the 16-bit types), like PReLU's
// alpha: mixed-precision training keeps fp32 master parameters, and a model that keeps a
// 16-bit bias converts C values once per step, which costs nothing next to the tensor. x + b
// is formed in compute_t<T> and not rounded to T before the activation (so a 16-bit result
// can differ from PyTorch's F.act(x + b), which rounds x + b first, by that rounding).
//
// Backward. bias_backward reads the saved tensor v and dy once and writes, each when its
// pointer is not null:
//   dx = dy * act'(x + b)                       (Saved::input: v = x, the pre-bias input)
//      = dy * act'(.) from y                    (Saved::output: v = y, for the activations
//                                                whose gradient the output gives; b unused)
//   y  = act(x + b), recomputed                 (Saved::input only), so that a layer need
//                                                not keep y for the next layer's weight
//                                                gradient
//   dbias[c] (+)= sum over channel c of dx      (dx as stored, rounded to T)
// in one pass: 3 element reads or writes per element (4 with y), plus partial sums in
// compute_t<T> that a second kernel finishes: at most 1/4096 or 1/64 of the elements (see
// prelu.hpp, which partitions the same way), none for small tensors, whose blocks write
// dbias themselves.
//
// Workspace. dbias needs scratch memory for the partial sums, CUB style: ask
// bias_backward_workspace_size<T>(shape) for the bytes (the same for every activation, and a
// function of the shape and T alone), pass that much device memory; no allocation happens
// and the call can be captured in a CUDA graph. An overload without workspace allocates it
// stream-ordered (cudaMallocAsync / cudaFreeAsync on the call's stream) when the call needs
// one.
//
// Determinism. No floating-point atomics: the work is partitioned by the shape alone (never
// the GPU's SM count or the grid) and the partials are combined in a fixed order, so dbias
// is bitwise identical from run to run and across GPU models for the same inputs, shape and
// pointer alignment (tensors at a different offset from a 16-byte boundary can take another
// path, whose sums may round differently).
//
// In place: y == x forward; backward, dx and y may each be exactly v or dy (not the same
// one). Any other overlap (bias with anything written, dbias or the workspace with
// anything, y with dx) is an error. No
// alignment is required. Calls are enqueued on `stream` and never synchronize. Bad
// arguments throw cuact::invalid_argument naming the function ("gelu_bias_forward: ..."),
// the argument and the rule, before anything is launched; CUDA failures throw
// cuact::cuda_error.
//
// Example (a GEMM output h [rows, C] in bf16, a bias of C floats; or by name,
// cuact::gelu_bias_forward(h, bias, y, shape, cuact::GeluApproximate::none, stream)):
//   const auto shape = cuact::ChannelShape::matrix(rows, C);
//   cuact::bias_forward(cuact::Gelu<float>{}, h, bias, y, shape, stream);
//   const size_t bytes = cuact::bias_backward_workspace_size<__nv_bfloat16>(shape);
//   cuact::bias_backward(cuact::Gelu<float>{}, h, dy, bias, dh, dbias, nullptr, shape,
//                        cuact::Saved::input, cuact::GradMode::accumulate, workspace, bytes,
//                        stream);
#pragma once

#include <cuact/activations.hpp>
#include <cuact/channel_shape.hpp>
#include <cuact/export.h>
#include <cuact/types.hpp>

#include <cuda_runtime_api.h>

#include <cstddef>

namespace cuact {

/// y = op(x + bias[c]) for any unary activation Op of the registry in compute_t<T>. Throws
/// cuact::invalid_argument when op's parameters break its rules.
template <template <class> class Op, class T>
CUACT_API void bias_forward(const Op<compute_t<T>>& op, const T* x, const compute_t<T>* bias,
                            nondeduced_t<T>* y, ChannelShape shape, cudaStream_t stream);

/// Bytes of workspace bias_backward needs for `shape` and element type T when it computes
/// dbias (0 when the shape is empty). Needs no device and launches nothing.
template <class T>
CUACT_API std::size_t bias_backward_workspace_size(ChannelShape shape);

/// dx, the recomputed y and dbias (each skipped when null; at least one asked for) from one
/// pass over v and dy (see above). bias is read for Saved::input (it may be null for
/// Saved::output). `workspace` (any alignment) must hold
/// bias_backward_workspace_size<T>(shape) bytes when dbias is not null; it may be null
/// otherwise.
template <template <class> class Op, class T>
CUACT_API void bias_backward(const Op<compute_t<T>>& op, const T* v, const T* dy,
                             const compute_t<T>* bias, nondeduced_t<T>* dx, compute_t<T>* dbias,
                             nondeduced_t<T>* y, ChannelShape shape, Saved saved, GradMode mode,
                             void* workspace, std::size_t workspace_bytes, cudaStream_t stream);

/// As above, allocating the workspace with cudaMallocAsync on `stream` and freeing it with
/// cudaFreeAsync after the work (also under graph capture, where both become graph nodes).
template <template <class> class Op, class T>
CUACT_API void bias_backward(const Op<compute_t<T>>& op, const T* v, const T* dy,
                             const compute_t<T>* bias, nondeduced_t<T>* dx, compute_t<T>* dbias,
                             nondeduced_t<T>* y, ChannelShape shape, Saved saved, GradMode mode,
                             cudaStream_t stream);

/// The bias alone, forward: y = x + bias[c], added in compute_t<T> and rounded to T once (as
/// PyTorch's x + b for float and double; for the 16-bit types like x.float() + b, rounded).
/// In place (y == x) allowed.
template <class T>
CUACT_API void bias_add(const T* x, const compute_t<T>* bias, nondeduced_t<T>* y,
                        ChannelShape shape, cudaStream_t stream);

/// The bias alone, backward: dbias[c] (+)= the sum over channel c of dy (the input gradient
/// is dy itself), from one read of dy, partitioned and summed as bias_backward's dbias (the
/// same bits as bias_backward of an activation with a gradient of 1). `workspace` (any
/// alignment) must hold bias_backward_workspace_size<T>(shape) bytes.
template <class T>
CUACT_API void bias_grad(const T* dy, compute_t<T>* dbias, ChannelShape shape, GradMode mode,
                         void* workspace, std::size_t workspace_bytes, cudaStream_t stream);

/// As above, allocating the workspace with cudaMallocAsync on `stream` when the shape needs
/// one and freeing it with cudaFreeAsync after the work.
template <class T>
CUACT_API void bias_grad(const T* dy, compute_t<T>* dbias, ChannelShape shape, GradMode mode,
                         cudaStream_t stream);

}  // namespace cuact

// The named functions: relu_bias_forward(x, bias, y, shape, stream), gelu_bias_backward(v,
// dy, bias, dx, dbias, y, shape, approximate, saved, mode, workspace, workspace_bytes,
// stream), ... (generated from the registry).
#include <cuact/bias_functions.hpp>
