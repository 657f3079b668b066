// The gated entry points' checks of shape and layout (gated_entries.hpp), shared by every
// gated activation's generated entry file.
#include "host/gated_entries.hpp"

#include "host/argument_checks.hpp"

#include <cuact/gated.hpp>

#include <limits>
#include <string>

namespace cuact::detail {

void expect_valid_gated_shape(const char* fn, std::int64_t rows, std::int64_t hidden,
                              std::size_t size) {
  if (rows < 0 || hidden < 0) {
    throw_invalid_argument(fn, "'rows' and 'hidden' must be >= 0, got " + std::to_string(rows) +
                                   " and " + std::to_string(hidden));
  }
  const std::int64_t limit =
      std::numeric_limits<std::int64_t>::max() / static_cast<std::int64_t>(2 * size);
  if (hidden != 0 && rows > limit / hidden) {
    throw_invalid_argument(fn, "'rows' x 2 'hidden' = " + std::to_string(rows) + " x 2 x " +
                                   std::to_string(hidden) + " elements of " +
                                   std::to_string(size) +
                                   " bytes overflow a 64-bit byte count");
  }
}

void expect_packed_layout(const char* fn, GatedLayout layout) {
  if (layout == GatedLayout::separate) {
    throw_invalid_argument(fn, "'layout' is GatedLayout::separate, which takes gate and up as "
                               "two tensors (the gated_forward/gated_backward overloads with "
                               "gate and up)");
  }
  expect_valid_gated_layout(fn, layout);
}

}  // namespace cuact::detail
