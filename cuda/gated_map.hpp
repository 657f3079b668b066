// Where the elements of a gated call live: the mapping from an output element to its gate
// and up elements for every layout, and the incremental row tracking the kernel uses, in one
// __host__ __device__ place that the kernel runs and the CPU tests replay
// (tests/cpu/cuda/gated_map_test.cpp).
#pragma once

#include <cuact/types.hpp>

#include <cstdint>

namespace cuact::detail {

/// rows x hidden output elements, e = r * hidden + c. Planar layouts (gate first, gate
/// second, separate) keep gate and up as rows of `hidden` contiguous elements, gate_row and
/// up_row elements apart (2 * hidden packed, hidden separate): gate element of e at
/// r * gate_row + c from the gate pointer, up element at r * up_row + c from the up pointer.
/// Interleaved: gate at 2e, up at 2e + 1 from the packed pointer. Outputs (and dy) are
/// [rows, hidden] contiguous; input gradients have their input's layout.
struct GatedMap {
  std::int64_t rows;
  std::int64_t hidden;
  std::int64_t gate_row;
  std::int64_t up_row;
  bool interleaved;

  CUACT_HOST_DEVICE std::int64_t count() const { return rows * hidden; }
  CUACT_HOST_DEVICE std::int64_t gate_offset(std::int64_t r, std::int64_t c) const {
    return interleaved ? 2 * (r * hidden + c) : r * gate_row + c;
  }
  CUACT_HOST_DEVICE std::int64_t up_offset(std::int64_t r, std::int64_t c) const {
    return interleaved ? 2 * (r * hidden + c) + 1 : r * up_row + c;
  }
};

/// A position (row, column) that advances by a fixed number of elements without dividing:
/// the step is split once into whole rows and a remainder, and a column that passes the end
/// of its row carries into the next. The kernel's threads walk their vectors with it.
struct RowCursor {
  std::int64_t row;
  std::int64_t column;

  CUACT_HOST_DEVICE static RowCursor at(std::int64_t e, std::int64_t hidden) {
    return {e / hidden, e % hidden};
  }
  /// Advances by step = step_rows * hidden + step_columns elements (step_columns < hidden).
  CUACT_HOST_DEVICE void advance(std::int64_t step_rows, std::int64_t step_columns,
                                 std::int64_t hidden) {
    row += step_rows;
    column += step_columns;
    if (column >= hidden) {
      column -= hidden;
      ++row;
    }
  }
};

/// The walk of one thread of the gated kernel over the vectors of kVec outputs: thread
/// `thread` of `stride` (the grid's threads) takes vectors thread, thread + stride, ... For
/// whole groups of kUnroll of them it calls step(cursors), cursors[u] at vector
/// i + u * stride (the kernel loads all kUnroll, then computes and stores); for the rest,
/// one(cursor). Each cursor is the vector's first output as (row, column), advanced without
/// dividing. The kernel runs exactly this; tests/cpu/cuda/gated_map_test.cpp replays it.
template <int kUnroll, class Step, class One>
CUACT_HOST_DEVICE void walk_gated_vectors(std::int64_t thread, std::int64_t stride,
                                          std::int64_t vectors, int vec, std::int64_t hidden,
                                          Step&& step, One&& one) {
  const std::int64_t elements = stride * vec;  // one grid stride, in rows and columns
  const std::int64_t step_rows = elements / hidden;
  const std::int64_t step_columns = elements % hidden;
  std::int64_t i = thread;
  RowCursor at = RowCursor::at(thread * vec, hidden);
  for (; i + (kUnroll - 1) * stride < vectors; i += kUnroll * stride) {
    RowCursor cursors[kUnroll];
#if defined(__CUDA_ARCH__)
#pragma unroll
#endif
    for (int u = 0; u < kUnroll; ++u) {
      cursors[u] = at;
      at.advance(step_rows, step_columns, hidden);
    }
    step(cursors);
  }
  for (; i < vectors; i += stride) {
    one(at);
    at.advance(step_rows, step_columns, hidden);
  }
}

}  // namespace cuact::detail
