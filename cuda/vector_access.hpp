// The one alignment policy of every family's dispatch: whether, and from which element,
// 16-byte vectors can be used on all of a call's tensors at once.
#pragma once

#include "cuda/elementwise_map.hpp"
#include "cuda/vector_io.cuh"

#include <cstddef>
#include <cstdint>
#include <initializer_list>

namespace cuact::detail {

/// Where a call's tensors of T can be read and written as 16-byte vectors together: they can
/// when every tensor is the same number of elements past a 16-byte boundary (`shared`),
/// `offset` of them, and so reaches the next boundary after `head` (both < kVecElems<T>).
/// Each family asks for what its kernels need of it:
///   elementwise      shared, head < n (the head is peeled off, one element per thread);
///   1-bit masks      aligned() (each mask word covers 32 elements from a vector boundary);
///   gated            aligned() and hidden a multiple of the vector (each row starts on one);
///   indexed values   aligned() (RReLU: a vector's random values are one Philox block);
///   PReLU            shared and offset, to its route (channelwise_plan.hpp's channelwise_route).
struct VectorAccess {
  bool shared = true;
  std::int64_t offset = 0;
  std::int64_t head = 0;

  /// Every tensor on a 16-byte boundary.
  bool aligned() const { return shared && offset == 0; }
};

/// The VectorAccess of tensors of T at `tensors` (pointers); null entries are tensors the
/// call does not have (a forward's dy), and are left out.
template <class T, class Tensors>
VectorAccess vector_access(const Tensors& tensors) {
  bool first = true;
  std::size_t misalignment = 0;
  bool shared = true;
  for (const void* p : tensors) {
    if (p == nullptr) {
      continue;
    }
    if (first) {
      misalignment = vector_misalignment(p);
      shared = misalignment % sizeof(T) == 0;
      first = false;
    } else {
      shared = shared && vector_misalignment(p) == misalignment;
    }
  }
  if (!shared) {
    return {false, 0, 0};
  }
  return {true, static_cast<std::int64_t>(misalignment / sizeof(T)),
          vector_head(misalignment, sizeof(T))};
}
template <class T>
VectorAccess vector_access(std::initializer_list<const void*> tensors) {
  return vector_access<T, std::initializer_list<const void*>>(tensors);
}

}  // namespace cuact::detail
