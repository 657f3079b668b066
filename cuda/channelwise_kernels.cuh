// The channelwise engine's kernels: an elementwise op with parameters per channel of an
// [outer, channels, inner] tensor (a channel functor F, below: PReLU's alpha, a bias before
// an activation), forward, and backward writing dx and per-block partial sums of the
// per-channel gradient terms in the same pass. Three tilings:
//
//   channel_tiles_kernel         inner > 1 (NCHW, shared parameter), rows on vector
//                                boundaries: a block takes a tile of one channel's elements,
//                                so the channel's values are loaded once per block and the
//                                block's partial is one value per term.
//   channel_tiles_masked_kernel  the same tiles where rows do not start on vector boundaries
//                                (NCHW 7x7, 16-bit 14x14, odd shared counts, misaligned
//                                views): each row's vectors are loaded whole, the elements of
//                                neighbouring rows masked out of the sums, and the row's first
//                                and last vectors stored element by element.
//   channels_last_kernel         inner == 1 (NHWC, [N, C]), or rows shorter than a vector
//                                (NCHW 2x2 in 16-bit): a block takes a unit of one column
//                                group (32 vectors wide) by one chunk of super-rows (rows of
//                                lcm(channels * inner, kVec) elements); each thread owns one
//                                column (so fixed channels) and walks rows, the channels'
//                                values are loaded once, and the block reduces over its row
//                                lanes.
//
// All produce, per gradient term, one partial per channel (column element, channels last)
// and chunk plus each channel's initial value (channelwise_map.hpp: channel-major for the
// tiles, chunk-major for channels last, so that the stores of a block's channels are
// contiguous), summed in a fixed order by channel_grads_kernel; no atomics. The partition is
// the plan's (channelwise_plan.hpp: the shape's alone); blocks loop over its units, so the
// grid changes no sum. When one block sums a channel whole (ChannelwisePlan::direct), it
// writes the gradient itself instead: one launch for small tensors. kVec elements move per
// access: 16 / sizeof(T) when every tensor starts at the same offset from a 16-byte
// boundary, else 1. Vectors reaching outside the tensor are skipped by the main loops and
// their elements taken one by one (VectorEdges).
//
// A channel functor F is a small struct (cuda/prelu_channel.hpp, cuda/bias_channel.hpp) with
//   using Elem = T                          the element type of x, dy and the outputs
//   static constexpr int kTerms             gradient terms per channel (1 to 4)
//   static constexpr bool kOptionalOutputs  the backward tests out, out2 and the gradient
//                                           pointers for null at run time (one kernel for
//                                           every subset of outputs) instead of taking the
//                                           outputs from the Mode
//   static constexpr bool kRecompute        the backward may also write forward(x) to out2
//   struct Channel                          one channel's values, loaded once per tile or
//   Channel channel(std::int64_t c) const   column
//   C forward(const Channel&, C x) const
//   C backward(const Channel&, C x, C dy, C (&terms)[kTerms]) const
//                                           returns dx and sets the channel's gradient terms
// with C = compute_t<T>.
#pragma once

#include "cuda/channelwise_map.hpp"
#include "cuda/vector_io.cuh"

#include <cuact/types.hpp>

#include <cub/block/block_reduce.cuh>
#include <cub/warp/warp_reduce.cuh>

#include <cstdint>

