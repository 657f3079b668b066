// From runtime choices to template arguments, for every family's dispatch: a kernel is a
// template over its path (vector width, read-only loads, direction, layout, kernel kind), and
// the dispatch turns the call's runtime booleans and enums into those arguments here, once,
// instead of writing a branch per combination.
#pragma once

#include <type_traits>
#include <utility>

namespace cuact::detail {

/// f(std::integral_constant<decltype(kFirst), V>{}) for the V among kFirst, kRest... that
/// equals `value`; the last one when none does (callers pass only listed values). Every
/// listed value instantiates f, so list exactly the values that have kernels.
template <auto kFirst, auto... kRest, class F>
decltype(auto) with_constant(decltype(kFirst) value, F&& f) {
  if constexpr (sizeof...(kRest) == 0) {
    (void)value;
    return f(std::integral_constant<decltype(kFirst), kFirst>{});
  } else {
    if (value == kFirst) {
      return f(std::integral_constant<decltype(kFirst), kFirst>{});
    }
    return with_constant<kRest...>(value, std::forward<F>(f));
  }
}

/// f(std::bool_constant<flags>...): each runtime flag as a compile-time one, in order, so
/// that f instantiates once per combination (2^flags of them).
template <class F>
decltype(auto) with_flags(F&& f) {
  return f();
}
template <class F, class... Rest>
decltype(auto) with_flags(F&& f, bool first, Rest... rest) {
  return with_constant<true, false>(first, [&](auto flag) -> decltype(auto) {
    return with_flags([&](auto... flags) -> decltype(auto) { return f(flag, flags...); }, rest...);
  });
}

}  // namespace cuact::detail
