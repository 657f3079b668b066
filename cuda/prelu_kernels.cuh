// PReLU kernels: forward, and backward writing dx and per-block partial sums of the alpha
// gradient in the same pass. Three tilings of the [outer, channels, inner] tensor:
//
//   prelu_channel_tiles_kernel   inner > 1 (NCHW, shared alpha), rows on vector boundaries:
//                                a block takes a tile of one channel's elements, so alpha is
//                                one scalar per block and the block's partial is one value.
//   prelu_channel_tiles_masked_kernel
//                                the same tiles where rows do not start on vector boundaries
//                                (NCHW 7x7, 16-bit 14x14, odd shared counts, misaligned
//                                views): each row's vectors are loaded whole, the elements of
//                                neighbouring rows masked out of the sums, and the row's first
//                                and last vectors stored element by element.
//   prelu_channels_last_kernel   inner == 1 (NHWC, [N, C]), or rows shorter than a vector
//                                (NCHW 2x2 in 16-bit): a block takes a unit of one column
//                                group (32 vectors wide) by one chunk of super-rows (rows of
//                                lcm(channels * inner, kVec) elements); each thread owns one
//                                column (so fixed channels) and walks rows, alpha is loaded
//                                once, and the block reduces over its row lanes.
//
// All produce one partial per channel (column element, channels last) and chunk plus each
// channel's initial value (prelu_map.hpp: channel-major for the tiles, chunk-major for
// channels last, so that the stores of a block's channels are contiguous), summed in a fixed
// order; no atomics. When one block sums a channel whole (PreluPlan::direct_dalpha), it
// writes dalpha itself instead: one launch for small tensors. kVec elements move per access:
// 16 / sizeof(T) when every tensor starts at the same offset from a 16-byte boundary, else
// 1. Vectors reaching outside the tensor are skipped by the main loops and their elements
// taken one by one (VectorEdges).
#pragma once

#include "cuda/launch.hpp"
#include "cuda/prelu_map.hpp"
#include "cuda/vector_io.cuh"

#include <cuact/ops.hpp>
#include <cuact/types.hpp>

#include <cub/block/block_reduce.cuh>
#include <cub/warp/warp_reduce.cuh>

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
  compute_t<T>* partials;      // alpha gradient only, unless dalpha_out is set
  const compute_t<T>* dalpha;  // old dalpha for GradMode::accumulate, else null
  compute_t<T>* dalpha_out;    // PreluPlan::direct_dalpha: written here, no partials
};

/// Applies PReLU to one vector: writes the output and adds the alpha-gradient terms of the
/// elements in `mask` (bit j: element j) to acc; the others belong to another channel's row.
template <class Mode, class T, int kVec>
__device__ __forceinline__ void prelu_vector(const Packed<T, kVec>& x, const Packed<T, kVec>& dy,
                                             const compute_t<T> (&alpha)[kVec],
                                             Packed<T, kVec>& out, compute_t<T> (&acc)[kVec],
                                             unsigned mask = ~0u) {
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
        const auto term = op.alpha_grad_term(xj, dyj);
        // A select, not a multiply: another row's element may be NaN.
        acc[j] += (mask >> j & 1u) != 0 ? term : compute_t<T>(0);
      }
    } else {
      out.v[j] = from_compute<T>(op.forward(xj));
    }
  }
}

