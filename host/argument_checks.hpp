// Argument checks shared by every public entry point. Each throws cuact::invalid_argument
// with a message "<function>: <argument and rule>" and has no other effect.
#pragma once

#include <cuact/activations.hpp>
#include <cuact/error.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>

namespace cuact::detail {

[[noreturn]] void throw_invalid_argument(const char* fn, const std::string& what);

/// "1.5", "nan", "-inf": a parameter value as the user would write it.
std::string format_value(double value);

/// n >= 0, and n elements of `element_size` bytes fit in a signed 64-bit byte count.
void expect_valid_count(const char* fn, std::int64_t n, std::size_t element_size);

/// p is not null (call only when n > 0).
void expect_not_null(const char* fn, const char* name, const void* p, std::int64_t n);

/// value is finite (not NaN, not infinite).
void expect_finite(const char* fn, const char* name, double value);

/// `saved` is Saved::input or Saved::output.
void expect_valid_saved(const char* fn, Saved saved);

/// A named byte range of an argument, for the overlap checks.
struct ByteRange {
  const char* name;
  const void* p;
  std::int64_t bytes;
};

/// The output and the input are exactly the same range (in place) or do not overlap.
void expect_same_or_disjoint(const char* fn, ByteRange out, ByteRange in);

/// The two ranges do not overlap at all (null or empty ranges never do).
void expect_disjoint(const char* fn, ByteRange out, ByteRange in);

/// The current device can read and write every non-null pointer in `args`: device memory of
/// the current device, managed memory, host memory mapped at the same address, or pageable
/// host memory on a system with pageable memory access. One device query and one
/// cudaPointerGetAttributes per distinct pointer, made in relaxed capture mode so that they
/// are safe during CUDA graph capture.
void expect_device_accessible(const char* fn, std::initializer_list<ByteRange> args);

/// Saved::output is allowed only when the op says so; `rule` is the condition in words
/// ("negative_slope >= 0") and `value` the parameter it is about.
template <class Op>
void expect_saved_allowed(const char* fn, const Op& op, Saved saved, const char* rule,
                          double value) {
  expect_valid_saved(fn, saved);
  if (saved == Saved::output && !op.allows_grad_from_output()) {
    throw_invalid_argument(fn, std::string("'saved' is Saved::output, which needs ") + rule +
                                   " (got " + format_value(value) + ")");
  }
}

}  // namespace cuact::detail
