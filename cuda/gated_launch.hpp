// The kernels' view (GatedLaunch) of the gated entry points' tensors: a packed
// [rows, 2 * hidden] input in one of its layouts, or separate gate and up. Used by the gated
// entry points (host/gated_entries.hpp) and by the emulation tests, which run the kernels on
// the same views.
#pragma once

#include <cuact/gated.hpp>

#include <cstdint>

namespace cuact::detail {

/// One gated call as the kernels see it (GatedMap in gated_map.hpp): `gate` and `up` point
/// at the first gate and up elements (interleaved: `gate` at the first pair, `up` unused),
/// rows gate_row and up_row elements apart; `out` is the output [rows, hidden] (forward) or
/// the gate's gradient in the gate's layout (backward; interleaved: the pairs' gradient),
/// `out2` the up gradient (planar backward only); `dy` is [rows, hidden]. rows * hidden > 0.
template <class T>
struct GatedLaunch {
  const T* gate = nullptr;
  const T* up = nullptr;
  const T* dy = nullptr;
  T* out = nullptr;
  T* out2 = nullptr;
  std::int64_t rows = 0;
  std::int64_t hidden = 0;
  std::int64_t gate_row = 0;
  std::int64_t up_row = 0;
  bool interleaved = false;
};

/// The kernels' view of a packed tensor `in` (and of its gradient `din`).
template <class T>
GatedLaunch<T> packed_launch(GatedLayout layout, const T* in, T* din, std::int64_t rows,
                             std::int64_t hidden) {
  GatedLaunch<T> p;
  p.rows = rows;
  p.hidden = hidden;
  p.gate_row = p.up_row = 2 * hidden;
  switch (layout) {
    case GatedLayout::gate_first:
      p.gate = in;
      p.up = in + hidden;
      p.out = din;
      p.out2 = din != nullptr ? din + hidden : nullptr;
      break;
    case GatedLayout::gate_second:
      p.gate = in + hidden;
      p.up = in;
      p.out = din != nullptr ? din + hidden : nullptr;
      p.out2 = din;
      break;
    default:  // interleaved
      p.gate = in;
      p.out = din;
      p.interleaved = true;
      break;
  }
  return p;
}

/// The kernels' view of separate gate and up tensors.
template <class T>
GatedLaunch<T> separate_launch(const T* gate, const T* up, std::int64_t rows, std::int64_t hidden) {
  GatedLaunch<T> p;
  p.gate = gate;
  p.up = up;
  p.rows = rows;
  p.hidden = hidden;
  p.gate_row = p.up_row = hidden;
  return p;
}

}  // namespace cuact::detail
