// What parameterised GPU tests share: the element-type parameter and seeded random data.
#pragma once

#include <cuact/types.hpp>

#include <cstdint>
#include <ostream>
#include <random>
#include <vector>

namespace cuact::test {

/// The element type of a parameterised test.
enum class Dtype { f32, f64, f16, bf16 };

inline const char* dtype_name(Dtype d) {
  static const char* const names[] = {"f32", "f64", "f16", "bf16"};
  return names[static_cast<int>(d)];
}

/// Readable parameters in gtest's output.
inline void PrintTo(Dtype d, std::ostream* os) { *os << dtype_name(d); }

/// Calls body(T{}) with the element type `d` names.
template <class Body>
void with_dtype(Dtype d, Body&& body) {
  switch (d) {
    case Dtype::f32:
      return body(float{});
    case Dtype::f64:
      return body(double{});
    case Dtype::f16:
      return body(__half{});
    case Dtype::bf16:
      return body(__nv_bfloat16{});
  }
}

/// n values uniform in [lo, hi) from a fixed seed, rounded to T.
template <class T>
std::vector<T> random_vector(std::int64_t n, double lo, double hi, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  std::vector<T> v(static_cast<std::size_t>(n));
  for (auto& e : v) {
    e = from_compute<T>(static_cast<compute_t<T>>(dist(rng)));
  }
  return v;
}

}  // namespace cuact::test
