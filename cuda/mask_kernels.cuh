// The 1-bit-mask kernels (mask.hpp): a forward that writes y and the mask, and a backward
// from the mask. Launched by mask_dispatch.hpp (on the device through mask_device.cuh, on the
// CPU by the emulation tests); kernels exist only for the activations with a mask
// (has_mask_v).
#pragma once

#include "cuda/mask_map.hpp"
#include "cuda/vector_io.cuh"

#include <cuact/op_traits.hpp>
#include <cuact/types.hpp>

#include <cstdint>

namespace cuact::detail {

inline constexpr int kMaskThreads = 256;
// As elementwise_kernel: 4 vectors in flight per thread and input.
inline constexpr int kMaskUnroll = 4;

/// Reads the `count` (<= kVec) existing elements of vector i: one access when whole, one
/// element at a time for the last, partial one; the rest stay 0.
template <class T, int kVec, bool kReadOnly>
__device__ __forceinline__ Packed<T, kVec> load_vector(const T* p, const MaskWalk& walk,
                                                       std::int64_t i) {
  const int count = walk.elements_in(i);
  Packed<T, kVec> v{};
  if (count == kVec) {
    v = load_packed<T, kVec, kReadOnly>(p + i * kVec);
  } else {
    for (int j = 0; j < count; ++j) {
      v.v[j] = p[i * kVec + j];
    }
  }
  return v;
}

template <class T, int kVec>
__device__ __forceinline__ void store_vector(T* p, const MaskWalk& walk, std::int64_t i,
                                             const Packed<T, kVec>& v) {
  const int count = walk.elements_in(i);
  if (count == kVec) {
    store_packed<T, kVec>(p + i * kVec, v);
  } else {
    for (int j = 0; j < count; ++j) {
      p[i * kVec + j] = v.v[j];
    }
  }
}

/// The mask word of the lane's group from each lane's kVec bits (bit j: element j of its
/// vector), in every lane of the group.
template <int kVec>
__device__ __forceinline__ std::uint32_t assemble_word(std::uint32_t bits, int lane) {
  if constexpr (kVec == 1) {
    return __ballot_sync(0xffffffffu, bits != 0);
  } else {
    constexpr int kLanes = kMaskWordBits / kVec;
    return or_within_groups(
        bits << (lane % kLanes * kVec), kLanes,
        [](std::uint32_t v, int offset) { return __shfl_xor_sync(0xffffffffu, v, offset); });
  }
}

/// y = f(x) and the mask (MaskWalk, mask_map.hpp). A warp's step covers kVec whole words.
template <class Op, class T, bool kReadOnly, int kVec>
__global__ void __launch_bounds__(kMaskThreads)
    masked_forward_kernel(Op op, const T* x, T* y, std::uint32_t* mask, std::int64_t n) {
  using V = Packed<T, kVec>;
  constexpr int kUnroll = kMaskUnroll;
  const MaskWalk walk(n, kVec, kUnroll, static_cast<std::int64_t>(gridDim.x) * kMaskThreads);
  const int lane = static_cast<int>(threadIdx.x % 32);

  // f on a vector; returns its mask bits.
  const auto apply = [&](const V& in, V& out) {
    std::uint32_t bits = 0;
#pragma unroll
    for (int j = 0; j < kVec; ++j) {
      const auto v = to_compute(in.v[j]);
      out.v[j] = from_compute<T>(forward_for<T>(op, v));
      bits |= static_cast<std::uint32_t>(op.mask_bit(v)) << j;
    }
    return bits;
  };
  const auto store_word = [&](std::uint32_t bits, std::int64_t i) {
    const std::uint32_t word = assemble_word<kVec>(bits, lane);
    if (walk.writes_word(i)) {
      mask[walk.word_of(i)] = word;
    }
  };

  std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * kMaskThreads + threadIdx.x;
  for (; walk.full_warp_step(i - lane); i += kUnroll * walk.stride) {
    V in[kUnroll];
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      in[u] = load_packed<T, kVec, kReadOnly>(x + (i + u * walk.stride) * kVec);
    }
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      V out;
      const std::uint32_t bits = apply(in[u], out);
      store_packed<T, kVec>(y + (i + u * walk.stride) * kVec, out);
      store_word(bits, i + u * walk.stride);
    }
  }
  for (; walk.warp_has_work(i - lane); i += walk.stride) {
    V out;
    // Elements past n are 0 in `in`; their bits are cleared below.
    std::uint32_t bits = apply(load_vector<T, kVec, kReadOnly>(x, walk, i), out);
    bits &= (1u << walk.elements_in(i)) - 1u;  // elements_in <= kVec <= 8
    store_vector<T, kVec>(y, walk, i, out);
    store_word(bits, i);
  }
}

/// dx = f'(branch) * dy from the mask. Each vector's bits lie in one word (kVec divides 32),
/// read through the read-only path: the mask is never an output.
template <class Op, class T, bool kReadOnly, int kVec>
__global__ void __launch_bounds__(kMaskThreads)
    masked_backward_kernel(Op op, const std::uint32_t* mask, const T* dy, T* dx, std::int64_t n) {
  using V = Packed<T, kVec>;
  constexpr int kUnroll = kMaskUnroll;
  const MaskWalk walk(n, kVec, kUnroll, static_cast<std::int64_t>(gridDim.x) * kMaskThreads);
  const int lane = static_cast<int>(threadIdx.x % 32);

  const auto apply = [&](const V& g, std::uint32_t word, std::int64_t i) {
    const std::uint32_t bits = word >> walk.bit_of(i);
    V out;
#pragma unroll
    for (int j = 0; j < kVec; ++j) {
      out.v[j] = from_compute<T>(op.grad_from_mask_bit((bits >> j) & 1u, to_compute(g.v[j])));
    }
    return out;
  };

  std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * kMaskThreads + threadIdx.x;
  for (; walk.full_warp_step(i - lane); i += kUnroll * walk.stride) {
    V g[kUnroll];
    std::uint32_t words[kUnroll];
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      g[u] = load_packed<T, kVec, kReadOnly>(dy + (i + u * walk.stride) * kVec);
      words[u] = __ldg(mask + walk.word_of(i + u * walk.stride));
    }
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      store_packed<T, kVec>(dx + (i + u * walk.stride) * kVec,
                            apply(g[u], words[u], i + u * walk.stride));
    }
  }
  for (; i < walk.n_steps; i += walk.stride) {
    const V g = load_vector<T, kVec, kReadOnly>(dy, walk, i);
    store_vector<T, kVec>(dx, walk, i, apply(g, __ldg(mask + walk.word_of(i)), i));
  }
}

}  // namespace cuact::detail
