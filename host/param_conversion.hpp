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

/// One parameter in compute type C: "<fn>: 'upper' = 1e+300 overflows float" when a finite
/// value does not fit.
template <class C>
C convert_param(const char* fn, const char* name, double value) {
  if (std::isfinite(value) && !std::isfinite(static_cast<C>(value))) {
    throw_invalid_argument(fn, std::string("'") + name + "' = " + format_value(value) +
                                   " overflows " + (std::is_same_v<C, float> ? "float" : "double"));
  }
  return static_cast<C>(value);
}

/// op's parameters in compute type C. A finite value that overflows C throws
/// "<fn>: 'negative_slope' = 1e+300 overflows float"; the op's own rules are checked later,
/// on the converted functor.
template <class C, template <class> class Functor>
Functor<C> convert_params(const char* fn, const Functor<double>& op) {
  using Info = OpInfo<Functor>;
  const auto values = Info::values(op);
  for (std::size_t i = 0; i < values.size(); ++i) {
    convert_param<C>(fn, Info::param_names[i], values[i]);
  }
  return Info::template make<C>(values);
}

}  // namespace cuact::detail
