// The thread-to-element and partial-slot mappings of the PReLU kernels
// (prelu_kernels.cuh), in one __host__ __device__ place that the kernels run and the CPU
// tests replay (tests/host/index_map_test.cpp): every element exactly once, in its own
// channel, and every partial slot written once.
#pragma once

#include <cuact/types.hpp>

#include <cstdint>

namespace cuact::detail {

/// Partials of prelu_channel_tiles_kernel, channel-major: slot c * (chunks + 1) holds channel
/// c's initial value (old dalpha or 0), slots c * (chunks + 1) + 1 + chunk the chunks' sums.
CUACT_HOST_DEVICE inline std::int64_t prelu_initial_slot(std::int64_t c, std::int64_t chunks) {
  return c * (chunks + 1);
}
CUACT_HOST_DEVICE inline std::int64_t prelu_partial_slot(std::int64_t c, std::int64_t chunk,
                                                         std::int64_t chunks) {
  return c * (chunks + 1) + 1 + chunk;
}

/// prelu_channel_tiles_kernel (inner > 1): channel c's elements form `outer` rows of inner_v
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

/// Partials of prelu_channels_last_kernel, chunk-major, so that a block's stores of its
/// channels' sums are contiguous: slot c holds channel c's initial value, slot
/// (chunk + 1) * channels + c the chunk's sum.
CUACT_HOST_DEVICE inline std::int64_t channels_last_initial_slot(std::int64_t c) { return c; }
CUACT_HOST_DEVICE inline std::int64_t channels_last_partial_slot(std::int64_t c,
                                                                 std::int64_t chunk,
                                                                 std::int64_t channels) {
  return (chunk + 1) * channels + c;
}

/// For the reduction, which reads channel by channel: where partial s (0: the initial value,
/// 1 + chunk: the chunk's sum) of channel c is, numbered k = c * (chunks + 1) + s.
CUACT_HOST_DEVICE inline std::int64_t channels_last_slot_of(std::int64_t k, std::int64_t chunks,
                                                            std::int64_t channels) {
  return (k % (chunks + 1)) * channels + k / (chunks + 1);
}

/// Columns (vectors) of a channels-last column group: one warp's width, so that a warp reads
/// 32 consecutive vectors of a row.
inline constexpr int kChannelsLastGroupCols = 32;
/// Rows of a channels-last chunk, at least: its partial sums (one per channel and chunk) are
/// then at most 1/64 of the tensor (for fewer rows, one per channel).
inline constexpr std::int64_t kMinChunkRows = 64;

/// The chunks of a channels-last call of `rows` rows of `channels` elements: enough that
/// column groups x chunks reach `target_units` work units, at least kMinChunkRows rows each.
/// The groups are counted for the vector path (vec elements per vector), so the chunks, and
/// with them the workspace, depend on the shape and the device only.
CUACT_HOST_DEVICE inline std::int64_t channels_last_chunks(std::int64_t rows,
                                                           std::int64_t channels, int vec,
                                                           std::int64_t target_units) {
  const std::int64_t cols = (channels + vec - 1) / vec;
  const std::int64_t groups = (cols + kChannelsLastGroupCols - 1) / kChannelsLastGroupCols;
  const std::int64_t wanted = (target_units + groups - 1) / groups;
  const std::int64_t most = rows / kMinChunkRows > 1 ? rows / kMinChunkRows : 1;
  return wanted < 1 ? 1 : (wanted < most ? wanted : most);
}

/// prelu_channels_last_kernel (inner == 1): `rows` rows of `cols` vectors (channels / kVec).
/// The work is cut into units of one column group (col_lanes() columns) by one chunk of
/// chunk_rows() rows: unit u is group u % col_groups(), chunk u / col_groups(). Threads are
/// col_lanes() x row_lanes(): thread t is lane (t % col_lanes, t / col_lanes); lane (cl, rl)
/// takes column group * col_lanes + cl and rows chunk start + rl, + row_lanes, ... Vector
/// (r, q) starts at element (r * cols + q) * kVec, of channels q * kVec + k.
struct ChannelsLastMap {
  std::int64_t rows;
  std::int64_t cols;
  std::int64_t chunks;
  int threads;

  CUACT_HOST_DEVICE int col_lanes() const {
    return cols >= kChannelsLastGroupCols ? kChannelsLastGroupCols : static_cast<int>(cols);
  }
  CUACT_HOST_DEVICE int row_lanes() const { return threads / col_lanes(); }
  CUACT_HOST_DEVICE std::int64_t col_groups() const {
    return (cols + col_lanes() - 1) / col_lanes();
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
  CUACT_HOST_DEVICE std::int64_t chunk_rows() const { return (rows + chunks - 1) / chunks; }
  CUACT_HOST_DEVICE std::int64_t row_begin(std::int64_t chunk) const {
    return chunk * chunk_rows();
  }
  CUACT_HOST_DEVICE std::int64_t row_end(std::int64_t chunk) const {
    const std::int64_t end = (chunk + 1) * chunk_rows();
    return end < rows ? end : rows;
  }
  CUACT_HOST_DEVICE std::int64_t element(std::int64_t r, std::int64_t q, int vec) const {
    return (r * cols + q) * vec;
  }
};

}  // namespace cuact::detail
