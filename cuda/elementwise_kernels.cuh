// The one fused elementwise kernel (one or two inputs, one output), and the adapters that
// give an activation's members its call signature. Launched by elementwise_dispatch.hpp (on
// the device through elementwise_device.cuh, on the CPU by the emulation tests).
#pragma once

#include "cuda/elementwise_map.hpp"
#include "cuda/vector_io.cuh"

#include <cuact/op_traits.hpp>
#include <cuact/types.hpp>

#include <cstdint>
#include <type_traits>

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

/// Adapters whose values depend on the element's index (RReLU's random slopes,
/// rrelu_adapter.cuh) say so with `static constexpr bool kIndexed = true` and have, instead
/// of f(x) / f(x, dy):
///   f.for_thread()           the adapter a thread runs (RReLU: the key read from device
///                            memory once per thread);
///   f.template values<kVec>(first)  a struct whose v[j] is element first + j's value, first a
///                            multiple of kVec when kVec > 1 (the dispatch gives indexed
///                            adapters the vector path only on 16-byte-aligned tensors);
///   f(value, x) / f(value, x, dy).
template <class F, class = void>
struct is_indexed : std::false_type {};
template <class F>
struct is_indexed<F, std::void_t<decltype(F::kIndexed)>> : std::bool_constant<F::kIndexed> {};

/// The adapter a thread runs: f itself, or an indexed adapter's for_thread().
template <class F>
__device__ __forceinline__ decltype(auto) thread_adapter(const F& f) {
  if constexpr (is_indexed<F>::value) {
    return f.for_thread();
  } else {
    return f;
  }
}

/// The values of a vector of kVec elements from `first`: nothing, except for indexed adapters.
struct NoValues {};
template <int kVec, class F>
__device__ __forceinline__ auto vector_values(const F& f, std::int64_t first) {
  if constexpr (is_indexed<F>::value) {
    return f.template values<kVec>(first);
  } else {
    (void)f;
    (void)first;
    return NoValues{};
  }
}

/// Element j of a vector: f(x...), or an indexed adapter's f(value j, x...).
template <class F, class Values, class... C>
__device__ __forceinline__ auto apply_element(const F& f, const Values& values, int j, C... x) {
  if constexpr (is_indexed<F>::value) {
    return f(values.v[j], x...);
  } else {
    (void)values;
    (void)j;
    return f(x...);
  }
}

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
  decltype(auto) g = thread_adapter(f);

  // The results of the kW elements from element `first`.
  const auto apply = [&](const auto& args, std::int64_t first) {
    constexpr int kW = sizeof(args[0].v) / sizeof(T);
    const auto values = vector_values<kW>(g, first);
    Packed<T, kW> result;
#pragma unroll
    for (int j = 0; j < kW; ++j) {
      if constexpr (kInputs == 1) {
        result.v[j] = from_compute<T>(apply_element(g, values, j, to_compute(args[0].v[j])));
      } else {
        result.v[j] = from_compute<T>(
            apply_element(g, values, j, to_compute(args[0].v[j]), to_compute(args[1].v[j])));
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
      const std::int64_t first = map.vector_start(i + u * stride);
      store_packed<T, kVec>(out + first, apply(args[u], first));
    }
  }
  for (; i < map.n_vec; i += stride) {
    V args[kInputs];
#pragma unroll
    for (int k = 0; k < kInputs; ++k) {
      args[k] = load_packed<T, kVec, kReadOnly>(in.p[k] + map.vector_start(i));
    }
    store_packed<T, kVec>(out + map.vector_start(i), apply(args, map.vector_start(i)));
  }

  if constexpr (kVec > 1) {
    if (thread < map.single_count()) {
      const std::int64_t e = map.single_element(thread);
      Packed<T, 1> args[kInputs];
#pragma unroll
      for (int k = 0; k < kInputs; ++k) {
        args[k].v[0] = in.p[k][e];
      }
      out[e] = apply(args, e).v[0];
    }
  }
}

}  // namespace cuact::detail
