// The one fused elementwise kernel (one or two inputs, one output) and its launchers.
// Included only by the generated per-activation kernel files, which instantiate
// launch_unary for their activation (CUACT_INSTANTIATE_unary_KERNELS).
#pragma once

#include "cuda/elementwise_map.hpp"
#include "cuda/launch.hpp"
#include "cuda/masked.cuh"
#include "cuda/resident_grid.cuh"
#include "cuda/vector_io.cuh"
#include "cuda/detail/cuda_check.hpp"

#include <cuact/op_traits.hpp>
#include <cuact/registry.h>
#include <cuact/types.hpp>

#include <algorithm>
#include <array>
#include <cstdint>

namespace cuact::detail {

/// Adapters that give an activation's three members the call signature the kernels use.
/// Named types (not lambdas) so that profilers show readable kernel names.
template <class Op, class T>
struct Forward {
  Op op;
  template <class C>
  CUACT_HOST_DEVICE C operator()(C x) const {
    return forward_for<T>(op, x);  // the 16-bit form for 16-bit outputs, where there is one
  }
};

template <class Op, class T>
struct GradFromInput {
  Op op;
  template <class C>
  CUACT_HOST_DEVICE C operator()(C x, C dy) const {
    return grad_from_input_for<T>(op, x, dy);  // the 16-bit form for 16-bit types, if any
  }
};

template <class Op>
struct GradFromOutput {
  Op op;
  template <class C>
  CUACT_HOST_DEVICE C operator()(C y, C dy) const {
    return op.grad_from_output(y, dy);
  }
};

inline constexpr int kElementwiseThreads = 256;
// Vectors each thread keeps in flight per input: 4 x 16 B x 256 threads = 16 KiB per block
// and input, so a few resident blocks per SM cover Hopper's ~32-48 KiB/SM latency-bandwidth
// product.
inline constexpr int kElementwiseUnroll = 4;

/// Thread-to-element mapping (ElementwiseMap, elementwise_map.hpp, replayed by CPU tests):
/// when the pointers are not 16-byte aligned but share the same misalignment, the first
/// `head` (< kVec) elements are peeled off so that the rest starts on a vector boundary in
/// every tensor. Those n - head elements are split into whole vectors of kVec elements and a
/// tail of fewer than kVec. Threads walk the vectors grid-stride, kUnroll at a time, each of
/// the kUnroll accesses strided by the whole grid so that every warp access is one coalesced
/// 512-byte run. All loads of a step are issued before any store, which keeps
/// kUnroll * kInputs vectors in flight per thread. The head and tail elements (at most 14) go
/// to the grid's first threads, one element each. kVec == 1 is the path for pointers with
/// different misalignments. Indices are 64-bit throughout.
template <class T, int kInputs>
struct InputPointers {
  const T* p[kInputs];
};

template <class F, class T, int kInputs, bool kReadOnly, int kVec>
__global__ void __launch_bounds__(kElementwiseThreads)
    elementwise_kernel(F f, InputPointers<T, kInputs> in, T* out, std::int64_t n,
                       std::int64_t head) {
  using V = Packed<T, kVec>;
  constexpr int kUnroll = kElementwiseUnroll;

  const auto apply = [&](const V(&args)[kInputs]) {
    V result;
#pragma unroll
    for (int j = 0; j < kVec; ++j) {
      if constexpr (kInputs == 1) {
        result.v[j] = from_compute<T>(f(to_compute(args[0].v[j])));
      } else {
        result.v[j] = from_compute<T>(f(to_compute(args[0].v[j]), to_compute(args[1].v[j])));
      }
    }
    return result;
  };

  const ElementwiseMap map(n, head, kVec, kUnroll,
                           static_cast<std::int64_t>(gridDim.x) * kElementwiseThreads);
  const std::int64_t stride = map.stride;
  const std::int64_t thread =
      static_cast<std::int64_t>(blockIdx.x) * kElementwiseThreads + threadIdx.x;

  std::int64_t i = thread;
  for (; map.full_step(i); i += kUnroll * stride) {
    V args[kUnroll][kInputs];
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
#pragma unroll
      for (int k = 0; k < kInputs; ++k) {
        args[u][k] = load_packed<T, kVec, kReadOnly>(in.p[k] + map.vector_start(i + u * stride));
      }
    }
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      store_packed<T, kVec>(out + map.vector_start(i + u * stride), apply(args[u]));
    }
  }
  for (; i < map.n_vec; i += stride) {
    V args[kInputs];
#pragma unroll
    for (int k = 0; k < kInputs; ++k) {
      args[k] = load_packed<T, kVec, kReadOnly>(in.p[k] + map.vector_start(i));
    }
    store_packed<T, kVec>(out + map.vector_start(i), apply(args));
  }

  if constexpr (kVec > 1) {
    if (thread < map.single_count()) {
      const std::int64_t e = map.single_element(thread);
      Packed<T, 1> args[kInputs];
#pragma unroll
      for (int k = 0; k < kInputs; ++k) {
        args[k].v[0] = in.p[k][e];
      }
      T r;
      if constexpr (kInputs == 1) {
        r = from_compute<T>(f(to_compute(args[0].v[0])));
      } else {
        r = from_compute<T>(f(to_compute(args[0].v[0]), to_compute(args[1].v[0])));
      }
      out[e] = r;
    }
  }
}

