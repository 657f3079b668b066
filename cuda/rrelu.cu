// RReLU's training kernels (rrelu.hpp): the slopes come from cuRAND's Philox4_32_10, keyed
// by (seed, offset) and the element index, so the forward and the backward draw the same
// ones whatever the grid. Evaluation is leaky_relu's kernel (host/rrelu.cpp).
#include "cuda/detail/cuda_check.hpp"
#include "cuda/elementwise.cuh"
#include "cuda/launch.hpp"
#include "cuda/resident_grid.cuh"
#include "cuda/vector_io.cuh"

#include <cuact/rrelu.hpp>
#include <cuact/types.hpp>

#include <curand_kernel.h>

#include <cstdint>

namespace cuact::detail {

/// Random values 4*block .. 4*block + 3 of subsequence key.offset: cuRAND's Philox4_32_10 at
/// counter (block, offset), key seed, as curand() returns them after curand_init(seed,
/// offset, 4*block, &state).
__device__ __forceinline__ uint4 philox_block(const RReluKey& key, std::uint64_t block) {
  const uint4 counter =
      make_uint4(static_cast<unsigned>(block), static_cast<unsigned>(block >> 32),
                 static_cast<unsigned>(key.offset), static_cast<unsigned>(key.offset >> 32));
  const uint2 k =
      make_uint2(static_cast<unsigned>(key.seed), static_cast<unsigned>(key.seed >> 32));
  return curand_Philox4x32_10(counter, k);
}

__device__ __forceinline__ std::uint32_t component(const uint4& r, int lane) {
  return lane == 0 ? r.x : lane == 1 ? r.y : lane == 2 ? r.z : r.w;
}

/// The slopes of elements first .. first + kVec - 1. Their random values lie in one Philox
/// block: vectors start at multiples of kVec elements, and kVec elements need 4 values
/// (float, 16-bit types: the whole block, lanes known at compile time), 2 (double: half a
/// block) or 1.
template <class T, int kVec>
__device__ __forceinline__ void slopes(const RRelu<compute_t<T>>& op, const RReluKey& key,
                                       std::int64_t first, compute_t<T> (&a)[kVec]) {
  constexpr int kPerValue = RRelu<compute_t<T>>::template elements_per_value<T>;
  const auto value = static_cast<std::uint64_t>(first) / kPerValue;
  const uint4 r = philox_block(key, value / 4);
  if constexpr (kVec / kPerValue == 4) {
    const std::uint32_t words[4] = {r.x, r.y, r.z, r.w};
#pragma unroll
    for (int j = 0; j < kVec; ++j) {
      a[j] = op.template slope_of<T>(words[j / kPerValue], j % kPerValue);
    }
  } else {
#pragma unroll
    for (int j = 0; j < kVec; ++j) {
      const auto e = static_cast<std::uint64_t>(first) + j;
      a[j] = op.template slope_of<T>(component(r, static_cast<int>(e / kPerValue % 4)),
                                     static_cast<int>(e % kPerValue));
    }
  }
}

/// One training pass over n elements: the forward (in[0] = x) or the backward (in[0] = v,
/// in[1] = dy). The key is `key_value`, or *key_device with offset_delta added to its offset
/// when key_device is not null (read once per thread, when the kernel runs). Threads walk vectors
/// as elementwise_kernel does (ElementwiseMap), without a peeled head: the vector path runs only on
/// 16-byte-aligned tensors, so every vector starts at a multiple of kVec elements.
template <class T, bool kBackward, bool kReadOnly, int kVec>
__global__ void __launch_bounds__(kElementwiseThreads)
    rrelu_kernel(RRelu<compute_t<T>> op, RReluKey key_value, const RReluKey* key_device,
                 std::uint64_t offset_delta, InputPointers<T, 2> in, T* out, std::int64_t n) {
  using V = Packed<T, kVec>;
  constexpr int kInputs = kBackward ? 2 : 1;
  constexpr int kUnroll = kElementwiseUnroll;
  RReluKey key = key_value;
  if (key_device != nullptr) {
    key = *key_device;
    key.offset += offset_delta;
  }

  const auto apply = [&](const V(&args)[kInputs], std::int64_t first) {
    compute_t<T> a_all[kVec];
    slopes<T, kVec>(op, key, first, a_all);
    V result;
#pragma unroll
    for (int j = 0; j < kVec; ++j) {
      const auto a = a_all[j];
      if constexpr (kBackward) {
        result.v[j] =
            from_compute<T>(op.grad(to_compute(args[0].v[j]), to_compute(args[1].v[j]), a));
      } else {
        result.v[j] = from_compute<T>(op.forward(to_compute(args[0].v[j]), a));
      }
    }
    return result;
  };

  const ElementwiseMap map(n, 0, kVec, kUnroll,
                           static_cast<std::int64_t>(gridDim.x) * kElementwiseThreads);
  const std::int64_t thread =
      static_cast<std::int64_t>(blockIdx.x) * kElementwiseThreads + threadIdx.x;
  std::int64_t i = thread;
  for (; map.full_step(i); i += kUnroll * map.stride) {
    V args[kUnroll][kInputs];
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
#pragma unroll
      for (int k = 0; k < kInputs; ++k) {
        args[u][k] =
            load_packed<T, kVec, kReadOnly>(in.p[k] + map.vector_start(i + u * map.stride));
      }
    }
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const std::int64_t first = map.vector_start(i + u * map.stride);
      store_packed<T, kVec>(out + first, apply(args[u], first));
    }
  }
  for (; i < map.n_vec; i += map.stride) {
    V args[kInputs];
#pragma unroll
    for (int k = 0; k < kInputs; ++k) {
      args[k] = load_packed<T, kVec, kReadOnly>(in.p[k] + map.vector_start(i));
    }
    store_packed<T, kVec>(out + map.vector_start(i), apply(args, map.vector_start(i)));
  }
  if constexpr (kVec > 1) {
    // The tail: fewer than kVec elements, one per thread, each from its own block.
    if (thread < map.single_count()) {
      const std::int64_t e = map.single_element(thread);
      Packed<T, 1> args[kInputs];
#pragma unroll
      for (int k = 0; k < kInputs; ++k) {
        args[k].v[0] = in.p[k][e];
      }
      compute_t<T> a[1];
      slopes<T, 1>(op, key, e, a);
      out[e] = kBackward ? from_compute<T>(op.grad(to_compute(args[0].v[0]),
                                                   to_compute(args[kInputs - 1].v[0]), a[0]))
                         : from_compute<T>(op.forward(to_compute(args[0].v[0]), a[0]));
    }
  }
}

