// Runs CUDA kernel code on the CPU, so that CPU tests execute the kernels themselves, not
// only their index maps: each block's threads are fibers (ucontext) switched at barriers and
// run, between two barriers, one after another in a shuffled order (so that a value one
// thread reads and another writes with no barrier between them comes out wrong in some
// order), blocks run one after another (last first, so that no kernel can rely on an
// order), and __shared__ variables are statics, one copy for the block that runs. Enough of
// CUDA for cuact's elementwise, mask, gated and PReLU kernels: the thread and block indices,
// __syncthreads, the load and store intrinsics of vector_io.cuh, full-warp shuffles and
// ballots, and cub::BlockReduce / cub::WarpReduce (tests/emulation/cub).
//
// A barrier some threads of a block (or of a warp, for the warp reductions) never reach is
// reported as an error, as is a kernel that finishes some threads while others wait: on a GPU
// those hang or are undefined.
//
// Include this before any CUDA or cuact header, and only in emulation tests.
#pragma once

#define __device__
#define __global__
#define __host__
#define __shared__ static
#define __launch_bounds__(...)

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <functional>

namespace cuact::emulation {

/// The running fiber's CUDA indices.
inline thread_local uint3 thread_index;
inline thread_local uint3 block_index;
inline thread_local dim3 grid_size;
inline thread_local dim3 block_size;

/// Waits until every thread of the block is here.
void block_barrier();
/// Waits until every thread of the calling thread's warp (32 threads) is here.
void warp_barrier();

/// The value `value` of lane (this lane ^ lane_mask) of the calling thread's warp, every
/// lane taking part (the full-mask __shfl_xor_sync).
std::uint32_t warp_exchange_xor(std::uint32_t value, int lane_mask);
/// Bit l set when lane l's predicate is true, every lane taking part.
std::uint32_t warp_ballot(bool predicate);

/// Runs kernel() once per thread of `grid` x `threads` blocks (1-D), blocks one after
/// another from the last. Throws std::logic_error for a barrier not all threads reach.
void launch(unsigned grid, unsigned threads, const std::function<void()>& kernel);

}  // namespace cuact::emulation

#define threadIdx (::cuact::emulation::thread_index)
#define blockIdx (::cuact::emulation::block_index)
#define gridDim (::cuact::emulation::grid_size)
#define blockDim (::cuact::emulation::block_size)

inline void __syncthreads() { ::cuact::emulation::block_barrier(); }
template <class R>
R __ldg(const R* p) {
  return *p;
}
template <class R>
R __ldca(const R* p) {
  return *p;
}
template <class R>
void __stwb(R* p, R value) {
  *p = value;
}
/// Only the full-warp forms (mask 0xffffffff), the only ones cuact's kernels use.
inline std::uint32_t __shfl_xor_sync(unsigned mask, std::uint32_t value, int lane_mask) {
  (void)mask;
  return ::cuact::emulation::warp_exchange_xor(value, lane_mask);
}
inline std::uint32_t __ballot_sync(unsigned mask, bool predicate) {
  (void)mask;
  return ::cuact::emulation::warp_ballot(predicate);
}
using std::max;
using std::min;
