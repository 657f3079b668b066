// The elementwise passes' dispatch (launch.hpp's launch_unary): the vector path with its
// peeled head, or the element path, and read-only or in-place loads, templated on how a
// kernel is launched (see channelwise_dispatch.hpp), so that the device and the CPU emulation run
// the same code.
#pragma once

#include "cuda/elementwise_kernels.cuh"
#include "cuda/launch.hpp"
#include "cuda/template_choice.hpp"
#include "cuda/vector_access.hpp"

#include <cuact/error.hpp>
#include <cuact/op_traits.hpp>
#include <cuact/types.hpp>

#include <array>
#include <cstdint>
#include <string>

namespace cuact::detail {

template <class F, class T, int kInputs, bool kReadOnly, int kVec, class Launcher>
void dispatch_elementwise_width(const Launcher& launcher, F f, std::array<const T*, kInputs> in,
                                T* out, std::int64_t n, std::int64_t head) {
  // One thread per vector, up to what the device keeps resident; past that, threads loop.
  const std::int64_t vectors = (n - head) / kVec;
  InputPointers<T, kInputs> pointers;
  for (int k = 0; k < kInputs; ++k) {
    pointers.p[k] = in[k];
  }
  launcher
      .template resident<elementwise_kernel<F, T, kInputs, kReadOnly, kVec>, kElementwiseThreads>(
          (vectors + kElementwiseThreads - 1) / kElementwiseThreads, f, pointers, out, n, head);
}

template <class F, class T, int kInputs, class Launcher>
void dispatch_elementwise(const Launcher& launcher, F f, std::array<const T*, kInputs> in, T* out,
                          std::int64_t n) {
  // The vector path needs every tensor to reach a 16-byte boundary after the same number of
  // elements (the common case: all aligned, head = 0), and an indexed functor's vectors to
  // start on a multiple of the vector (its values come a vector at a time); otherwise go
  // scalar.
  std::array<const void*, kInputs + 1> tensors{out};
  for (int k = 0; k < kInputs; ++k) {
    tensors[k + 1] = in[k];
  }
  const VectorAccess access = vector_access<T>(tensors);
  const bool vector = is_indexed<F>::value ? access.aligned() : access.shared && access.head < n;
  // In place (the output is one of the inputs, exactly: partial overlaps are refused before),
  // the inputs are written during the kernel, so they may not take the read-only path.
  bool in_place = false;
  for (const T* p : in) {
    in_place = in_place || p == out;
  }
  with_flags(
      [&](auto read_only, auto vectors) {
        constexpr int kVec = decltype(vectors)::value ? kVecElems<T> : 1;
        dispatch_elementwise_width<F, T, kInputs, decltype(read_only)::value, kVec>(
            launcher, f, in, out, n, kVec > 1 ? access.head : 0);
      },
      !in_place, vector);
}

/// launch.hpp's launch_unary, on `launcher`.
template <class Op, class T, class Launcher>
void dispatch_unary(const Launcher& launcher, const char* fn, Pass pass, const Op& op, const T* v,
                    const T* dy, T* out, std::int64_t n) {
  if constexpr (has_visit<Op>::value) {
    // One kernel per formula the op's parameters select (gelu: erf or tanh).
    op.visit([&](const auto& form) { dispatch_unary(launcher, fn, pass, form, v, dy, out, n); });
  } else {
    switch (pass) {
      case Pass::forward:
        return dispatch_elementwise<Forward<Op, T>, T, 1>(launcher, Forward<Op, T>{op}, {v}, out,
                                                          n);
      case Pass::grad_from_input:
        return dispatch_elementwise<GradFromInput<Op, T>, T, 2>(launcher, GradFromInput<Op, T>{op},
                                                                {v, dy}, out, n);
      case Pass::grad_from_output:
        // Only ops with a gradient from the output get these kernels; the entry points never
        // ask the others for it.
        if constexpr (has_grad_from_output_v<Op>) {
          return dispatch_elementwise<GradFromOutput<Op>, T, 2>(launcher, GradFromOutput<Op>{op},
                                                                {v, dy}, out, n);
        }
        break;
    }
    throw invalid_argument(std::string(fn) + ": internal error: no such pass for " + Op::name);
  }
}

}  // namespace cuact::detail