template <class T, bool kBackward, bool kReadOnly, int kVec>
void launch_rrelu_width(const char* fn, const RRelu<compute_t<T>>& op, const RReluKey& key,
                        const RReluKey* key_device, std::uint64_t delta, InputPointers<T, 2> in,
                        T* out, std::int64_t n, cudaStream_t stream) {
  constexpr auto kernel = rrelu_kernel<T, kBackward, kReadOnly, kVec>;
  const std::int64_t vectors = n / kVec;
  const int grid = resident_grid<kElementwiseThreads, kernel>(
      (vectors + kElementwiseThreads - 1) / kElementwiseThreads, fn);
  kernel<<<grid, kElementwiseThreads, 0, stream>>>(op, key, key_device, delta, in, out, n);
  CUACT_CUDA_TRY(cudaGetLastError(), fn);
}

template <class T, bool kBackward>
void launch_rrelu_pass(const char* fn, const RRelu<compute_t<T>>& op, const RReluKey& key,
                       const RReluKey* key_device, std::uint64_t delta, InputPointers<T, 2> in,
                       T* out, std::int64_t n, cudaStream_t stream) {
  constexpr int kInputs = kBackward ? 2 : 1;
  bool aligned = is_vector_aligned(out);
  bool in_place = false;
  for (int k = 0; k < kInputs; ++k) {
    aligned = aligned && is_vector_aligned(in.p[k]);
    in_place = in_place || in.p[k] == out;
  }
  constexpr int kVec = kVecElems<T>;
  if (aligned && n >= kVec) {
    if (in_place) {
      launch_rrelu_width<T, kBackward, false, kVec>(fn, op, key, key_device, delta, in, out, n,
                                                    stream);
    } else {
      launch_rrelu_width<T, kBackward, true, kVec>(fn, op, key, key_device, delta, in, out, n,
                                                   stream);
    }
  } else if (in_place) {
    launch_rrelu_width<T, kBackward, false, 1>(fn, op, key, key_device, delta, in, out, n, stream);
  } else {
    launch_rrelu_width<T, kBackward, true, 1>(fn, op, key, key_device, delta, in, out, n, stream);
  }
}

__global__ void advance_rrelu_offset_kernel(RReluKey* key) { key->offset += 1; }

template <class T>
void launch_rrelu(const char* fn, bool backward, const RRelu<compute_t<T>>& op, const RReluKey& key,
                  const RReluKey* key_device, std::uint64_t offset_delta, const T* v, const T* dy,
                  T* out, std::int64_t n, cudaStream_t stream) {
  InputPointers<T, 2> in{{v, dy}};
  if (backward) {
    launch_rrelu_pass<T, true>(fn, op, key, key_device, offset_delta, in, out, n, stream);
  } else {
    launch_rrelu_pass<T, false>(fn, op, key, key_device, offset_delta, in, out, n, stream);
  }
}

void launch_advance_rrelu_offset(const char* fn, RReluKey* key, cudaStream_t stream) {
  advance_rrelu_offset_kernel<<<1, 1, 0, stream>>>(key);
  CUACT_CUDA_TRY(cudaGetLastError(), fn);
}

#define CUACT_DETAIL_INSTANTIATE_RRELU(ctx, ENUM, value, T, name)                               \
  template void launch_rrelu<T>(const char*, bool, const RRelu<compute_t<T>>&, const RReluKey&, \
                                const RReluKey*, std::uint64_t, const T*, const T*, T*,         \
                                std::int64_t, cudaStream_t);
CUACT_DTYPES(CUACT_DETAIL_INSTANTIATE_RRELU, ~)

}  // namespace cuact::detail
