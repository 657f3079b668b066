// Argument checks shared by every public entry point. Each throws cuact::invalid_argument
// with a message "<function>: <argument and rule>" and has no other effect.
#pragma once

#include <cuact/activations.hpp>
#include <cuact/error.hpp>
#include <cuact/op_traits.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>

namespace cuact {
enum class GatedLayout : int;  // gated.hpp
}  // namespace cuact

namespace cuact::detail {

[[noreturn]] void throw_invalid_argument(const char* fn, const std::string& what);

/// "1.5", "nan", "-inf", "-0.1": a parameter value as the caller wrote it: the shortest
/// decimal that converts back to the same value of its type (so a float -0.1f prints
/// "-0.1", not "-0.100000001").
std::string format_value(double value);
std::string format_value(float value);

/// n >= 0, and n elements of `element_size` bytes fit in a signed 64-bit byte count.
void expect_valid_count(const char* fn, std::int64_t n, std::size_t element_size);

/// p is not null (call only when n > 0).
void expect_not_null(const char* fn, const char* name, const void* p, std::int64_t n);

/// value is finite (not NaN, not infinite).
void expect_finite(const char* fn, const char* name, double value);
void expect_finite(const char* fn, const char* name, float value);

/// `saved` is Saved::input or Saved::output (Saved::mask has a message of its own).
void expect_valid_saved(const char* fn, Saved saved);

/// `layout` is one of GatedLayout's values.
void expect_valid_gated_layout(const char* fn, GatedLayout layout);

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
void expect_device_accessible(const char* fn, const ByteRange* args, std::size_t count);
inline void expect_device_accessible(const char* fn, std::initializer_list<ByteRange> args) {
  expect_device_accessible(fn, args.begin(), args.size());
}

/// The rules an activation's check() (ops.hpp) states its parameters with; each throws
/// cuact::invalid_argument naming `fn` when broken.
struct ParamRules {
  const char* fn;

  /// "'alpha' must be finite, got nan"
  template <class V>
  void finite(const char* name, V value) const {
    expect_finite(fn, name, value);
  }
  /// "'alpha' must be non-zero"
  void nonzero(const char* name, double value) const;
  /// "'alpha' = 1e-40 is too small: 1/alpha overflows" (1/value computed in C)
  template <class C>
  void finite_reciprocal(const char* name, C value) const {
    if (!std::isfinite(C(1) / value)) {
      throw_invalid_argument(fn, std::string("'") + name + "' = " + format_value(value) +
                                     " is too small: 1/" + name + " overflows");
    }
  }
  /// "'min_val' = 2 must be less than 'max_val' = 1"
  template <class V>
  void less(const char* name_a, V a, const char* name_b, V b) const {
    if (!(a < b)) {
      throw_invalid_argument(fn, std::string("'") + name_a + "' = " + format_value(a) +
                                     " must be less than '" + name_b + "' = " + format_value(b));
    }
  }
  /// "'lower' must be >= 0, got -0.5"
  template <class V>
  void non_negative(const char* name, V value) const {
    if (!(value >= V(0))) {
      throw_invalid_argument(fn, std::string("'") + name + "' must be >= 0, got " +
                                     format_value(value));
    }
  }
  /// "'lower' = 0.5 must not exceed 'upper' = 0.25"
  template <class V>
  void not_greater(const char* name_a, V a, const char* name_b, V b) const {
    if (!(a <= b)) {
      throw_invalid_argument(fn, std::string("'") + name_a + "' = " + format_value(a) +
                                     " must not exceed '" + name_b + "' = " + format_value(b));
    }
  }
  /// "'limit' must be > 0, got -1"
  template <class V>
  void positive(const char* name, V value) const {
    if (!(value > V(0))) {
      throw_invalid_argument(fn, std::string("'") + name + "' must be > 0, got " +
                                     format_value(value));
    }
  }
  /// An enumeration's value: "'approximate' must be 0 (none) or 1 (tanh), got 2"
  template <std::size_t N>
  void one_of(const char* name, int value, const char* const (&names)[N]) const {
    if (value >= 0 && static_cast<std::size_t>(value) < N) {
      return;
    }
    std::string allowed;
    for (std::size_t i = 0; i < N; ++i) {
      allowed += (i == 0 ? "" : (i + 1 == N ? " or " : ", ")) + std::to_string(i) + " (" +
                 names[i] + ")";
    }
    throw_invalid_argument(fn, std::string("'") + name + "' must be " + allowed + ", got " +
                                   std::to_string(value));
  }
};

/// op's parameters follow its rules.
template <class Op>
void expect_valid_params(const char* fn, const Op& op) {
  ParamRules rules{fn};
  check_params(op, rules);
}

/// `saved` is valid and, for Saved::output, allowed by op: "'saved' is Saved::output, which
/// needs alpha >= 0 (got -1)", or "... but gelu's gradient needs the input" for ops that
/// have no gradient from the output. `values` are op's parameters, for the message.
template <class Op, std::size_t N>
void expect_saved_allowed(const char* fn, const Op& op, Saved saved,
                          const std::array<const char*, N>& names,
                          const std::array<double, N>& values) {
  expect_valid_saved(fn, saved);
  if (saved != Saved::output || allows_grad_from_output(op)) {
    return;
  }
  if constexpr (!has_grad_from_output_v<Op>) {
    throw_invalid_argument(fn, std::string("'saved' is Saved::output, but ") + Op::name +
                                   "'s gradient needs the input (Saved::input)");
  } else {
    // The values in the op's compute type, so that they print as the caller wrote them.
    using C = decltype(op.forward(0.0f));
    std::string got;
    for (std::size_t i = 0; i < N; ++i) {
      got += (i == 0 ? "" : ", ") + (N == 1 ? std::string() : std::string(names[i]) + " = ") +
             format_value(static_cast<C>(values[i]));
    }
    const char* rule = grad_from_output_rule<Op>();
    throw_invalid_argument(fn, std::string("'saved' is Saved::output, which needs ") +
                                   (rule != nullptr ? rule : "other parameters") + " (got " +
                                   got + ")");
  }
}

/// Op has a 1-bit mask (mask.hpp), else: "<asked_by>, but elu's gradient depends on more
/// than the branch each input took (ops with a mask: relu, ...)", or without asked_by (null)
/// "elu's gradient depends on more than the branch each input took, so it has no mask (...)".
std::string mask_op_names();
template <class Op>
void expect_mask_allowed(const char* fn, const char* asked_by) {
  if constexpr (!has_mask_v<Op>) {
    const std::string why = std::string(Op::name) +
                            "'s gradient depends on more than the branch each input took";
    const std::string ops = " (ops with a mask: " + mask_op_names() + ")";
    throw_invalid_argument(fn, asked_by != nullptr ? std::string(asked_by) + ", but " + why + ops
                                                   : why + ", so it has no mask" + ops);
  }
}

}  // namespace cuact::detail
