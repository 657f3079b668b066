// Comparing results element by element: bitwise, or within a number of ulp of T. Used by
// the tests and the benchmark's result check.
#pragma once

#include <cuact/activations.hpp>
#include <cuact/op_traits.hpp>
#include <cuact/types.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

namespace cuact::reference {

/// The unsigned integer with the bits of T.
template <class T>
using bits_t = std::conditional_t<sizeof(T) == 8, std::uint64_t,
                                  std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint16_t>>;

template <class T>
bits_t<T> bits_of(T v) {
  bits_t<T> b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

template <class T>
bool is_nan(T v) {
  return std::isnan(static_cast<double>(to_compute(v)));
}

/// Distance in units in the last place of T between a and b: 0 for identical bits and for
/// two NaNs; +0 and -0 are 1 apart; the maximum value when exactly one is NaN.
template <class T>
std::uint64_t ulp_distance(T a, T b) {
  if (is_nan(a) || is_nan(b)) {
    return is_nan(a) && is_nan(b) ? 0 : std::numeric_limits<std::uint64_t>::max();
  }
  using U = bits_t<T>;
  constexpr U sign = U(1) << (sizeof(U) * 8 - 1);
  // Map the sign-magnitude encoding onto a line: negatives below positives, -0 just below +0.
  const auto line = [](U u) -> std::int64_t {
    const auto magnitude = static_cast<std::int64_t>(u & ~sign);
    return (u & sign) ? -magnitude - 1 : magnitude;
  };
  const std::int64_t la = line(bits_of(a));
  const std::int64_t lb = line(bits_of(b));
  return static_cast<std::uint64_t>(la > lb ? la - lb : lb - la);
}

/// How far, in ulp of T, a GPU result may be from the CPU reference of the same functor:
/// the functor's accuracy class (ops.hpp) for that pass, at most 1 ulp for 16-bit types
/// (their float difference shows only at rounding ties). The one tolerance of tests and
/// benchmark.
template <class T>
constexpr std::uint64_t gpu_tolerance_ulp(const Accuracy& accuracy, bool backward, Saved saved) {
  const int ulp = !backward                ? accuracy.forward_ulp
                  : saved == Saved::input ? accuracy.grad_from_input_ulp
                                          : accuracy.grad_from_output_ulp;
  return static_cast<std::uint64_t>(sizeof(T) == 2 && ulp > 1 ? 1 : ulp);
}

/// The spacing of T's values at 1 (float: 2^-23, double: 2^-52, __half: 2^-10, bf16: 2^-7).
template <class T>
constexpr double epsilon_of() {
  if constexpr (std::is_same_v<T, double>) {
    return 0x1p-52;
  } else if constexpr (std::is_same_v<T, float>) {
    return 0x1p-23;
  } else if constexpr (std::is_same_v<T, __half>) {
    return 0x1p-10;
  } else {
    return 0x1p-7;
  }
}

/// Whether a GPU result is close enough to the CPU reference's for one pass of an op of
/// accuracy class `a`: within gpu_tolerance_ulp, or, for a gradient, within the class's
/// absolute floor grad_abs_eps * eps(T) * |dy| (near the gradient's zeros).
template <class T>
bool gpu_close(T want, T got, const Accuracy& a, bool backward, Saved saved, double dy) {
  if (ulp_distance(want, got) <= gpu_tolerance_ulp<T>(a, backward, saved)) {
    return true;
  }
  if (!backward || a.grad_abs_eps == 0 || is_nan(want) || is_nan(got)) {
    return false;
  }
  const double w = static_cast<double>(to_compute(want));
  const double g = static_cast<double>(to_compute(got));
  return std::fabs(w - g) <= a.grad_abs_eps * epsilon_of<T>() * std::fabs(dy);
}

}  // namespace cuact::reference
