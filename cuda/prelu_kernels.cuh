// PReLU kernels: forward, and backward writing dx and per-block partial sums of the alpha
// gradient in the same pass. Two tilings of the [outer, channels, inner] tensor:
//
//   prelu_channel_tiles_kernel   inner > 1 (NCHW, shared alpha): a block takes a tile of
//                                one channel's elements, so alpha is one scalar per block and
//                                the block's partial is one value.
//   prelu_channels_last_kernel   inner == 1 (NHWC, [N, C]): a block takes a unit of one
//                                column group (32 vectors wide) by one chunk of rows; each
//                                thread owns one column (so fixed channels) and walks rows,
//                                alpha is loaded once, and the block reduces over its row
//                                lanes.
//
// Both produce one partial per channel and chunk plus each channel's initial value
// (prelu_map.hpp: channel-major for the tiles, chunk-major for channels last, so that the
// stores of a block's channels are contiguous), summed in a fixed order; no atomics. kVec
// elements move per access: 16 / sizeof(T) when every tensor is 16-byte aligned and vectors
// never straddle a channel, else 1.
#pragma once

#include "cuda/launch.hpp"
#include "cuda/prelu_map.hpp"
#include "cuda/vector_io.cuh"

#include <cuact/ops.hpp>
#include <cuact/types.hpp>

#include <cub/block/block_reduce.cuh>

#include <cstdint>

