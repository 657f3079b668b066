// Backward passes from a 1-bit mask: for the activations whose gradient is dy times a slope
// that depends only on which branch the input took (relu, leaky_relu, relu6, hardtanh,
// hardsigmoid: the functors with mask_bit, see op_traits.hpp), the forward pass can write,
// next to y, one bit per element saying which branch it took, and the backward pass needs
// nothing else: 1 bit kept per element instead of the 16, 32 or 64 of x or y.
//
// The mask layout: element i is bit (i % 32) of 32-bit word i / 32 (bit 0 the least
// significant), set where op.mask_bit(x[i]) is true: the pass-through branch (relu: x > 0 or
// NaN; leaky_relu: x > 0; relu6: 0 < x < 6 or NaN; hardtanh: min_val < x < max_val or NaN;
// hardsigmoid: -3 < x < 3). The bits of the last word past n are 0. A mask of n elements is
// mask_words(n) words, mask_bytes(n) bytes; it needs the alignment of a uint32_t (4 bytes).
//
// The backward from the mask gives bit for bit what the backward from x gives (the
// functors define grad_from_input through the bit). Bytes moved: forward 2*n*sizeof(T) +
// n/8, backward the same.
//
// As the elementwise entry points (activations.hpp): enqueued on `stream`, never
// synchronizing, allocating nothing (capturable in CUDA graphs), 64-bit counts, no-op for
// n == 0, cuact::invalid_argument before anything is launched for a bad argument. y == x and
// dx == dy are allowed; the mask may not overlap any other argument. When every T pointer
// is 16-byte aligned the kernels move 16-byte vectors; otherwise they move one element per
// thread.
//
// Example (x, y, dy, dx device buffers of n floats; mask of cuact::mask_words(n) words):
//   cuact::relu_forward_mask(x, y, mask, n, stream);     // x may be freed now
//   cuact::relu_backward_mask(mask, dy, dx, n, stream);
//   cuact::forward_with_mask(cuact::LeakyRelu<float>{0.2f}, x, y, mask, n, stream);
#pragma once

#include <cuact/activations.hpp>
#include <cuact/export.h>
#include <cuact/op_traits.hpp>
#include <cuact/registry.h>
#include <cuact/types.hpp>

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

namespace cuact {

/// The 32-bit words of a mask of n >= 0 elements: ceil(n / 32).
constexpr std::int64_t mask_words(std::int64_t n) noexcept { return n / 32 + (n % 32 != 0); }

/// The bytes of a mask of n >= 0 elements: 4 * mask_words(n).
constexpr std::size_t mask_bytes(std::int64_t n) noexcept {
  return static_cast<std::size_t>(mask_words(n)) * sizeof(std::uint32_t);
}

/// Element i's bit of a mask (on the host, for a mask copied back).
constexpr bool mask_bit_at(const std::uint32_t* words, std::int64_t i) noexcept {
  return (words[i / 32] >> (i % 32)) & 1u;
}

/// y = op.forward(x) and the mask of the branch each element took, in one pass, for an op
/// with a mask (has_mask_v; the named <name>_forward_mask functions exist only for those).
/// Throws cuact::invalid_argument for an op without one, when op's parameters break its
/// rules, or for a bad pointer, count or overlap.
template <template <class> class Op, class T>
CUACT_API void forward_with_mask(const Op<compute_t<T>>& op, const T* x, T* y,
                                 std::uint32_t* mask, std::int64_t n, cudaStream_t stream);

/// dx = dy * f'(x) from the mask forward_with_mask wrote for x (with the same parameters).
template <template <class> class Op, class T>
CUACT_API void backward_from_mask(const Op<compute_t<T>>& op, const std::uint32_t* mask,
                                  const T* dy, T* dx, std::int64_t n, cudaStream_t stream);

}  // namespace cuact

// The named functions, <name>_forward_mask(x, y, mask, n, params..., stream) and
// <name>_backward_mask(mask, dy, dx, n, params..., stream), for the activations with a mask,
// written out.
#include <cuact/mask_functions.hpp>
