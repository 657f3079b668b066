// The 1-bit-mask passes' dispatch (launch.hpp's launch_masked): the vector or element path
// and the read-only or in-place loads, templated on how a kernel is launched (see
// channelwise_dispatch.hpp), so that the device and the CPU emulation run the same code.
#pragma once

#include "cuda/mask_kernels.cuh"
#include "cuda/template_choice.hpp"
#include "cuda/vector_access.hpp"

#include <cuact/error.hpp>
#include <cuact/op_traits.hpp>
#include <cuact/types.hpp>

#include <cstdint>
#include <string>

namespace cuact::detail {

template <class Op, class T, class Launcher>
void dispatch_masked(const Launcher& launcher, const char* fn, bool backward, const Op& op,
                     const T* in, std::uint32_t* mask, T* out, std::int64_t n) {
  if constexpr (!has_mask_v<Op>) {
    throw invalid_argument(std::string(fn) + ": internal error: " + Op::name + " has no mask");
  } else {
    // The vector path needs both tensors on 16-byte boundaries: the words then line up with
    // the warps' vectors. In place, the input is written during the kernel: no read-only path.
    const bool vector = vector_access<T>({in, out}).aligned();
    const bool in_place = in == out;
    const std::int64_t vectors = vector ? n / kVecElems<T> + (n % kVecElems<T> != 0) : n;
    const std::int64_t blocks = (vectors + kMaskThreads - 1) / kMaskThreads;
    with_flags(
        [&](auto backward_pass, auto read_only, auto vectors_path) {
          constexpr bool kReadOnly = decltype(read_only)::value;
          constexpr int kVec = decltype(vectors_path)::value ? kVecElems<T> : 1;
          if constexpr (decltype(backward_pass)::value) {
            const std::uint32_t* m = mask;
            launcher.template resident<masked_backward_kernel<Op, T, kReadOnly, kVec>,
                                       kMaskThreads>(blocks, op, m, in, out, n);
          } else {
            launcher.template resident<masked_forward_kernel<Op, T, kReadOnly, kVec>,
                                       kMaskThreads>(blocks, op, in, out, mask, n);
          }
        },
        backward, !in_place, vector);
  }
}

}  // namespace cuact::detail
