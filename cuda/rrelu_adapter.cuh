// RReLU's training passes as an indexed adapter of the elementwise kernel
// (elementwise_kernels.cuh): the slopes come from cuRAND's Philox4_32_10, keyed by (seed,
// offset) and the element index, so the forward and the backward draw the same ones whatever
// the grid. On the CPU emulation the same header runs, with cuRAND's host form of the Philox
// rounds (the tests check it against their own, tests/support/philox.hpp).
#pragma once

#include "cuda/vector_io.cuh"

#include <cuact/rrelu.hpp>
#include <cuact/types.hpp>

#include <curand_philox4x32_x.h>

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

__device__ __forceinline__ std::uint32_t philox_component(const uint4& r, int lane) {
  return lane == 0 ? r.x : lane == 1 ? r.y : lane == 2 ? r.z : r.w;
}

/// One RReLU training pass over tensors of T: the forward (f(a, x), one input) or the
/// backward (f(a, v, dy)), element i's slope a drawn from (key, i).
template <class T, bool kBackward>
struct RReluTraining {
  using C = compute_t<T>;
  static constexpr bool kIndexed = true;

  RRelu<C> op;
  RReluKey key;
  // When not null, the key is *key_device with offset_delta added to its offset, read when
  // the kernel runs (once per thread: for_thread).
  const RReluKey* key_device = nullptr;
  std::uint64_t offset_delta = 0;

  __device__ __forceinline__ RReluTraining for_thread() const {
    RReluTraining t = *this;
    if (key_device != nullptr) {
      t.key = *key_device;
      t.key.offset += offset_delta;
      t.key_device = nullptr;
    }
    return t;
  }

  template <int kVec>
  struct Slopes {
    C v[kVec];
  };

  /// The slopes of elements first .. first + kVec - 1 (first a multiple of kVec when kVec >
  /// 1). Their random values lie in one Philox block: kVec elements need 4 values (float,
  /// 16-bit types: the whole block, lanes known at compile time), 2 (double: half a block)
  /// or 1.
  template <int kVec>
  __device__ __forceinline__ Slopes<kVec> values(std::int64_t first) const {
    constexpr int kPerValue = RRelu<C>::template elements_per_value<T>;
    const auto value = static_cast<std::uint64_t>(first) / kPerValue;
    const uint4 r = philox_block(key, value / 4);
    Slopes<kVec> a;
    if constexpr (kVec / kPerValue == 4) {
      const std::uint32_t words[4] = {r.x, r.y, r.z, r.w};
#pragma unroll
      for (int j = 0; j < kVec; ++j) {
        a.v[j] = op.template slope_of<T>(words[j / kPerValue], j % kPerValue);
      }
    } else {
#pragma unroll
      for (int j = 0; j < kVec; ++j) {
        const auto e = static_cast<std::uint64_t>(first) + j;
        a.v[j] = op.template slope_of<T>(philox_component(r, static_cast<int>(e / kPerValue % 4)),
                                         static_cast<int>(e % kPerValue));
      }
    }
    return a;
  }

  __device__ __forceinline__ C operator()(C a, C x) const { return op.forward(x, a); }
  __device__ __forceinline__ C operator()(C a, C v, C dy) const { return op.grad(v, dy, a); }
};

}  // namespace cuact::detail