namespace cuact::detail {

inline constexpr int kPreluThreads = 256;
// Accesses of V each thread issues before it computes: 4 of 8 or 16 bytes, or 8 of 2 or 4
// bytes on the unaligned path (rows whose length is not a multiple of the vector, e.g. 7x7
// NCHW maps), to keep enough bytes in flight per SM.
template <class V>
inline constexpr int kPreluUnroll = sizeof(V) >= 8 ? 4 : 8;

/// What a PReLU kernel computes. Forward: out = y from x. Backward: out = dx (when
/// kWriteOut) and partial sums of the alpha gradient (when kAlphaGrad) from x and dy.
/// kReadOnly: no output aliases an input, so the inputs may take the read-only load path
/// (false in place: y == x, dx == dy or dx == x).
template <bool kBackward, bool kWriteOut, bool kAlphaGrad, bool kReadOnly>
struct PreluMode {
  static constexpr bool backward = kBackward;
  static constexpr bool write_out = kWriteOut;
  static constexpr bool alpha_grad = kAlphaGrad;
  static constexpr bool read_only = kReadOnly;
};

template <class T>
struct PreluArgs {
  const T* x;
  const T* dy;  // backward only
  const compute_t<T>* alpha;
  T* out;                      // y or dx
  compute_t<T>* partials;      // alpha gradient only
  const compute_t<T>* dalpha;  // old dalpha for GradMode::accumulate, else null
};

/// Applies PReLU to one vector: writes the output and adds the alpha-gradient terms to acc.
template <class Mode, class T, int kVec>
__device__ __forceinline__ void prelu_vector(const Packed<T, kVec>& x, const Packed<T, kVec>& dy,
                                             const compute_t<T> (&alpha)[kVec],
                                             Packed<T, kVec>& out, compute_t<T> (&acc)[kVec]) {
#pragma unroll
  for (int j = 0; j < kVec; ++j) {
    const Prelu<compute_t<T>> op{alpha[j]};
    const auto xj = to_compute(x.v[j]);
    if constexpr (Mode::backward) {
      const auto dyj = to_compute(dy.v[j]);
      if constexpr (Mode::write_out) {
        out.v[j] = from_compute<T>(op.grad_from_input(xj, dyj));
      }
      if constexpr (Mode::alpha_grad) {
        acc[j] += op.alpha_grad_term(xj, dyj);
      }
    } else {
      out.v[j] = from_compute<T>(op.forward(xj));
    }
  }
}

/// Processes the vectors at element offsets at[u] (negative: none): every load first, then
/// the math and the stores, so that all the loads are in flight together.
template <class Mode, class T, int kVec>
__device__ __forceinline__ void prelu_batch(const PreluArgs<T>& a,
                                            const std::int64_t (&at)[kPreluUnroll<Packed<T, kVec>>],
                                            const compute_t<T> (&alpha)[kVec],
                                            compute_t<T> (&acc)[kVec]) {
  using V = Packed<T, kVec>;
  constexpr int kUnroll = kPreluUnroll<V>;
  V x[kUnroll];
  V dy[kUnroll];
#pragma unroll
  for (int u = 0; u < kUnroll; ++u) {
    if (at[u] >= 0) {
      x[u] = load_packed<T, kVec, Mode::read_only>(a.x + at[u]);
      if constexpr (Mode::backward) {
        dy[u] = load_packed<T, kVec, Mode::read_only>(a.dy + at[u]);
      }
    }
  }
#pragma unroll
  for (int u = 0; u < kUnroll; ++u) {
    if (at[u] >= 0) {
      V out;
      prelu_vector<Mode, T, kVec>(x[u], dy[u], alpha, out, acc);
      if constexpr (Mode::write_out) {
        store_packed<T, kVec>(a.out + at[u], out);
      }
    }
  }
}

/// Channel c's initial partial, at `slot`: what the reduction starts from.
template <class T>
__device__ __forceinline__ void write_initial_partial(const PreluArgs<T>& a, std::int64_t c,
                                                      std::int64_t slot) {
  a.partials[slot] = a.dalpha != nullptr ? a.dalpha[c] : compute_t<T>(0);
}

/// inner > 1. The elements of channel c form `outer` rows of `inner` contiguous elements;
/// numbered j = row * inner_v + v in vectors, they are cut into `chunks` equal tiles and
/// block b takes tiles b, b + gridDim.x, ... Inside a tile, thread t takes vectors
/// t, t + 256, ... kPreluUnroll at a time (all loads before any store); its (row, v) position
/// advances by a precomputed step, so there is no division per element. Requires
/// inner % kVec == 0.
template <class Mode, class T, int kVec>
__global__ void __launch_bounds__(kPreluThreads)
    prelu_channel_tiles_kernel(PreluArgs<T> a, std::int64_t outer, std::int64_t channels,
                               std::int64_t inner, std::int64_t chunks) {
  using C = compute_t<T>;
  using V = Packed<T, kVec>;
  using BlockReduce = cub::BlockReduce<C, kPreluThreads>;
  __shared__ typename BlockReduce::TempStorage reduce_storage;

  const ChannelTilesMap map{outer, channels, inner / kVec, chunks, kPreluThreads};

  for (std::int64_t tile = blockIdx.x; tile < map.tiles(); tile += gridDim.x) {
    const std::int64_t c = map.channel_of(tile);
    const std::int64_t chunk = map.chunk_of(tile);
    const std::int64_t end = map.end_of(tile);
    C alpha[kVec] = {};
    if constexpr (Mode::write_out) {  // alpha may be null when only dalpha is computed
#pragma unroll
      for (int j = 0; j < kVec; ++j) {
        alpha[j] = a.alpha[c];
      }
    }
    C acc[kVec] = {};

    auto cursor = map.first(tile, static_cast<int>(threadIdx.x));
    while (cursor.j < end) {
      std::int64_t at[kPreluUnroll<V>];
#pragma unroll
      for (int u = 0; u < kPreluUnroll<V>; ++u) {
        at[u] = cursor.j < end ? map.element(cursor, c, kVec) : -1;
        map.advance(cursor);
      }
      prelu_batch<Mode, T, kVec>(a, at, alpha, acc);
    }

    if constexpr (Mode::alpha_grad) {
      C thread_sum = acc[0];
#pragma unroll
      for (int k = 1; k < kVec; ++k) {
        thread_sum += acc[k];
      }
      const C block_sum = BlockReduce(reduce_storage).Sum(thread_sum);
      if (threadIdx.x == 0) {
        a.partials[prelu_partial_slot(c, chunk, chunks)] = block_sum;
        if (chunk == 0) {
          write_initial_partial(a, c, prelu_initial_slot(c, chunks));
        }
      }
      __syncthreads();  // reduce_storage is reused by the next tile
    }
  }
}

/// inner == 1: rows of `channels` elements, cols = channels / kVec vectors each, in units of
/// a column group by a chunk of rows (ChannelsLastMap). Thread (cl, rl) takes column
/// q = group * col_lanes + cl and rows r0 + rl, r0 + rl + row_lanes, ... of the chunk,
/// kPreluUnroll rows at a time: a warp reads consecutive vectors of a row. Its channels
/// (q*kVec + k) are fixed, so alpha is loaded once and acc[k] belongs to one channel. The
/// block then sums acc over row lanes in lane order through shared memory, and the lanes of
/// row 0 store the chunk's partials of the group's channels, which are contiguous.
/// Requires channels % kVec == 0.
template <class Mode, class T, int kVec>
__global__ void __launch_bounds__(kPreluThreads)
    prelu_channels_last_kernel(PreluArgs<T> a, std::int64_t rows, std::int64_t channels,
                               std::int64_t chunks) {
  using C = compute_t<T>;
  using V = Packed<T, kVec>;
  __shared__ C lane_sums[kPreluThreads * kVec];

  const ChannelsLastMap map{rows, channels / kVec, chunks, kPreluThreads};
  const std::int64_t cols = map.cols;
  const int col_lanes = map.col_lanes();
  const int row_lanes = map.row_lanes();
  const int cl = static_cast<int>(threadIdx.x) % col_lanes;
  const int rl = static_cast<int>(threadIdx.x) / col_lanes;
  const bool lane_used = rl < row_lanes;

  // Every thread runs every unit, so the barriers below are uniform.
  for (std::int64_t unit = blockIdx.x; unit < map.units(); unit += gridDim.x) {
    const std::int64_t chunk = map.chunk_of(unit);
    const std::int64_t q = map.column(map.group_of(unit), cl);
    const std::int64_t r_end = map.row_end(chunk);
    const bool active = lane_used && q < cols;
    if constexpr (Mode::alpha_grad) {
      if (chunk == 0 && active && rl == 0) {
#pragma unroll
        for (int k = 0; k < kVec; ++k) {
          write_initial_partial(a, q * kVec + k, channels_last_initial_slot(q * kVec + k));
        }
      }
    }
    C alpha[kVec] = {};
    C acc[kVec] = {};
    if (active) {
      if constexpr (Mode::write_out) {  // alpha may be null when only dalpha is computed
#pragma unroll
        for (int k = 0; k < kVec; ++k) {
          alpha[k] = a.alpha[q * kVec + k];
        }
      }
      std::int64_t r = map.row_begin(chunk) + rl;
      while (r < r_end) {
        std::int64_t at[kPreluUnroll<V>];
#pragma unroll
        for (int u = 0; u < kPreluUnroll<V>; ++u) {
          const std::int64_t ru = r + static_cast<std::int64_t>(u) * row_lanes;
          at[u] = ru < r_end ? map.element(ru, q, kVec) : -1;
        }
        prelu_batch<Mode, T, kVec>(a, at, alpha, acc);
        r += static_cast<std::int64_t>(kPreluUnroll<V>) * row_lanes;
      }
    }

    if constexpr (Mode::alpha_grad) {
      if (row_lanes > 1) {
        if (active) {
#pragma unroll
          for (int k = 0; k < kVec; ++k) {
            lane_sums[(rl * col_lanes + cl) * kVec + k] = acc[k];
          }
        }
        __syncthreads();
        if (active && rl == 0) {
          for (int lane = 1; lane < row_lanes; ++lane) {
#pragma unroll
            for (int k = 0; k < kVec; ++k) {
              acc[k] += lane_sums[(lane * col_lanes + cl) * kVec + k];
            }
          }
        }
        __syncthreads();  // lane_sums is reused by the next unit
      }
      if (active && rl == 0) {
#pragma unroll
        for (int k = 0; k < kVec; ++k) {
          a.partials[channels_last_partial_slot(q * kVec + k, chunk, channels)] = acc[k];
        }
      }
    }
  }
}

}  // namespace cuact::detail
