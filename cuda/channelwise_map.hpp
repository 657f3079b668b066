// The thread-to-element and partial-slot mappings of the channelwise kernels
// (channelwise_kernels.cuh), in one __host__ __device__ place that the kernels run and the
// CPU tests replay (tests/cpu/cuda/channelwise_map_test.cpp): every element exactly once, in
// its own channel, and every partial slot written once.
#pragma once

#include <cuact/types.hpp>

#include <cstdint>

namespace cuact::detail {

/// Partials of channel_tiles_kernel, channel-major: slot c * (chunks + 1) holds channel
/// c's initial value (old gradient or 0), slots c * (chunks + 1) + 1 + chunk the chunks' sums.
CUACT_HOST_DEVICE inline std::int64_t tile_initial_slot(std::int64_t c, std::int64_t chunks) {
  return c * (chunks + 1);
}
CUACT_HOST_DEVICE inline std::int64_t tile_partial_slot(std::int64_t c, std::int64_t chunk,
                                                         std::int64_t chunks) {
  return c * (chunks + 1) + 1 + chunk;
}

/// channel_tiles_kernel (inner > 1): channel c's elements form `outer` rows of inner_v
/// vectors; numbered j = row * inner_v + v they are cut into `chunks` tiles of tile_v()
/// vectors. Tile t is channel t / chunks, chunk t % chunks. Thread `thread` of `threads`
/// takes vectors j = tile start + thread, + threads, ..., its (row, v) advanced by a fixed
/// step without dividing.
struct ChannelTilesMap {
  std::int64_t outer;
  std::int64_t channels;
  std::int64_t inner_v;
  std::int64_t chunks;
  int threads;
  std::int64_t step_rows;  // one step of `threads` vectors, in rows and vectors
  std::int64_t step_v;

  CUACT_HOST_DEVICE ChannelTilesMap(std::int64_t outer_, std::int64_t channels_,
                                    std::int64_t inner_v_, std::int64_t chunks_, int threads_)
      : outer(outer_),
        channels(channels_),
        inner_v(inner_v_),
        chunks(chunks_),
        threads(threads_),
        step_rows(threads_ / inner_v_),
        step_v(threads_ - (threads_ / inner_v_) * inner_v_) {}

  struct Cursor {
    std::int64_t j;
    std::int64_t row;
    std::int64_t v;
  };

