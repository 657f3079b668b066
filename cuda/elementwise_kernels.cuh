// The one fused elementwise kernel (one or two inputs, one output), and the adapters that
// give an activation's members its call signature. Launched by elementwise_dispatch.hpp (on
// the device through elementwise.cuh, on the CPU by the emulation tests).
#pragma once

#include "cuda/elementwise_map.hpp"
#include "cuda/vector_io.cuh"

#include <cuact/op_traits.hpp>
#include <cuact/types.hpp>

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

}  // namespace cuact::detail
