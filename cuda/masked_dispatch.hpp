// The 1-bit-mask passes' dispatch (launch.hpp's launch_masked): the vector or element path
// and the read-only or in-place loads, templated on how a kernel is launched (see
// prelu_dispatch.hpp), so that the device and the CPU emulation run the same code.
#pragma once

#include "cuda/masked_kernels.cuh"

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
    constexpr int kVec = kVecElems<T>;
    const bool vector = is_vector_aligned(in) && is_vector_aligned(out);
    const bool in_place = in == out;
    const std::int64_t vectors = vector ? n / kVec + (n % kVec != 0) : n;
    const std::int64_t blocks = (vectors + kMaskThreads - 1) / kMaskThreads;
    if (backward) {
      const std::uint32_t* m = mask;
      if (vector && !in_place) {
        launcher.template resident<masked_backward_kernel<Op, T, true, kVec>, kMaskThreads>(
            blocks, op, m, in, out, n);
      } else if (vector) {
        launcher.template resident<masked_backward_kernel<Op, T, false, kVec>, kMaskThreads>(
            blocks, op, m, in, out, n);
      } else if (!in_place) {
        launcher.template resident<masked_backward_kernel<Op, T, true, 1>, kMaskThreads>(
            blocks, op, m, in, out, n);
      } else {
        launcher.template resident<masked_backward_kernel<Op, T, false, 1>, kMaskThreads>(
            blocks, op, m, in, out, n);
      }
    } else {
      if (vector && !in_place) {
        launcher.template resident<masked_forward_kernel<Op, T, true, kVec>, kMaskThreads>(
            blocks, op, in, out, mask, n);
      } else if (vector) {
        launcher.template resident<masked_forward_kernel<Op, T, false, kVec>, kMaskThreads>(
            blocks, op, in, out, mask, n);
      } else if (!in_place) {
        launcher.template resident<masked_forward_kernel<Op, T, true, 1>, kMaskThreads>(
            blocks, op, in, out, mask, n);
      } else {
        launcher.template resident<masked_forward_kernel<Op, T, false, 1>, kMaskThreads>(
            blocks, op, in, out, mask, n);
      }
    }
  }
}

}  // namespace cuact::detail