  CUACT_HOST_DEVICE std::int64_t channel_v() const { return outer * inner_v; }
  CUACT_HOST_DEVICE std::int64_t tile_v() const { return (channel_v() + chunks - 1) / chunks; }
  CUACT_HOST_DEVICE std::int64_t tiles() const { return channels * chunks; }
  CUACT_HOST_DEVICE std::int64_t channel_of(std::int64_t tile) const { return tile / chunks; }
  CUACT_HOST_DEVICE std::int64_t chunk_of(std::int64_t tile) const {
    return tile - channel_of(tile) * chunks;
  }
  /// One past the tile's last vector (j numbering).
  CUACT_HOST_DEVICE std::int64_t end_of(std::int64_t tile) const {
    const std::int64_t end = (chunk_of(tile) + 1) * tile_v();
    return end < channel_v() ? end : channel_v();
  }
  CUACT_HOST_DEVICE Cursor first(std::int64_t tile, int thread) const {
    const std::int64_t j = chunk_of(tile) * tile_v() + thread;
    return {j, j / inner_v, j % inner_v};
  }
  CUACT_HOST_DEVICE void advance(Cursor& at) const {
    at.j += threads;
    at.row += step_rows;
    at.v += step_v;
    if (at.v >= inner_v) {
      at.v -= inner_v;
      ++at.row;
    }
  }
  /// The index of the first element of the cursor's vector in channel c (kVec elements per
  /// vector).
  CUACT_HOST_DEVICE std::int64_t element(const Cursor& at, std::int64_t c, int vec) const {
    return ((at.row * channels + c) * inner_v + at.v) * vec;
  }
};

/// Greatest common divisor of a, b > 0.
CUACT_HOST_DEVICE inline std::int64_t gcd_of(std::int64_t a, std::int64_t b) {
  while (b != 0) {
    const std::int64_t r = a % b;
    a = b;
    b = r;
  }
  return a;
}

/// Elements of a super-row of channels_last_kernel: the fewest that hold whole periods
/// of the channel pattern (`period` = channels * inner elements: one outer slice) and whole
/// vectors of `vec`, lcm(period, vec). A thread that keeps one vector column of super-rows
/// then keeps its channels, whatever the shape: its k-th element is always column element
/// q * vec + k of a super-row.
CUACT_HOST_DEVICE inline std::int64_t channels_last_width(std::int64_t period, int vec) {
  return period / gcd_of(period, vec) * vec;
}

/// The channel of column element v of a super-row (`width` elements) when the tensor starts
/// `off` elements past a vector boundary: element e is at v = (e + off) % width, of channel
/// e / inner % channels, and width is a multiple of channels * inner.
CUACT_HOST_DEVICE inline std::int64_t channels_last_channel_of(std::int64_t v,
                                                               std::int64_t channels,
                                                               std::int64_t inner,
                                                               std::int64_t width,
                                                               std::int64_t off) {
  return (v + width - off) % (channels * inner) / inner;
}

/// Partials of channels_last_kernel, chunk-major so that a block's stores are
/// contiguous: slot c holds channel c's initial value (c < channels), slot
/// channels + chunk * width + v the chunk's sum of column element v (v < width).
CUACT_HOST_DEVICE inline std::int64_t channels_last_initial_slot(std::int64_t c) { return c; }
CUACT_HOST_DEVICE inline std::int64_t channels_last_partial_slot(std::int64_t v,
                                                                 std::int64_t chunk,
                                                                 std::int64_t channels,
                                                                 std::int64_t width) {
  return channels + chunk * width + v;
}
CUACT_HOST_DEVICE inline std::int64_t channels_last_partial_count(std::int64_t chunks,
                                                                  std::int64_t channels,
                                                                  std::int64_t width) {
  return channels + chunks * width;
}

/// Partials the reduction sums per channel: the initial value, then width / channels column
/// elements per chunk.
CUACT_HOST_DEVICE inline std::int64_t channels_last_per_channel(std::int64_t chunks,
                                                                std::int64_t channels,
                                                                std::int64_t width) {
  return width / channels * chunks + 1;
}

/// For the reduction, which reads channel by channel: where partial s of channel c is,
/// numbered k = c * per_channel + s. s = 0 is the initial value; s = 1 + j * chunks + chunk
/// the chunk's sum of c's j-th column element: element j % inner of the channel's run in
/// period j / inner of the super-row, (c * inner + j % inner + off) % period + j / inner *
/// period with period = channels * inner.
CUACT_HOST_DEVICE inline std::int64_t channels_last_slot_of(std::int64_t k, std::int64_t chunks,
                                                            std::int64_t channels,
                                                            std::int64_t inner,
                                                            std::int64_t width,
                                                            std::int64_t off) {
  const std::int64_t per_channel = channels_last_per_channel(chunks, channels, width);
  const std::int64_t c = k / per_channel;
  const std::int64_t s = k - c * per_channel;
  if (s == 0) {
    return channels_last_initial_slot(c);
  }
  const std::int64_t j = (s - 1) / chunks;
  const std::int64_t chunk = s - 1 - j * chunks;
  const std::int64_t period = channels * inner;
  const std::int64_t v = (c * inner + j % inner + off) % period + j / inner * period;
  return channels_last_partial_slot(v, chunk, channels, width);
}

/// Where one call's partials are (the path the launch took decides), as the reduction
/// reads them: channel c's partials are k = c * per_channel() + s, s = 0 .. per_channel() - 1,
/// at slot(k). Channel-major (the tiles): slot(k) = k. Chunk-major (channels last):
/// channels_last_slot_of.
/// Each gradient term has its own partials, term t's at slot t * term_stride + slot(k).
struct PartialsLayout {
  bool chunk_major = false;
  std::int64_t channels = 1;
  std::int64_t chunks = 1;
  std::int64_t inner = 1;  // chunk-major: the shape's inner
  std::int64_t width = 1;  // chunk-major: super-row elements
  std::int64_t off = 0;    // chunk-major: the tensors' offset from a vector boundary
  int terms = 1;
  std::int64_t term_stride = 0;  // the plan's partial_count

