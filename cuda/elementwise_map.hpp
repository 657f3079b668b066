// The thread-to-element mapping of elementwise_kernel, in one place that the kernel runs and
// the CPU tests replay (tests/cpu/cuda/elementwise_map_test.cpp): every element exactly once,
// every vector access 16-byte aligned.
#pragma once

#include <cuact/types.hpp>

#include <cstddef>
#include <cstdint>

namespace cuact::detail {

/// When every pointer of a call is `misalignment` bytes past a 16-byte boundary (a multiple
/// of the element size), the number of elements to peel off so that the rest starts on a
/// boundary: (16 - misalignment) % 16 / element_size.
CUACT_HOST_DEVICE constexpr std::int64_t vector_head(std::size_t misalignment,
                                                     std::size_t element_size) {
  return static_cast<std::int64_t>((16 - misalignment) % 16 / element_size);
}

/// n elements, the first `head` peeled off; the rest split into n_vec whole vectors of `vec`
/// elements and a tail of fewer than `vec`. `stride` threads (the whole grid) walk the
/// vectors: thread t takes vectors t, t + stride, ... in steps of `unroll` accesses, each
/// strided by the grid (so that a warp's access is one coalesced run), then one at a time;
/// the head and tail elements go to the grid's first threads, one each (vec > 1 only: with
/// vec == 1 there is no head and no tail). The grid has at least one block of 256 threads,
/// more than the at most 14 head and tail elements.
struct ElementwiseMap {
  std::int64_t n;
  std::int64_t head;
  std::int64_t n_vec;
  std::int64_t stride;
  int vec;
  int unroll;

  CUACT_HOST_DEVICE ElementwiseMap(std::int64_t n_, std::int64_t head_, int vec_, int unroll_,
                                   std::int64_t stride_)
      : n(n_), head(head_), n_vec((n_ - head_) / vec_), stride(stride_), vec(vec_), unroll(unroll_) {}

  /// Whether the unrolled step starting at vector i has all `unroll` vectors in range.
  CUACT_HOST_DEVICE bool full_step(std::int64_t i) const { return i + (unroll - 1) * stride < n_vec; }
  /// The index of the first element of vector v.
  CUACT_HOST_DEVICE std::int64_t vector_start(std::int64_t v) const { return head + v * vec; }
  /// How many elements are handled one at a time (the head and the tail).
  CUACT_HOST_DEVICE std::int64_t single_count() const {
    return vec > 1 ? n - n_vec * vec : 0;
  }
  /// The element thread t handles one at a time (t < single_count()).
  CUACT_HOST_DEVICE std::int64_t single_element(std::int64_t t) const {
    return t < head ? t : head + n_vec * vec + (t - head);
  }
};

}  // namespace cuact::detail
