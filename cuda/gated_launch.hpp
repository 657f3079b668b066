// The kernels' view (GatedLaunch, launch.hpp) of the gated entry points' tensors: a packed
// [rows, 2 * hidden] input in one of its layouts, or separate gate and up. Used by
// host/gated.cpp and by the emulation tests, which run the kernels on the same views.
#pragma once

#include "cuda/launch.hpp"

#include <cuact/gated.hpp>

#include <cstdint>

namespace cuact::detail {

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