  CUACT_HOST_DEVICE std::int64_t per_channel() const {
    return chunk_major ? channels_last_per_channel(chunks, channels, width) : chunks + 1;
  }
  CUACT_HOST_DEVICE std::int64_t slot(std::int64_t k) const {
    return chunk_major ? channels_last_slot_of(k, chunks, channels, inner, width, off) : k;
  }
};

/// Where channel_grads_kernel (channelwise_kernels.cuh) writes term t's gradient.
template <class C, int kTerms>
struct GradPointers {
  C* p[kTerms];
};

/// The elements of an n-element tensor that start `off` elements past a vector boundary
/// which lie in a vector reaching outside the tensor: [0, head_end) and [tail_begin, n),
/// fewer than vec each. The kernels' main loops skip those vectors (a vector access there
/// would read or write outside the tensor); these elements are then taken one by one.
struct VectorEdges {
  std::int64_t head_end;
  std::int64_t tail_begin;
  std::int64_t n;

  CUACT_HOST_DEVICE VectorEdges(std::int64_t n_, std::int64_t off, int vec)
      : head_end((vec - off) % vec < n_ ? (vec - off) % vec : n_),
        tail_begin(n_ - (n_ + off) % vec > head_end ? n_ - (n_ + off) % vec : head_end),
        n(n_) {}

  CUACT_HOST_DEVICE int count() const { return static_cast<int>(head_end + n - tail_begin); }
  /// The i-th edge element, i < count().
  CUACT_HOST_DEVICE std::int64_t element(int i) const {
    return i < head_end ? i : tail_begin + (i - head_end);
  }
};

/// Whether the vector of `vec` elements starting at element `start` lies inside the tensor.
CUACT_HOST_DEVICE inline bool vector_inside(std::int64_t start, int vec, std::int64_t n) {
  return start >= 0 && start + vec <= n;
}

/// Columns (vectors) of a channels-last column group: one warp's width, so that a warp reads
/// 32 consecutive vectors of a row.
inline constexpr int kChannelsLastGroupCols = 32;
/// Super-rows of a channels-last chunk, at least: its partial sums (one per column element
/// and chunk) are then at most 1/64 of the tensor (for fewer rows, one per column element).
inline constexpr std::int64_t kMinChunkRows = 64;

/// The chunks of a channels-last call of `rows` super-rows of `width` elements: enough that
/// column groups x chunks reach `target_units` work units, at least kMinChunkRows rows each.
/// The groups are counted for the vector path (vec elements per vector), so the chunks, and
/// with them the workspace, depend on the shape and the device only.
CUACT_HOST_DEVICE inline std::int64_t channels_last_chunks(std::int64_t rows, std::int64_t width,
                                                           int vec, std::int64_t target_units) {
  const std::int64_t cols = (width + vec - 1) / vec;
  const std::int64_t groups = (cols + kChannelsLastGroupCols - 1) / kChannelsLastGroupCols;
  const std::int64_t wanted = (target_units + groups - 1) / groups;
  const std::int64_t most = rows / kMinChunkRows > 1 ? rows / kMinChunkRows : 1;
  return wanted < 1 ? 1 : (wanted < most ? wanted : most);
}

/// channels_last_kernel (inner == 1, or rows of fewer elements than a vector): the n
/// elements, shifted by `off` (the tensor starts off elements past a vector boundary), as
/// rows() super-rows of cols() vectors (width elements: channels_last_width). The work is
/// cut into units of one column group (col_lanes() columns) by one chunk of chunk_rows()
/// rows: unit u is group u % col_groups(), chunk u / col_groups(). Threads are col_lanes() x
/// row_lanes(): thread t is lane (t % col_lanes, t / col_lanes); lane (cl, rl) takes column
/// group * col_lanes + cl and rows chunk start + rl, + row_lanes, ... Vector (r, q) starts
/// at element (r * cols + q) * vec - off; its k-th element is column element q * vec + k, of
/// channel channels_last_channel_of(q * vec + k). With inner == 1, channels % vec == 0 and
/// off == 0 a super-row is a row of the tensor.
struct ChannelsLastMap {
  std::int64_t n;
  std::int64_t channels;
  std::int64_t inner;
  std::int64_t width;
  std::int64_t off;
  int vec;
  std::int64_t chunks;
  int threads;

