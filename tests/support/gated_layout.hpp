// Each gated layout's indexing written out for the tests (gated.hpp's layouts), independently
// of the kernels' map (cuda/gated_map.hpp): where an output element's gate and up are.
#pragma once

#include <cuact/gated.hpp>

#include <cstdint>

namespace cuact::test {

/// Where output element (r, c)'s gate and up are: in the packed [rows, 2 * hidden] tensor,
/// or (separate) in gate, and in up at the same offset.
struct Where {
  std::int64_t gate;
  std::int64_t up;
};

inline Where where(GatedLayout layout, std::int64_t r, std::int64_t c, std::int64_t hidden) {
  switch (layout) {
    case GatedLayout::gate_first:
      return {r * 2 * hidden + c, r * 2 * hidden + hidden + c};
    case GatedLayout::gate_second:
      return {r * 2 * hidden + hidden + c, r * 2 * hidden + c};
    case GatedLayout::interleaved:
      return {2 * (r * hidden + c), 2 * (r * hidden + c) + 1};
    case GatedLayout::separate:
      break;
  }
  return {r * hidden + c, r * hidden + c};
}

}  // namespace cuact::test
