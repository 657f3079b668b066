// How the mask kernels (cuda/mask_kernels.cuh) walk a tensor and assemble mask words, in
// one __host__ __device__ place that the kernels run and the CPU tests replay
// (tests/cpu/cuda/mask_map_test.cpp).
//
// A thread takes vectors of kVec elements (kVec = 1, or 16 bytes of T: 2, 4 or 8; it divides
// 32), grid-stride as elementwise_kernel does, so that the 32 lanes of a warp hold 32
// consecutive vectors: kVec whole mask words, each made of the bits of 32 / kVec lanes.
// Every lane contributes its kVec bits, shifted to its place in the word, and the lanes of a
// word OR their contributions together with shuffles (kVec = 1: one ballot). Shuffles need
// every lane of the warp, so the loops are warp-uniform: a step is taken when it is in range
// for the warp's last lane (full vectors), and the last steps take partial vectors (the n %
// kVec elements past the last whole vector) and lanes with nothing to do, whose bits are 0.
#pragma once

#include <cuact/types.hpp>

#include <cstdint>

namespace cuact::detail {

inline constexpr int kMaskWordBits = 32;

struct MaskWalk {
  std::int64_t n;
  std::int64_t n_vec;    // whole vectors
  std::int64_t n_steps;  // vectors including the last partial one: ceil(n / vec)
  std::int64_t stride;   // threads in the grid, a multiple of 32
  int vec;
  int unroll;

  CUACT_HOST_DEVICE MaskWalk(std::int64_t n_, int vec_, int unroll_, std::int64_t stride_)
      : n(n_),
        n_vec(n_ / vec_),
        n_steps(n_ / vec_ + (n_ % vec_ != 0)),
        stride(stride_),
        vec(vec_),
        unroll(unroll_) {}

  /// Lanes whose vectors form one mask word.
  CUACT_HOST_DEVICE int lanes_per_word() const { return kMaskWordBits / vec; }
  /// Whether the unrolled step of the warp whose lane 0 is at vector i0 has `unroll` whole
  /// vectors in every lane.
  CUACT_HOST_DEVICE bool full_warp_step(std::int64_t i0) const {
    return i0 + 31 + (unroll - 1) * stride < n_vec;
  }
  /// Whether the warp whose lane 0 is at vector i0 has any element left.
  CUACT_HOST_DEVICE bool warp_has_work(std::int64_t i0) const { return i0 < n_steps; }
  /// The elements of vector i that exist: vec for whole vectors, fewer for the last one, 0
  /// past the end.
  CUACT_HOST_DEVICE int elements_in(std::int64_t i) const {
    const std::int64_t left = n - i * vec;
    return left >= vec ? vec : (left > 0 ? static_cast<int>(left) : 0);
  }
  /// The mask word holding vector i's bits, and where in it they start.
  CUACT_HOST_DEVICE std::int64_t word_of(std::int64_t i) const { return i * vec / kMaskWordBits; }
  CUACT_HOST_DEVICE int bit_of(std::int64_t i) const {
    return static_cast<int>(i * vec % kMaskWordBits);
  }
  /// Whether the lane at vector i writes word_of(i): the first lane of its word, and the
  /// word has elements.
  CUACT_HOST_DEVICE bool writes_word(std::int64_t i) const {
    return i % lanes_per_word() == 0 && i * vec < n;
  }
};

/// The OR of `value` over the lanes of each aligned group of `group` lanes (a power of two),
/// in every lane of the group: log2(group) butterfly steps, each exchanging with the lane
/// `offset` apart (shfl_xor(value, offset) is that lane's value). XOR offsets below the group
/// size never leave an aligned group.
template <class ShflXor>
CUACT_HOST_DEVICE std::uint32_t or_within_groups(std::uint32_t value, int group, ShflXor shfl_xor) {
  for (int offset = group / 2; offset > 0; offset /= 2) {
    value |= shfl_xor(value, offset);
  }
  return value;
}

}  // namespace cuact::detail