  CUACT_HOST_DEVICE std::int64_t cols() const { return width / vec; }
  CUACT_HOST_DEVICE std::int64_t rows() const { return (n + off + width - 1) / width; }
  CUACT_HOST_DEVICE int col_lanes() const {
    return cols() >= kChannelsLastGroupCols ? kChannelsLastGroupCols : static_cast<int>(cols());
  }
  CUACT_HOST_DEVICE int row_lanes() const { return threads / col_lanes(); }
  CUACT_HOST_DEVICE std::int64_t col_groups() const {
    return (cols() + col_lanes() - 1) / col_lanes();
  }
  CUACT_HOST_DEVICE std::int64_t units() const { return col_groups() * chunks; }
  CUACT_HOST_DEVICE std::int64_t group_of(std::int64_t unit) const {
    return unit % col_groups();
  }
  CUACT_HOST_DEVICE std::int64_t chunk_of(std::int64_t unit) const {
    return unit / col_groups();
  }
  CUACT_HOST_DEVICE std::int64_t column(std::int64_t group, int cl) const {
    return group * col_lanes() + cl;
  }
  CUACT_HOST_DEVICE std::int64_t chunk_rows() const { return (rows() + chunks - 1) / chunks; }
  CUACT_HOST_DEVICE std::int64_t row_begin(std::int64_t chunk) const {
    return chunk * chunk_rows();
  }
  CUACT_HOST_DEVICE std::int64_t row_end(std::int64_t chunk) const {
    const std::int64_t end = (chunk + 1) * chunk_rows();
    return end < rows() ? end : rows();
  }
  /// The first element of vector (r, q), in the tensor's numbering (negative before it).
  CUACT_HOST_DEVICE std::int64_t element(std::int64_t r, std::int64_t q) const {
    return (r * cols() + q) * vec - off;
  }

  /// Column q's vectors lie inside the tensor in rows [inside_begin(q), inside_end(q)): the
  /// row loop's bounds, so that it needs no test per vector.
  CUACT_HOST_DEVICE std::int64_t inside_begin(std::int64_t q) const {
    return q == 0 && off > 0 ? 1 : 0;
  }
  CUACT_HOST_DEVICE std::int64_t inside_end(std::int64_t q) const {
    const std::int64_t room = n + off - (q + 1) * vec;  // (r * cols + q + 1) * vec - off <= n
    return room < 0 ? 0 : room / width + 1;
  }

  /// The vectors reaching outside the tensor, which the main loop skips: side 0 the first
  /// (when off > 0), side 1 the one holding element n - 1 (when the tensor does not end on a
  /// boundary); as a vector index v (vector (v / cols, v % cols)), or -1 for none.
  CUACT_HOST_DEVICE std::int64_t edge_vector(int side) const {
    const std::int64_t index = side == 0 ? 0 : (n + off - 1) / vec;
    const bool inside = index * vec - off >= 0 && index * vec - off + vec <= n;
    return inside || (side == 1 && index == 0) ? -1 : index;
  }
};

/// channel_tiles_masked_kernel: rows of `inner` elements (a channel's run in one outer
/// slice) that do not start on vector boundaries, because inner % vec != 0 or the tensor
/// starts `off` elements past a boundary. Each row gets slots() vector slots: slot w of a
/// row is the vector w boundaries past the one at or before the row's start, of which the
/// elements in `mask` belong to the row; the others belong to neighbouring rows, which other
/// tiles take. Tiles and cursor steps as in ChannelTilesMap with inner_v = slots(); the
/// cursor carries its row's start instead of the row, advanced by a fixed step, and the
/// in-row arithmetic is 32-bit (fits(): inner below 2^31 - 2 * vec), so that a vector's
/// position costs a few additions.
struct MaskedRowsMap {
  ChannelTilesMap tiles;
  std::int64_t inner;
  std::int64_t off;
  std::int64_t n;
  std::int64_t step_elements;  // tiles.step_rows rows, in elements
  std::int64_t row_stride;     // channels * inner