/// Loads the vectors at element offsets at[u] (negative: none), all before any math.
template <class Mode, class T, int kVec, int kUnroll>
__device__ __forceinline__ void prelu_load(const PreluArgs<T>& a,
                                           const std::int64_t (&at)[kUnroll],
                                           Packed<T, kVec> (&x)[kUnroll],
                                           Packed<T, kVec> (&dy)[kUnroll]) {
#pragma unroll
  for (int u = 0; u < kUnroll; ++u) {
    if (at[u] >= 0) {
      x[u] = load_packed<T, kVec, Mode::read_only>(a.x + at[u]);
      if constexpr (Mode::backward) {
        dy[u] = load_packed<T, kVec, Mode::read_only>(a.dy + at[u]);
      }
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
  prelu_load<Mode, T, kVec>(a, at, x, dy);
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

/// prelu_batch for vectors of which only the elements in mask[u] are the caller's: the
/// others' terms are left out of acc, and a vector not wholly the caller's is stored element
/// by element (its other elements are another block's to write). Whole vectors are still
/// loaded: reading a neighbour's elements is harmless, and in place they are not used.
template <class Mode, class T, int kVec>
__device__ __forceinline__ void prelu_masked_batch(
    const PreluArgs<T>& a, const std::int64_t (&at)[kPreluUnroll<Packed<T, kVec>>],
    const unsigned (&mask)[kPreluUnroll<Packed<T, kVec>>], const compute_t<T> (&alpha)[kVec],
    compute_t<T> (&acc)[kVec]) {
  using V = Packed<T, kVec>;
  constexpr int kUnroll = kPreluUnroll<V>;
  constexpr unsigned kWhole = (1u << kVec) - 1;
  V x[kUnroll];
  V dy[kUnroll];
  prelu_load<Mode, T, kVec>(a, at, x, dy);
#pragma unroll
  for (int u = 0; u < kUnroll; ++u) {
    if (at[u] >= 0) {
      V out;
      prelu_vector<Mode, T, kVec>(x[u], dy[u], alpha, out, acc, mask[u]);
      if constexpr (Mode::write_out) {
        if (mask[u] == kWhole) {
          store_packed<T, kVec>(a.out + at[u], out);
        } else {
#pragma unroll
          for (int j = 0; j < kVec; ++j) {
            if ((mask[u] >> j & 1u) != 0) {
              a.out[at[u] + j] = out.v[j];
            }
          }
        }
      }
    }
  }
}

/// Applies PReLU to element e alone (an edge element, VectorEdges) and adds its
/// alpha-gradient term to acc.
template <class Mode, class T>
__device__ __forceinline__ void prelu_element(const PreluArgs<T>& a, std::int64_t e,
                                              compute_t<T> alpha, compute_t<T>& acc) {
  const compute_t<T> alphas[1] = {alpha};
  compute_t<T> sums[1] = {acc};
  const Packed<T, 1> x = load_packed<T, 1, Mode::read_only>(a.x + e);
  Packed<T, 1> dy{};
  if constexpr (Mode::backward) {
    dy = load_packed<T, 1, Mode::read_only>(a.dy + e);
  }
  Packed<T, 1> out;
  prelu_vector<Mode, T, 1>(x, dy, alphas, out, sums);
  if constexpr (Mode::write_out) {
    a.out[e] = out.v[0];
  }
  acc = sums[0];
}

/// Channel c's initial value: what its alpha gradient starts from (old dalpha or 0).
template <class T>
__device__ __forceinline__ compute_t<T> initial_value(const PreluArgs<T>& a, std::int64_t c) {
  return a.dalpha != nullptr ? a.dalpha[c] : compute_t<T>(0);
}

/// Channel c's initial partial, at `slot`: what the reduction starts from.
template <class T>
__device__ __forceinline__ void write_initial_partial(const PreluArgs<T>& a, std::int64_t c,
                                                      std::int64_t slot) {
  a.partials[slot] = initial_value(a, c);
}

/// A block's sum of all of channel c's terms (a direct plan): dalpha[c] = initial + sum, the
/// sum the reduction would make of the channel's two partials. The thread reads the old
/// dalpha[c] before it writes it, and no other thread touches it.
template <class T>
__device__ __forceinline__ void write_direct_dalpha(const PreluArgs<T>& a, std::int64_t c,
                                                    compute_t<T> sum) {
  a.dalpha_out[c] = initial_value(a, c) + sum;
}

/// A tile's alpha, alpha[c], in every lane of a vector; zeros when only dalpha is computed
/// (alpha may then be null).
template <class Mode, class T, int kVec>
__device__ __forceinline__ void tile_alpha(const PreluArgs<T>& a, std::int64_t c,
                                           compute_t<T> (&alpha)[kVec]) {
#pragma unroll
  for (int j = 0; j < kVec; ++j) {
    if constexpr (Mode::write_out) {
      alpha[j] = a.alpha[c];
    } else {
      alpha[j] = compute_t<T>(0);
    }
  }
}

/// The end of a tile's work: the block's sum of acc is the tile's partial, and chunk 0 also
/// writes the channel's initial one; in a direct plan (one chunk: the tile is the whole
/// channel) it goes to dalpha instead.
template <class Mode, class T, int kVec, class ReduceStorage>
__device__ __forceinline__ void finish_tile(const PreluArgs<T>& a, const compute_t<T> (&acc)[kVec],
                                            std::int64_t c, std::int64_t chunk,
                                            std::int64_t chunks, ReduceStorage& storage) {
  if constexpr (Mode::alpha_grad) {
    using C = compute_t<T>;
    C thread_sum = acc[0];
#pragma unroll
    for (int k = 1; k < kVec; ++k) {
      thread_sum += acc[k];
    }
    const C block_sum = cub::BlockReduce<C, kPreluThreads>(storage).Sum(thread_sum);
    if (threadIdx.x == 0) {
      if (a.dalpha_out != nullptr) {
        write_direct_dalpha(a, c, block_sum);
      } else {
        a.partials[prelu_partial_slot(c, chunk, chunks)] = block_sum;
        if (chunk == 0) {
          write_initial_partial(a, c, prelu_initial_slot(c, chunks));
        }
      }
    }
    __syncthreads();  // storage is reused by the next tile
  }
}

/// inner > 1. The elements of channel c form `outer` rows of `inner` contiguous elements;
/// numbered j = row * inner_v + v in vectors, they are cut into `chunks` equal tiles and
/// block b takes tiles b, b + gridDim.x, ... Inside a tile, thread t takes vectors
/// t, t + 256, ... kPreluUnroll at a time (all loads before any store); its (row, v) position
/// advances by a precomputed step, so there is no division per element. Requires
/// inner % kVec == 0 and 16-byte-aligned tensors.
template <class Mode, class T, int kVec>
__global__ void __launch_bounds__(kPreluThreads)
    prelu_channel_tiles_kernel(PreluArgs<T> a, std::int64_t outer, std::int64_t channels,
                               std::int64_t inner, std::int64_t chunks) {
  using C = compute_t<T>;
  using V = Packed<T, kVec>;
  __shared__ typename cub::BlockReduce<C, kPreluThreads>::TempStorage reduce_storage;

  const ChannelTilesMap map{outer, channels, inner / kVec, chunks, kPreluThreads};

  for (std::int64_t tile = blockIdx.x; tile < map.tiles(); tile += gridDim.x) {
    const std::int64_t c = map.channel_of(tile);
    const std::int64_t end = map.end_of(tile);
    C alpha[kVec];
    tile_alpha<Mode>(a, c, alpha);
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
    finish_tile<Mode, T, kVec>(a, acc, c, map.chunk_of(tile), chunks, reduce_storage);
  }
}

/// inner > 1 with rows off vector boundaries (MaskedRowsMap): the tiles and walk of
/// prelu_channel_tiles_kernel over each row's slots() vector slots. A slot's vector is
/// loaded whole; only the elements of the row count towards acc, and a vector the row does
/// not fill is stored element by element. Vectors reaching outside the tensor are skipped,
/// and their elements (VectorEdges, fewer than 2 * kVec) taken one per thread by the tile
/// that owns each.
template <class Mode, class T, int kVec>
__global__ void __launch_bounds__(kPreluThreads)
    prelu_channel_tiles_masked_kernel(PreluArgs<T> a, MaskedRowsMap map) {
  using C = compute_t<T>;
  using V = Packed<T, kVec>;
  constexpr int kUnroll = kPreluUnroll<V>;
  __shared__ typename cub::BlockReduce<C, kPreluThreads>::TempStorage reduce_storage;

  const ChannelTilesMap& tiles = map.tiles;
  const VectorEdges edges{map.n, map.off, kVec};

  for (std::int64_t tile = blockIdx.x; tile < tiles.tiles(); tile += gridDim.x) {
    const std::int64_t c = tiles.channel_of(tile);
    const std::int64_t chunk = tiles.chunk_of(tile);
    const std::int64_t end = tiles.end_of(tile);
    C alpha[kVec];
    tile_alpha<Mode>(a, c, alpha);
    C acc[kVec] = {};

    auto cursor = map.first(tile, static_cast<int>(threadIdx.x));
    while (cursor.j < end) {
      std::int64_t at[kUnroll];
      unsigned mask[kUnroll];
#pragma unroll
      for (int u = 0; u < kUnroll; ++u) {
        const MaskedRowsMap::Span span = map.span(cursor, kVec);
        mask[u] = span.mask;
        const bool used =
            cursor.j < end && span.mask != 0 && vector_inside(span.start, kVec, map.n);
        at[u] = used ? span.start : -1;
        map.advance(cursor);
      }
      prelu_masked_batch<Mode, T, kVec>(a, at, mask, alpha, acc);
    }

    if (static_cast<int>(threadIdx.x) < edges.count()) {
      const std::int64_t e = edges.element(static_cast<int>(threadIdx.x));
      const MaskedRowsMap::Owner owner = map.owner_of(e, kVec);
      if (owner.channel == c && owner.chunk == chunk) {
        prelu_element<Mode, T>(a, e, alpha[0], acc[0]);
      }
    }
    finish_tile<Mode, T, kVec>(a, acc, c, chunk, tiles.chunks, reduce_storage);
  }
}

/// inner == 1, or rows shorter than a vector: super-rows of cols() vectors in units of a
/// column group by a chunk of rows (ChannelsLastMap). Thread (cl, rl) takes column
/// q = group * col_lanes + cl and rows r0 + rl, r0 + rl + row_lanes, ... of the chunk,
/// kPreluUnroll rows at a time: a warp reads consecutive vectors of a row. Its column
/// elements (q*kVec + k) and so its channels are fixed: alpha is loaded once and acc[k]
/// belongs to one channel. The row loop keeps to the rows where the column's vectors lie
/// inside the tensor; the two vectors that reach outside it are taken element by element by
/// their column's row lane 0. The block then sums acc over row lanes in lane order through
/// shared memory, and the lanes of row 0 store the chunk's partials of the group's column
/// elements, which are contiguous.
template <class Mode, class T, int kVec>
__global__ void __launch_bounds__(kPreluThreads)
    prelu_channels_last_kernel(PreluArgs<T> a, ChannelsLastMap map) {
  using C = compute_t<T>;
  using V = Packed<T, kVec>;
  __shared__ C lane_sums[kPreluThreads * kVec];

  const std::int64_t cols = map.cols();
  const int col_lanes = map.col_lanes();
  const int row_lanes = map.row_lanes();
  const int cl = static_cast<int>(threadIdx.x) % col_lanes;
  const int rl = static_cast<int>(threadIdx.x) / col_lanes;
  const bool lane_used = rl < row_lanes;

  // Every thread runs every unit, so the barriers below are uniform.
  for (std::int64_t unit = blockIdx.x; unit < map.units(); unit += gridDim.x) {
    const std::int64_t chunk = map.chunk_of(unit);
    const std::int64_t q = map.column(map.group_of(unit), cl);
    const bool active = lane_used && q < cols;
    if constexpr (Mode::alpha_grad) {
      if (chunk == 0 && active && rl == 0 && a.dalpha_out == nullptr) {
#pragma unroll
        for (int k = 0; k < kVec; ++k) {
          const std::int64_t c = q * kVec + k;  // each channel's initial value once
          if (c < map.channels) {
            write_initial_partial(a, c, channels_last_initial_slot(c));
          }
        }
      }
    }
    C alpha[kVec] = {};
    C acc[kVec] = {};
    if (active) {
      if constexpr (Mode::write_out) {  // alpha may be null when only dalpha is computed
        // Column element q*kVec's channel and place in the channel's run, then step.
        const std::int64_t period = map.channels * map.inner;
        const std::int64_t at = (q * kVec + map.width - map.off) % period;
        std::int64_t c = at / map.inner;
        std::int64_t in_run = at - c * map.inner;
#pragma unroll
        for (int k = 0; k < kVec; ++k) {
          alpha[k] = a.alpha[c];
          if (++in_run == map.inner) {
            in_run = 0;
            c = c + 1 == map.channels ? 0 : c + 1;
          }
        }
      }
      const std::int64_t r_begin = max(map.row_begin(chunk), map.inside_begin(q));
      const std::int64_t r_end = min(map.row_end(chunk), map.inside_end(q));
      std::int64_t r = r_begin + rl;
      while (r < r_end) {
        std::int64_t at[kPreluUnroll<V>];
#pragma unroll
        for (int u = 0; u < kPreluUnroll<V>; ++u) {
          const std::int64_t ru = r + static_cast<std::int64_t>(u) * row_lanes;
          at[u] = ru < r_end ? map.element(ru, q) : -1;
        }
        prelu_batch<Mode, T, kVec>(a, at, alpha, acc);
        r += static_cast<std::int64_t>(kPreluUnroll<V>) * row_lanes;
      }
      if (rl == 0) {
        for (int side = 0; side < 2; ++side) {
          const std::int64_t v = map.edge_vector(side);
          if (v >= 0 && v % cols == q && v / cols / map.chunk_rows() == chunk) {
            const std::int64_t start = map.element(v / cols, q);
#pragma unroll
            for (int k = 0; k < kVec; ++k) {
              if (start + k >= 0 && start + k < map.n) {
                prelu_element<Mode, T>(a, start + k, alpha[k], acc[k]);
              }
            }
          }
        }
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
        if (a.dalpha_out != nullptr) {
          // A direct plan: one chunk, and column element q*kVec + k is the only one of its
          // channel.
#pragma unroll
          for (int k = 0; k < kVec; ++k) {
            write_direct_dalpha(a,
                                channels_last_channel_of(q * kVec + k, map.channels, map.inner,
                                                         map.width, map.off),
                                acc[k]);
          }
        } else {
#pragma unroll
          for (int k = 0; k < kVec; ++k) {
            a.partials[channels_last_partial_slot(q * kVec + k, chunk, map.channels,
                                                  map.width)] = acc[k];
          }
        }
      }
    }
  }
}

inline constexpr int kDalphaThreads = 256;
/// Partials per channel up to which a warp, not the whole block, sums a channel.
inline constexpr std::int64_t kDalphaWarpPartials = 128;

/// Thread `lane` of `lanes`' share of channel c's partials: partials lane, lane + lanes, ...
/// in order (four loads in flight).
template <class C>
__device__ __forceinline__ C sum_channel_share(const C* partials, const PartialsLayout& layout,
                                               std::int64_t c, std::int64_t per_channel,
                                               int lane, int lanes) {
  C sum = 0;
#pragma unroll 4
  for (std::int64_t s = lane; s < per_channel; s += lanes) {
    sum += partials[layout.slot(c * per_channel + s)];
  }
  return sum;
}

/// Finishes the alpha gradient: dalpha[c] = the sum of channel c's partials (PartialsLayout),
/// the initial value included. kWarps: each warp takes a channel (warp w of block b channels
/// b * warps + w, + gridDim.x * warps, ...) and cub::WarpReduce sums its lanes; otherwise
/// the block takes a channel (b, b + gridDim.x, ...) and cub::BlockReduce sums its threads.
/// Each thread adds its share in order: a fixed order for a given layout, so dalpha is the
/// same bits on every run. A plain kernel, where cub::DeviceSegmentedReduce would query
/// occupancy and check errors on the host at every call.
template <class C, bool kWarps>
__global__ void __launch_bounds__(kDalphaThreads)
    prelu_dalpha_kernel(const C* partials, C* dalpha, PartialsLayout layout) {
  const std::int64_t per_channel = layout.per_channel();
  if constexpr (kWarps) {
    constexpr int kWarpsPerBlock = kDalphaThreads / 32;
    __shared__ typename cub::WarpReduce<C>::TempStorage storage[kWarpsPerBlock];
    const int warp = static_cast<int>(threadIdx.x) / 32;
    const int lane = static_cast<int>(threadIdx.x) % 32;
    for (std::int64_t c = static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock + warp;
         c < layout.channels; c += static_cast<std::int64_t>(gridDim.x) * kWarpsPerBlock) {
      const C sum = sum_channel_share(partials, layout, c, per_channel, lane, 32);
      const C total = cub::WarpReduce<C>(storage[warp]).Sum(sum);
      if (lane == 0) {
        dalpha[c] = total;
      }
    }
  } else {
    __shared__ typename cub::BlockReduce<C, kDalphaThreads>::TempStorage storage;
    for (std::int64_t c = blockIdx.x; c < layout.channels; c += gridDim.x) {
      const C sum = sum_channel_share(partials, layout, c, per_channel,
                                      static_cast<int>(threadIdx.x), kDalphaThreads);
      const C total = cub::BlockReduce<C, kDalphaThreads>(storage).Sum(sum);
      if (threadIdx.x == 0) {
        dalpha[c] = total;
      }
      __syncthreads();  // storage is reused by the next channel
    }
  }
}

}  // namespace cuact::detail
