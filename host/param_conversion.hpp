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

/// op's parameters in compute type C. A finite value that overflows C throws
/// "<fn>: 'negative_slope' = 1e+300 overflows float"; the op's own rules are checked later,
/// on the converted functor.
template <class C, template <class> class Functor>
Functor<C> convert_params(const char* fn, const Functor<double>& op) {
  using Info = OpInfo<Functor>;
  const auto values = Info::values(op);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (std::isfinite(values[i]) && !std::isfinite(static_cast<C>(values[i]))) {
      throw_invalid_argument(fn, std::string("'") + Info::param_names[i] + "' = " +
                                     format_value(values[i]) + " overflows " +
                                     (std::is_same_v<C, float> ? "float" : "double"));
    }
  }
  return Info::template make<C>(values);
}

}  // namespace cuact::detail