  CUACT_HOST_DEVICE MaskedRowsMap(const ChannelTilesMap& tiles_, std::int64_t inner_,
                                  std::int64_t off_, std::int64_t n_)
      : tiles(tiles_),
        inner(inner_),
        off(off_),
        n(n_),
        step_elements(tiles_.step_rows * tiles_.channels * inner_),
        row_stride(tiles_.channels * inner_) {}

  /// Vectors a row of `inner` elements touches at most (it starts at most vec - 1 elements
  /// past a boundary).
  CUACT_HOST_DEVICE static std::int64_t slots(std::int64_t inner, int vec) {
    return (inner + vec - 2) / vec + 1;
  }
  /// Whether rows of `inner` elements keep the in-row arithmetic within 32 bits.
  CUACT_HOST_DEVICE static bool fits(std::int64_t inner, int vec) {
    return inner < (std::int64_t{1} << 31) - 2 * vec;
  }

  struct Cursor {
    std::int64_t j;          // as ChannelTilesMap's
    std::int64_t row_start;  // of the cursor's row of the tile's channel, shifted by off
    int v;                   // the slot
  };
  CUACT_HOST_DEVICE Cursor first(std::int64_t tile, int thread) const {
    const ChannelTilesMap::Cursor at = tiles.first(tile, thread);
    return {at.j, (at.row * tiles.channels + tiles.channel_of(tile)) * inner + off,
            static_cast<int>(at.v)};
  }
  CUACT_HOST_DEVICE void advance(Cursor& cur) const {
    cur.j += tiles.threads;
    cur.v += static_cast<int>(tiles.step_v);
    cur.row_start += step_elements;
    if (cur.v >= tiles.inner_v) {
      cur.v -= static_cast<int>(tiles.inner_v);
      cur.row_start += row_stride;
    }
  }

  struct Span {
    std::int64_t start;  // the vector's first element, in the tensor's numbering
    unsigned mask;       // bit k: element k of the vector is in the row
  };
  CUACT_HOST_DEVICE Span span(const Cursor& cur, int vec) const {
    const int lead = static_cast<int>(cur.row_start & (vec - 1));  // row start past a boundary
    const int rest = static_cast<int>(inner) + lead - cur.v * vec;  // row elements from here
    const int first = cur.v == 0 ? lead : 0;
    const int last = rest < vec ? (rest > 0 ? rest : 0) : vec;
    return {cur.row_start - lead + cur.v * vec - off,
            (0xFFFFu >> (16 - last)) & (0xFFFFu << first)};
  }

  /// Who takes edge element e (VectorEdges): the tile's channel and chunk.
  struct Owner {
    std::int64_t channel;
    std::int64_t chunk;
  };
  CUACT_HOST_DEVICE Owner owner_of(std::int64_t e, int vec) const {
    const std::int64_t row_of_tensor = e / inner;
    const std::int64_t row = row_of_tensor / tiles.channels;
    const std::int64_t c = row_of_tensor - row * tiles.channels;
    const std::int64_t row_start = row_of_tensor * inner + off;  // shifted
    const std::int64_t w = (e + off) / vec - row_start / vec;
    return {c, (row * tiles.inner_v + w) / tiles.tile_v()};
  }
};

}  // namespace cuact::detail
