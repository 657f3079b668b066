// What parameterised GPU tests share: the element-type parameter and seeded random data.
#pragma once

#include "host/op_registry.hpp"

#include <cuact/cuact.h>
#include <cuact/types.hpp>

#include <cstdint>
#include <ostream>
#include <random>
#include <vector>

namespace cuact::test {

/// The element type of a parameterised test: the C API's, from the registry.
using Dtype = cuact_dtype;

using detail::dtype_name;
using detail::kAllDtypes;

/// Calls body(T{}) with the element type `d` names.
template <class Body>
void with_dtype(Dtype d, Body&& body) {
  detail::visit_dtype(d, body);
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

/// Readable element types in gtest's output (found by ADL: cuact_dtype is a global C enum).
inline void PrintTo(cuact_dtype d, std::ostream* os) { *os << cuact::detail::dtype_name(d); }