namespace cuact::detail {

inline constexpr int kChannelwiseThreads = 256;
// Accesses of V each thread issues before it computes: 4 of 8 or 16 bytes, or 8 of 2 or 4
// bytes on the unaligned path (rows whose length is not a multiple of the vector, e.g. 7x7
// NCHW maps), to keep enough bytes in flight per SM.
template <class V>
inline constexpr int kChannelwiseUnroll = sizeof(V) >= 8 ? 4 : 8;

/// What a channelwise kernel computes. Forward: out = y from x. Backward: out = dx (when
/// kWriteOut) and partial sums of the gradient terms (when kGrads) from x and dy; with a
/// functor of kOptionalOutputs, only those of out, out2 and the gradients that are not null.
/// kReadOnly: no output aliases an input, so the inputs may take the read-only load path
/// (false in place: y == x, dx == dy or dx == x).
template <bool kBackward, bool kWriteOut, bool kGrads, bool kReadOnly>
struct ChannelwiseMode {
  static constexpr bool backward = kBackward;
  static constexpr bool write_out = kWriteOut;
  static constexpr bool grads = kGrads;
  static constexpr bool read_only = kReadOnly;
};

template <class F>
struct ChannelwiseArgs {
  using T = typename F::Elem;
  using C = compute_t<T>;
  static constexpr int kTerms = F::kTerms;
  static_assert(kTerms >= 1 && kTerms <= 4, "the plans' limits assume at most 4 terms");

  F f;
  const T* x;
  const T* dy;  // backward only
  T* out;       // y or dx
  T* out2;      // backward of a kRecompute functor: y = forward(x), or null
  // Gradients only, unless direct is set: term t's partials start at t * term_stride.
  C* partials;
  std::int64_t term_stride;
  const C* initial[kTerms];  // old gradients for GradMode::accumulate, else null
  C* direct[kTerms];         // ChannelwisePlan::direct: the gradients, written here

