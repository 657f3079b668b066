// Parameters given as double (the C API, Activation) converted to an op's compute type, with
// a message that reports the value the caller passed when it does not fit.
#pragma once

#include "host/argument_checks.hpp"
#include "host/op_registry.hpp"

#include <cmath>
#include <cstddef>
#include <string>
#include <type_traits>

namespace cuact::detail {

/// Doubles of at least this magnitude round to infinity in float: FLT_MAX plus half its ulp.
inline constexpr double kFloatOverflow = 0x1.ffffffp127;

/// One parameter in compute type C: "<fn>: 'upper' = 1e+300 overflows float" when a finite
/// value does not fit, "<fn>: 'alpha' = 1e-300 underflows float (rounds to 0)" when a non-zero
/// value would become zero (a rule on the converted value would otherwise report a zero the
/// caller never passed). The magnitude is tested before the conversion, which is then always
/// defined.
template <class C>
C convert_param(const char* fn, const char* name, double value) {
  if constexpr (std::is_same_v<C, double>) {
    return value;
  } else {
    const char* type = "float";
    if (std::isfinite(value) && std::fabs(value) >= kFloatOverflow) {
      throw_invalid_argument(
          fn, std::string("'") + name + "' = " + format_value(value) + " overflows " + type);
    }
    const C converted = static_cast<C>(value);
    if (converted == C(0) && value != 0.0) {
      throw_invalid_argument(fn, std::string("'") + name + "' = " + format_value(value) +
                                     " underflows " + type + " (rounds to 0)");
    }
    return converted;
  }
}

/// An enumeration parameter passed as a double: "<fn>: 'approximate' = nan is not an
/// integer value of the enumeration" when its integer part is no int (enum_param_in_range).
inline void expect_enum_param(const char* fn, const char* name, double value) {
  if (!enum_param_in_range(value)) {
    throw_invalid_argument(fn, std::string("'") + name + "' = " + format_value(value) +
                                   " is not an integer value of the enumeration");
  }
}

/// op's parameters in compute type C. A finite value that overflows C, or a non-zero one
/// that underflows to 0, throws (convert_param); the op's own rules are checked later, on
/// the converted functor.
template <class C, template <class> class Functor>
Functor<C> convert_params(const char* fn, const Functor<double>& op) {
  using Info = OpInfo<Functor>;
  const auto values = Info::values(op);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!Info::param_is_enum[i]) {
      convert_param<C>(fn, Info::param_names[i], values[i]);
    }
  }
  return Info::template make<C>(values);
}

/// The functor in C of registry entry Tag from the caller's first `count` doubles (the rest
/// at their defaults), as make_op, with each value checked as passed: an enumeration's is an
/// int (expect_enum_param), a number's fits C (convert_param).
template <class Tag, class C>
typename Tag::template type<C> make_op_checked(const char* fn, const double* params,
                                               std::size_t count) {
  using Info = typename Tag::info;
  for (std::size_t i = 0; i < count && i < Info::num_params; ++i) {
    if (Info::param_is_enum[i]) {
      expect_enum_param(fn, Info::param_names[i], params[i]);
    }
  }
  return convert_params<C>(fn, make_op<Tag, double>(params, count));
}

}  // namespace cuact::detail