template <class F, class T, int kInputs, bool kReadOnly, int kVec>
void launch_elementwise_width(const char* fn, F f, std::array<const T*, kInputs> in, T* out,
                              std::int64_t n, std::int64_t head, cudaStream_t stream) {
  constexpr auto kernel = elementwise_kernel<F, T, kInputs, kReadOnly, kVec>;
  // One thread per vector, up to what the device keeps resident; past that, threads loop.
  const std::int64_t vectors = (n - head) / kVec;
  const int grid = resident_grid<kElementwiseThreads, kernel>(
      (vectors + kElementwiseThreads - 1) / kElementwiseThreads, fn);
  InputPointers<T, kInputs> pointers;
  for (int k = 0; k < kInputs; ++k) {
    pointers.p[k] = in[k];
  }
  kernel<<<grid, kElementwiseThreads, 0, stream>>>(f, pointers, out, n, head);
  CUACT_CUDA_TRY(cudaGetLastError(), fn);
}

template <class F, class T, int kInputs>
void launch_elementwise(const char* fn, F f, std::array<const T*, kInputs> in, T* out,
                        std::int64_t n, cudaStream_t stream) {
  // The vector path needs every tensor to reach a 16-byte boundary after the same number of
  // elements (the common case: all aligned, head = 0); otherwise go scalar.
  const std::size_t misalignment = vector_misalignment(out);
  bool shared = misalignment % sizeof(T) == 0;
  for (const T* p : in) {
    shared = shared && vector_misalignment(p) == misalignment;
  }
  const std::int64_t head = vector_head(misalignment, sizeof(T));
  // In place (the output is one of the inputs, exactly: partial overlaps are refused before),
  // the inputs are written during the kernel, so they may not take the read-only path.
  bool in_place = false;
  for (const T* p : in) {
    in_place = in_place || p == out;
  }
  const bool vector = shared && head < n;
  if (vector && !in_place) {
    launch_elementwise_width<F, T, kInputs, true, kVecElems<T>>(fn, f, in, out, n, head, stream);
  } else if (vector) {
    launch_elementwise_width<F, T, kInputs, false, kVecElems<T>>(fn, f, in, out, n, head, stream);
  } else if (!in_place) {
    launch_elementwise_width<F, T, kInputs, true, 1>(fn, f, in, out, n, 0, stream);
  } else {
    launch_elementwise_width<F, T, kInputs, false, 1>(fn, f, in, out, n, 0, stream);
  }
}

template <class Op, class T>
void launch_unary(const char* fn, Pass pass, const Op& op, const T* v, const T* dy, T* out,
                  std::int64_t n, cudaStream_t stream) {
  if constexpr (has_visit<Op>::value) {
    // One kernel per formula the op's parameters select (gelu: erf or tanh).
    op.visit([&](const auto& form) { launch_unary(fn, pass, form, v, dy, out, n, stream); });
  } else {
    switch (pass) {
      case Pass::forward:
        return launch_elementwise<Forward<Op, T>, T, 1>(fn, Forward<Op, T>{op}, {v}, out, n,
                                                        stream);
      case Pass::grad_from_input:
        return launch_elementwise<GradFromInput<Op, T>, T, 2>(fn, GradFromInput<Op, T>{op},
                                                              {v, dy}, out, n, stream);
      case Pass::grad_from_output:
        // Only ops with a gradient from the output get these kernels; the entry points never
        // ask the others for it.
        if constexpr (has_grad_from_output_v<Op>) {
          return launch_elementwise<GradFromOutput<Op>, T, 2>(fn, GradFromOutput<Op>{op},
                                                              {v, dy}, out, n, stream);
        }
        break;
    }
    throw invalid_argument(std::string(fn) + ": internal error: no such pass for " + Op::name);
  }
}

}  // namespace cuact::detail

#define CUACT_DETAIL_INSTANTIATE_UNARY(Functor, ENUM, value, T, name)                       \
  template void ::cuact::detail::launch_unary<Functor<::cuact::compute_t<T>>, T>(            \
      const char*, ::cuact::detail::Pass, const Functor<::cuact::compute_t<T>>&, const T*,   \
      const T*, T*, std::int64_t, cudaStream_t);                                          \
  template void ::cuact::detail::launch_masked<Functor<::cuact::compute_t<T>>, T>(           \
      const char*, bool, const Functor<::cuact::compute_t<T>>&, const T*, std::uint32_t*,    \
      T*, std::int64_t, cudaStream_t);

/// Instantiates the launcher of unary activation template `Functor` (ops.hpp) for every
/// element type: its forward, gradient from input and (where it has one) from output, and
/// (where it has a mask) its 1-bit-mask passes.
#define CUACT_INSTANTIATE_unary_KERNELS(Functor) \
  CUACT_DTYPES(CUACT_DETAIL_INSTANTIATE_UNARY, Functor)