  /// Whether this call computes the gradient terms (a functor of kOptionalOutputs decides
  /// at run time; the same for every thread).
  CUACT_HOST_DEVICE bool wants_grads() const { return partials != nullptr || direct[0] != nullptr; }
};

/// Whether the kernels of Mode compute F's gradient terms, at compile time, and for this
/// call.
template <class Mode, class F>
__device__ __forceinline__ bool grads_wanted(const ChannelwiseArgs<F>& a) {
  if constexpr (!Mode::grads) {
    return false;
  } else if constexpr (F::kOptionalOutputs) {
    return a.wants_grads();
  } else {
    return true;
  }
}

/// Whether the kernels of Mode write `out` (y or dx) for this call.
template <class Mode, class F>
__device__ __forceinline__ bool writes_out(const ChannelwiseArgs<F>& a) {
  if constexpr (!Mode::write_out) {
    return false;
  } else if constexpr (F::kOptionalOutputs) {
    return a.out != nullptr;
  } else {
    return true;
  }
}

/// Whether the backward writes the recomputed forward to out2 for this call.
template <class Mode, class F>
__device__ __forceinline__ bool writes_out2(const ChannelwiseArgs<F>& a) {
  if constexpr (Mode::backward && F::kRecompute) {
    return a.out2 != nullptr;
  } else {
    return false;
  }
}

/// Per-term accumulators of kVec lanes.
template <class F, int kVec>
using Accumulators = compute_t<typename F::Elem>[F::kTerms][kVec];

/// Applies the op to one vector: writes the output (and out2) and adds the gradient terms of
/// the elements in `mask` (bit j: element j) to acc; the others belong to another channel's
/// row.
template <class Mode, class F, int kVec, class T = typename F::Elem>
__device__ __forceinline__ void channelwise_vector(const F& f, const Packed<T, kVec>& x,
                                                   const Packed<T, kVec>& dy,
                                                   const typename F::Channel (&ch)[kVec],
                                                   Packed<T, kVec>& out, Packed<T, kVec>& out2,
                                                   Accumulators<F, kVec>& acc,
                                                   unsigned mask = ~0u) {
  using C = compute_t<T>;
#pragma unroll
  for (int j = 0; j < kVec; ++j) {
    const C xj = to_compute(x.v[j]);
    if constexpr (Mode::backward) {
      C terms[F::kTerms];
      const C dx = f.backward(ch[j], xj, to_compute(dy.v[j]), terms);
      if constexpr (Mode::write_out) {
        out.v[j] = from_compute<T>(dx);
      }
      if constexpr (F::kRecompute) {
        out2.v[j] = from_compute<T>(f.forward(ch[j], xj));
      }
      if constexpr (Mode::grads) {
#pragma unroll
        for (int t = 0; t < F::kTerms; ++t) {
          // A select, not a multiply: another row's element may be NaN.
          acc[t][j] += (mask >> j & 1u) != 0 ? terms[t] : C(0);
        }
      }
    } else {
      out.v[j] = from_compute<T>(f.forward(ch[j], xj));
    }
  }
}

/// Loads the vectors at element offsets at[u] (negative: none), all before any math.
template <class Mode, class F, int kVec, int kUnroll, class T = typename F::Elem>
__device__ __forceinline__ void channelwise_load(const ChannelwiseArgs<F>& a,
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

/// Stores vector v at element e: whole, or only the elements in `mask` one by one (the
/// others are another block's to write).
template <class T, int kVec>
__device__ __forceinline__ void channelwise_store(T* p, std::int64_t e, const Packed<T, kVec>& v,
                                                  unsigned mask) {
  constexpr unsigned kWhole = (1u << kVec) - 1;
  if (mask == kWhole) {
    store_packed<T, kVec>(p + e, v);
  } else {
#pragma unroll
    for (int j = 0; j < kVec; ++j) {
      if ((mask >> j & 1u) != 0) {
        p[e + j] = v.v[j];
      }
    }
  }
}

/// Processes the vectors at element offsets at[u] (negative: none): every load first, then
/// the math and the stores, so that all the loads are in flight together. With kMasked,
/// only the elements in mask[u] are the caller's: the others' terms are left out of acc, and
/// a vector not wholly the caller's is stored element by element. Whole vectors are still
/// loaded: reading a neighbour's elements is harmless, and in place they are not used.
template <class Mode, bool kMasked, class F, int kVec,
          int kUnroll = kChannelwiseUnroll<Packed<typename F::Elem, kVec>>>
__device__ __forceinline__ void channelwise_batch(const ChannelwiseArgs<F>& a,
                                                  const std::int64_t (&at)[kUnroll],
                                                  const unsigned (&mask)[kUnroll],
                                                  const typename F::Channel (&ch)[kVec],
                                                  Accumulators<F, kVec>& acc) {
  using T = typename F::Elem;
  using V = Packed<T, kVec>;
  constexpr unsigned kWhole = (1u << kVec) - 1;
  V x[kUnroll];
  V dy[kUnroll];
  channelwise_load<Mode, F, kVec>(a, at, x, dy);
  const bool out = writes_out<Mode>(a);
  const bool out2 = writes_out2<Mode>(a);
#pragma unroll
  for (int u = 0; u < kUnroll; ++u) {
    if (at[u] >= 0) {
      V o;
      V o2;
      const unsigned m = kMasked ? mask[u] : kWhole;
      channelwise_vector<Mode, F, kVec>(a.f, x[u], dy[u], ch, o, o2, acc, kMasked ? m : ~0u);
      if (out) {
        if constexpr (kMasked) {
          channelwise_store<T, kVec>(a.out, at[u], o, m);
        } else {
          store_packed<T, kVec>(a.out + at[u], o);
        }
      }
      if (out2) {
        if constexpr (kMasked) {
          channelwise_store<T, kVec>(a.out2, at[u], o2, m);
        } else {
          store_packed<T, kVec>(a.out2 + at[u], o2);
        }
      }
    }
  }
}

/// Applies the op to element e alone (an edge element, VectorEdges) and adds its gradient
/// terms to lane k of acc.
template <class Mode, class F, int kVec>
__device__ __forceinline__ void channelwise_element(const ChannelwiseArgs<F>& a, std::int64_t e,
                                                    const typename F::Channel& ch,
                                                    Accumulators<F, kVec>& acc, int k) {
  using T = typename F::Elem;
  const typename F::Channel chs[1] = {ch};
  Accumulators<F, 1> sums;
#pragma unroll
  for (int t = 0; t < F::kTerms; ++t) {
    sums[t][0] = acc[t][k];
  }
  const Packed<T, 1> x = load_packed<T, 1, Mode::read_only>(a.x + e);
  Packed<T, 1> dy{};
  if constexpr (Mode::backward) {
    dy = load_packed<T, 1, Mode::read_only>(a.dy + e);
  }
  Packed<T, 1> out;
  Packed<T, 1> out2;
  channelwise_vector<Mode, F, 1>(a.f, x, dy, chs, out, out2, sums);
  if (writes_out<Mode>(a)) {
    a.out[e] = out.v[0];
  }
  if (writes_out2<Mode>(a)) {
    a.out2[e] = out2.v[0];
  }
#pragma unroll
  for (int t = 0; t < F::kTerms; ++t) {
    acc[t][k] = sums[t][0];
  }
}

/// The vector of kVec elements from `start` of which only those inside [0, n) exist (an edge
/// vector, reaching outside the tensor): those elements loaded one by one, processed as one
/// masked vector (the others' terms left out of acc) and stored one by one. One copy of the
/// vector math instead of one per element keeps the kernels small.
template <class Mode, class F, int kVec>
__device__ __forceinline__ void channelwise_edge_vector(const ChannelwiseArgs<F>& a,
                                                        std::int64_t start, std::int64_t n,
                                                        const typename F::Channel (&ch)[kVec],
                                                        Accumulators<F, kVec>& acc) {
  using T = typename F::Elem;
  Packed<T, kVec> x{};
  Packed<T, kVec> dy{};
  unsigned mask = 0;
#pragma unroll
  for (int k = 0; k < kVec; ++k) {
    const std::int64_t e = start + k;
    if (e >= 0 && e < n) {
      mask |= 1u << k;
      x.v[k] = load_packed<T, 1, Mode::read_only>(a.x + e).v[0];
      if constexpr (Mode::backward) {
        dy.v[k] = load_packed<T, 1, Mode::read_only>(a.dy + e).v[0];
      }
    }
  }
  Packed<T, kVec> out;
  Packed<T, kVec> out2;
  channelwise_vector<Mode, F, kVec>(a.f, x, dy, ch, out, out2, acc, mask);
#pragma unroll
  for (int k = 0; k < kVec; ++k) {
    if ((mask >> k & 1u) != 0) {
      if (writes_out<Mode>(a)) {
        a.out[start + k] = out.v[k];
      }
      if (writes_out2<Mode>(a)) {
        a.out2[start + k] = out2.v[k];
      }
    }
  }
}

/// Term t of channel c's initial value: what its gradient starts from (old gradient or 0).
template <class F>
__device__ __forceinline__ compute_t<typename F::Elem> initial_value(const ChannelwiseArgs<F>& a,
                                                                     int t, std::int64_t c) {
  return a.initial[t] != nullptr ? a.initial[t][c] : compute_t<typename F::Elem>(0);
}

/// Channel c's initial partials, at `slot` of each term: what the reduction starts from.
template <class F>
__device__ __forceinline__ void write_initial_partials(const ChannelwiseArgs<F>& a,
                                                       std::int64_t c, std::int64_t slot) {
#pragma unroll
  for (int t = 0; t < F::kTerms; ++t) {
    a.partials[t * a.term_stride + slot] = initial_value(a, t, c);
  }
}

/// A block's sum of all of channel c's term-t values (a direct plan): gradient[c] = initial
/// + sum, the sum the reduction would make of the channel's two partials. The thread reads
/// the old gradient before it writes it, and no other thread touches it.
template <class F>
__device__ __forceinline__ void write_direct(const ChannelwiseArgs<F>& a, int t, std::int64_t c,
                                             compute_t<typename F::Elem> sum) {
  a.direct[t][c] = initial_value(a, t, c) + sum;
}

/// A tile's channel values, f.channel(c), in every lane of a vector.
template <class F, int kVec>
__device__ __forceinline__ void tile_channel(const ChannelwiseArgs<F>& a, std::int64_t c,
                                             typename F::Channel (&ch)[kVec]) {
  const typename F::Channel one = a.f.channel(c);
#pragma unroll
  for (int j = 0; j < kVec; ++j) {
    ch[j] = one;
  }
}

/// The end of a tile's work: the block's sum of acc, per term, is the tile's partial, and
/// chunk 0 also writes the channel's initial ones; in a direct plan (one chunk: the tile is
/// the whole channel) it goes to the gradient instead.
template <class Mode, class F, int kVec, class ReduceStorage>
__device__ __forceinline__ void finish_tile(const ChannelwiseArgs<F>& a,
                                            const Accumulators<F, kVec>& acc, std::int64_t c,
                                            std::int64_t chunk, std::int64_t chunks,
                                            ReduceStorage& storage) {
  if (grads_wanted<Mode>(a)) {
    using C = compute_t<typename F::Elem>;
#pragma unroll
    for (int t = 0; t < F::kTerms; ++t) {
      C thread_sum = acc[t][0];
#pragma unroll
      for (int k = 1; k < kVec; ++k) {
        thread_sum += acc[t][k];
      }
      const C block_sum = cub::BlockReduce<C, kChannelwiseThreads>(storage).Sum(thread_sum);
      if (threadIdx.x == 0) {
        if (a.direct[0] != nullptr) {
          write_direct(a, t, c, block_sum);
        } else {
          a.partials[t * a.term_stride + tile_partial_slot(c, chunk, chunks)] = block_sum;
        }
      }
      __syncthreads();  // storage is reused by the next term or tile
    }
    if (threadIdx.x == 0 && a.direct[0] == nullptr && chunk == 0) {
      write_initial_partials(a, c, tile_initial_slot(c, chunks));
    }
  }
}

/// inner > 1. The elements of channel c form `outer` rows of `inner` contiguous elements;
/// numbered j = row * inner_v + v in vectors, they are cut into `chunks` equal tiles and
/// block b takes tiles b, b + gridDim.x, ... Inside a tile, thread t takes vectors
/// t, t + 256, ... kChannelwiseUnroll at a time (all loads before any store); its (row, v)
/// position advances by a precomputed step, so there is no division per element. Requires
/// inner % kVec == 0 and 16-byte-aligned tensors.
template <class Mode, class F, int kVec>
__global__ void __launch_bounds__(kChannelwiseThreads)
    channel_tiles_kernel(ChannelwiseArgs<F> a, std::int64_t outer, std::int64_t channels,
                         std::int64_t inner, std::int64_t chunks) {
  using C = compute_t<typename F::Elem>;
  constexpr int kUnroll = kChannelwiseUnroll<Packed<typename F::Elem, kVec>>;
  __shared__ typename cub::BlockReduce<C, kChannelwiseThreads>::TempStorage reduce_storage;

  const ChannelTilesMap map{outer, channels, inner / kVec, chunks, kChannelwiseThreads};
  const unsigned no_mask[kUnroll] = {};

  for (std::int64_t tile = blockIdx.x; tile < map.tiles(); tile += gridDim.x) {
    const std::int64_t c = map.channel_of(tile);
    const std::int64_t end = map.end_of(tile);
    typename F::Channel ch[kVec];
    tile_channel(a, c, ch);
    Accumulators<F, kVec> acc = {};

    auto cursor = map.first(tile, static_cast<int>(threadIdx.x));
    while (cursor.j < end) {
      std::int64_t at[kUnroll];
#pragma unroll
      for (int u = 0; u < kUnroll; ++u) {
        at[u] = cursor.j < end ? map.element(cursor, c, kVec) : -1;
        map.advance(cursor);
      }
      channelwise_batch<Mode, false, F, kVec>(a, at, no_mask, ch, acc);
    }
    finish_tile<Mode, F, kVec>(a, acc, c, map.chunk_of(tile), chunks, reduce_storage);
  }
}

/// inner > 1 with rows off vector boundaries (MaskedRowsMap): the tiles and walk of
/// channel_tiles_kernel over each row's slots() vector slots. A slot's vector is loaded
/// whole; only the elements of the row count towards acc, and a vector the row does not fill
/// is stored element by element. Vectors reaching outside the tensor are skipped, and their
/// elements (VectorEdges, fewer than 2 * kVec) taken one per thread by the tile that owns
/// each.
template <class Mode, class F, int kVec>
__global__ void __launch_bounds__(kChannelwiseThreads)
    channel_tiles_masked_kernel(ChannelwiseArgs<F> a, MaskedRowsMap map) {
  using C = compute_t<typename F::Elem>;
  constexpr int kUnroll = kChannelwiseUnroll<Packed<typename F::Elem, kVec>>;
  __shared__ typename cub::BlockReduce<C, kChannelwiseThreads>::TempStorage reduce_storage;

  const ChannelTilesMap& tiles = map.tiles;
  const VectorEdges edges{map.n, map.off, kVec};

  for (std::int64_t tile = blockIdx.x; tile < tiles.tiles(); tile += gridDim.x) {
    const std::int64_t c = tiles.channel_of(tile);
    const std::int64_t chunk = tiles.chunk_of(tile);
    const std::int64_t end = tiles.end_of(tile);
    typename F::Channel ch[kVec];
    tile_channel(a, c, ch);
    Accumulators<F, kVec> acc = {};

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
      channelwise_batch<Mode, true, F, kVec>(a, at, mask, ch, acc);
    }

    if (static_cast<int>(threadIdx.x) < edges.count()) {
      const std::int64_t e = edges.element(static_cast<int>(threadIdx.x));
      const MaskedRowsMap::Owner owner = map.owner_of(e, kVec);
      if (owner.channel == c && owner.chunk == chunk) {
        channelwise_element<Mode, F, kVec>(a, e, ch[0], acc, 0);
      }
    }
    finish_tile<Mode, F, kVec>(a, acc, c, chunk, tiles.chunks, reduce_storage);
  }
}

/// inner == 1, or rows shorter than a vector: super-rows of cols() vectors in units of a
/// column group by a chunk of rows (ChannelsLastMap). Thread (cl, rl) takes column
/// q = group * col_lanes + cl and rows r0 + rl, r0 + rl + row_lanes, ... of the chunk,
/// kChannelwiseUnroll rows at a time: a warp reads consecutive vectors of a row. Its column
/// elements (q*kVec + k) and so its channels are fixed: their values are loaded once and
/// acc[t][k] belongs to one channel. The row loop keeps to the rows where the column's
/// vectors lie inside the tensor; the two vectors that reach outside it are taken element by
/// element by their column's row lane 0. The block then sums acc over row lanes in lane
/// order through shared memory, and the lanes of row 0 store the chunk's partials of the
/// group's column elements, which are contiguous.
template <class Mode, class F, int kVec>
__global__ void __launch_bounds__(kChannelwiseThreads)
    channels_last_kernel(ChannelwiseArgs<F> a, ChannelsLastMap map) {
  using C = compute_t<typename F::Elem>;
  constexpr int kUnroll = kChannelwiseUnroll<Packed<typename F::Elem, kVec>>;
  constexpr int kTerms = F::kTerms;
  __shared__ C lane_sums[kChannelwiseThreads * kVec * (Mode::grads ? kTerms : 1)];

  const std::int64_t cols = map.cols();
  const int col_lanes = map.col_lanes();
  const int row_lanes = map.row_lanes();
  const int cl = static_cast<int>(threadIdx.x) % col_lanes;
  const int rl = static_cast<int>(threadIdx.x) / col_lanes;
  const bool lane_used = rl < row_lanes;
  const bool grads = grads_wanted<Mode>(a);
  const unsigned no_mask[kUnroll] = {};

  // Every thread runs every unit, so the barriers below are uniform.
  for (std::int64_t unit = blockIdx.x; unit < map.units(); unit += gridDim.x) {
    const std::int64_t chunk = map.chunk_of(unit);
    const std::int64_t q = map.column(map.group_of(unit), cl);
    const bool active = lane_used && q < cols;
    if (grads && chunk == 0 && active && rl == 0 && a.direct[0] == nullptr) {
#pragma unroll
      for (int k = 0; k < kVec; ++k) {
        const std::int64_t c = q * kVec + k;  // each channel's initial values once
        if (c < map.channels) {
          write_initial_partials(a, c, channels_last_initial_slot(c));
        }
      }
    }
    typename F::Channel ch[kVec];
    std::int64_t chan[kVec];  // the channel of column element q*kVec + k
    Accumulators<F, kVec> acc = {};
    if (active) {
      // Column element q*kVec's channel and place in the channel's run, then step.
      const std::int64_t period = map.channels * map.inner;
      const std::int64_t at = (q * kVec + map.width - map.off) % period;
      std::int64_t c = at / map.inner;
      std::int64_t in_run = at - c * map.inner;
#pragma unroll
      for (int k = 0; k < kVec; ++k) {
        chan[k] = c;
        ch[k] = a.f.channel(c);
        if (++in_run == map.inner) {
          in_run = 0;
          c = c + 1 == map.channels ? 0 : c + 1;
        }
      }
      const std::int64_t r_begin = max(map.row_begin(chunk), map.inside_begin(q));
      const std::int64_t r_end = min(map.row_end(chunk), map.inside_end(q));
      // The lane's rows r, r + row_lanes, ...: their elements are row_step apart, so the
      // offsets advance by additions (no 64-bit multiply per vector).
      const std::int64_t row_step = static_cast<std::int64_t>(row_lanes) * map.width;
      std::int64_t r = r_begin + rl;
      std::int64_t e = map.element(r, q);
      while (r < r_end) {
        const std::int64_t rows_left = r_end - r;
        std::int64_t at_u[kUnroll];
#pragma unroll
        for (int u = 0; u < kUnroll; ++u) {
          at_u[u] = static_cast<std::int64_t>(u) * row_lanes < rows_left
                        ? e + static_cast<std::int64_t>(u) * row_step
                        : -1;
        }
        channelwise_batch<Mode, false, F, kVec>(a, at_u, no_mask, ch, acc);
        r += static_cast<std::int64_t>(kUnroll) * row_lanes;
        e += static_cast<std::int64_t>(kUnroll) * row_step;
      }
      if (rl == 0) {
#pragma unroll 1
        for (int side = 0; side < 2; ++side) {
          const std::int64_t v = map.edge_vector(side);
          if (v >= 0 && v % cols == q && v / cols / map.chunk_rows() == chunk) {
            channelwise_edge_vector<Mode, F, kVec>(a, map.element(v / cols, q), map.n, ch, acc);
          }
        }
      }
    }

    if (grads) {
      if (row_lanes > 1) {
        if (active) {
#pragma unroll
          for (int t = 0; t < kTerms; ++t) {
#pragma unroll
            for (int k = 0; k < kVec; ++k) {
              lane_sums[((t * row_lanes + rl) * col_lanes + cl) * kVec + k] = acc[t][k];
            }
          }
        }
        __syncthreads();
        if (active && rl == 0) {
          for (int lane = 1; lane < row_lanes; ++lane) {
#pragma unroll
            for (int t = 0; t < kTerms; ++t) {
#pragma unroll
              for (int k = 0; k < kVec; ++k) {
                acc[t][k] += lane_sums[((t * row_lanes + lane) * col_lanes + cl) * kVec + k];
              }
            }
          }
        }
        __syncthreads();  // lane_sums is reused by the next unit
      }
      if (active && rl == 0) {
#pragma unroll
        for (int t = 0; t < kTerms; ++t) {
#pragma unroll
          for (int k = 0; k < kVec; ++k) {
            if (a.direct[0] != nullptr) {
              // A direct plan: one chunk, and column element q*kVec + k is the only one of
              // its channel.
              write_direct(a, t, chan[k], acc[t][k]);
            } else {
              a.partials[t * a.term_stride + channels_last_partial_slot(q * kVec + k, chunk,
                                                                        map.channels,
                                                                        map.width)] = acc[t][k];
            }
          }
        }
      }
    }
  }
}

inline constexpr int kChannelGradsThreads = 256;
/// Partials per channel up to which a warp, not the whole block, sums a channel.
inline constexpr std::int64_t kChannelGradsWarpPartials = 128;

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

/// Finishes the gradients: grad[t][c] = the sum of term t's partials of channel c
/// (PartialsLayout), the initial value included, for the channels * terms sums numbered
/// r = t * channels + c. kWarps: each warp takes a sum (warp w of block b sums b * warps +
/// w, + gridDim.x * warps, ...) and cub::WarpReduce sums its lanes; otherwise the block
/// takes a sum (b, b + gridDim.x, ...) and cub::BlockReduce sums its threads. Each thread
/// adds its share in order: a fixed order for a given layout, whatever the grid, so the
/// gradients are the same bits on every run and GPU. A plain kernel, where
/// cub::DeviceSegmentedReduce would query occupancy and check errors on the host at every
/// call.
template <class C, bool kWarps, int kTerms>
__global__ void __launch_bounds__(kChannelGradsThreads)
    channel_grads_kernel(const C* partials, GradPointers<C, kTerms> grads,
                         PartialsLayout layout) {
  const std::int64_t per_channel = layout.per_channel();
  const std::int64_t sums = layout.channels * kTerms;
  if constexpr (kWarps) {
    constexpr int kWarpsPerBlock = kChannelGradsThreads / 32;
    __shared__ typename cub::WarpReduce<C>::TempStorage storage[kWarpsPerBlock];
    const int warp = static_cast<int>(threadIdx.x) / 32;
    const int lane = static_cast<int>(threadIdx.x) % 32;
    for (std::int64_t r = static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock + warp;
         r < sums; r += static_cast<std::int64_t>(gridDim.x) * kWarpsPerBlock) {
      const std::int64_t t = r / layout.channels;
      const std::int64_t c = r - t * layout.channels;
      const C sum = sum_channel_share(partials + t * layout.term_stride, layout, c, per_channel,
                                      lane, 32);
      const C total = cub::WarpReduce<C>(storage[warp]).Sum(sum);
      if (lane == 0) {
        grads.p[t][c] = total;
      }
    }
  } else {
    __shared__ typename cub::BlockReduce<C, kChannelGradsThreads>::TempStorage storage;
    for (std::int64_t r = blockIdx.x; r < sums; r += gridDim.x) {
      const std::int64_t t = r / layout.channels;
      const std::int64_t c = r - t * layout.channels;
      const C sum = sum_channel_share(partials + t * layout.term_stride, layout, c, per_channel,
                                      static_cast<int>(threadIdx.x), kChannelGradsThreads);
      const C total = cub::BlockReduce<C, kChannelGradsThreads>(storage).Sum(sum);
      if (threadIdx.x == 0) {
        grads.p[t][c] = total;
      }
      __syncthreads();  // storage is reused by the next sum
    }
  }
}

/// *out = (accumulate ? *out : 0) + the sum of values[0, count): a scalar parameter's
/// gradient from its per-channel sums (DyT's alpha). One block: each thread sums its strided
/// share in order, then cub::BlockReduce, so the order is fixed whatever the device.
template <class C>
__global__ void __launch_bounds__(kChannelGradsThreads)
    scalar_grad_kernel(const C* values, std::int64_t count, C* out, bool accumulate) {
  __shared__ typename cub::BlockReduce<C, kChannelGradsThreads>::TempStorage storage;
  C sum = C(0);
  for (std::int64_t i = threadIdx.x; i < count; i += kChannelGradsThreads) {
    sum += values[i];
  }
  const C total = cub::BlockReduce<C, kChannelGradsThreads>(storage).Sum(sum);
  if (threadIdx.x == 0) {
    *out = (accumulate ? *out : C(0)) + total;
  }
}

}  // namespace cuact::detail
