// PReLU: y = x > 0 ? x : alpha[c]*x with a learned alpha per channel (or one shared).
//
// Shape. The input is described as [outer, channels, inner], row-major: element (o, c, k)
// is at ((o*channels + c)*inner + k). NCHW is outer = N, inner = H*W; NHWC (channels last)
// is outer = N*H*W, inner = 1; an [N, C] matrix is inner = 1; a shared alpha is
// channels = 1. PreluShape has helpers for each.
//
// Types. x, y, dy, dx are of element type T (float, double, __half, __nv_bfloat16); alpha
// and dalpha hold `channels` values of compute_t<T> (float for the 16-bit types, so mixed-
// precision training keeps fp32 parameters).
//
// Backward. prelu_backward reads x and dy once and writes dx = x > 0 ? dy : alpha[c]*dy and
// dalpha[c] (+)= sum over channel c of (x > 0 ? 0 : x*dy) in the same pass: 3 element reads
// or writes per element, plus partial sums in compute_t<T> that a second kernel finishes:
// one per channel and tile of at least 4096 of its elements, or, where inner is shorter
// than a 16-byte vector (channels last: inner == 1), one per column and chunk of at least
// 64 rows of lcm(channels * inner, 16 / sizeof(T)) elements (rows of the tensor when inner
// == 1 and channels is a multiple of 16 / sizeof(T); stored contiguously per chunk). So at
// most 1/4096 or 1/64 of the elements, or, for fewer, one per channel (per column). Small
// tensors, where one block sums each channel whole (channels of fewer than 8192 elements,
// or 2048 channels and more, shared alpha over fewer than 8192, channels last of fewer than 128 rows with channels a
// multiple of 16 / sizeof(T)), skip the partials and the second kernel: the block writes
// dalpha[c] itself, one launch per call. Either output may be null to skip it.
//
// Workspace. The backward pass needs scratch memory for the partial sums when it computes
// dalpha. CUB style: ask prelu_backward_workspace_size() for the bytes, pass that much
// device memory; no allocation happens and the call can be captured in a CUDA graph. The
// size is a function of the shape and the element type alone (the same on every GPU, and
// askable without one). An overload without workspace allocates it stream-ordered
// (cudaMallocAsync / cudaFreeAsync on the call's stream), except for the small tensors
// above, which use none (the call with a workspace still takes one, and leaves it alone).
//
// Determinism. No floating-point atomics: the work is partitioned by the shape alone (a
// fixed number of tiles, never a multiple of the GPU's SM count; the grid only decides which
// block takes which tile), and the partial sums are combined in a fixed order (cub::
// BlockReduce within a tile, then, unless the block summed the channel whole, a second
// kernel that sums each channel's partials in order with cub::WarpReduce or cub::
// BlockReduce), so dalpha is bitwise identical from run to run and across GPU models for
// the same inputs, shape and pointer alignment (tensors at another offset from a 16-byte
// boundary can take the element path, whose sums may round differently).
//
// Calls are enqueued on `stream` and never synchronize. In place is allowed for y == x and
// for dx == dy (or dx == x); any other overlap of an input with an output (including alpha
// with dalpha and the workspace with anything) is an error. No alignment is required:
// tensors that all start at the same offset from a 16-byte boundary take the 16-byte vector
// path whatever the shape (but for rows of 2^31 elements or more off vector boundaries),
// others an element path with the same results. Bad arguments throw
// cuact::invalid_argument before anything is launched; CUDA failures throw
// cuact::cuda_error.
//
// Example (NCHW, per-channel alpha, gradients accumulated as frameworks do):
//   const auto shape = cuact::PreluShape::nchw(32, 64, 56, 56);
//   cuact::prelu_forward(x, alpha, y, shape, stream);
//   const size_t bytes = cuact::prelu_backward_workspace_size<float>(shape);
//   // ... workspace = bytes of device memory ...
//   cuact::prelu_backward(x, dy, alpha, dx, dalpha, shape, cuact::GradMode::accumulate,
//                         workspace, bytes, stream);
#pragma once

#include <cuact/channel_shape.hpp>
#include <cuact/export.h>
#include <cuact/types.hpp>

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

namespace cuact {

/// The [outer, channels, inner] view of a PReLU input (channel_shape.hpp).
using PreluShape = ChannelShape;

/// y = x > 0 ? x : alpha[c]*x.
template <class T>
CUACT_API void prelu_forward(const T* x, const compute_t<T>* alpha, T* y, PreluShape shape,
                             cudaStream_t stream);

/// Bytes of workspace prelu_backward needs for `shape` and element type T (0 when the shape
/// is empty). Needs no device and launches nothing.
template <class T>
CUACT_API std::size_t prelu_backward_workspace_size(PreluShape shape);

/// dx = x > 0 ? dy : alpha[c]*dy (skipped when dx is null) and
/// dalpha[c] = or += sum over channel c of (x > 0 ? 0 : x*dy) (skipped when dalpha is null),
/// from one pass over x and dy. alpha is read only for dx (it may be null when dx is).
/// `workspace` (any alignment) must hold prelu_backward_workspace_size<T>(shape) bytes when
/// dalpha is not null; it may be null otherwise.
template <class T>
CUACT_API void prelu_backward(const T* x, const T* dy, const compute_t<T>* alpha,
                              nondeduced_t<T>* dx, compute_t<T>* dalpha, PreluShape shape,
                              GradMode mode, void* workspace, std::size_t workspace_bytes,
                              cudaStream_t stream);

/// As above, allocating the workspace with cudaMallocAsync on `stream` and freeing it with
/// cudaFreeAsync after the work (also under graph capture, where both become graph nodes).
template <class T>
CUACT_API void prelu_backward(const T* x, const T* dy, const compute_t<T>* alpha,
                              nondeduced_t<T>* dx, compute_t<T>* dalpha, PreluShape shape,
                              GradMode mode, cudaStream_t stream);

}  // namespace cuact
