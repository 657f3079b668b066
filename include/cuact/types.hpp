// Element types, their compute types and the conversions between them.
//
// cuact works on four element types: float, double, __half and __nv_bfloat16. Arithmetic is
// done in the element's *compute type* (double for double, float for the other three) and the
// result is rounded to the element type once, on store. Scalar parameters (slopes, alphas) and
// PReLU's alpha/dalpha are held in the compute type, so a bf16 layer keeps fp32 parameters.
//
// This header compiles with any C++17 compiler (no nvcc needed); the conversions are
// __host__ __device__ so the same code runs in kernels and in the CPU reference.
#pragma once

// __half and __nv_bfloat16 appear in the signatures cuact's shared library exports. Under
// -fvisibility=hidden (how cuact is built) a type declared without a visibility attribute is
// hidden, and so would be every instantiation on it; declare them with default visibility.
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#include <type_traits>

#if defined(__CUDACC__)
#define CUACT_HOST_DEVICE __host__ __device__
#else
#define CUACT_HOST_DEVICE
#endif

namespace cuact {

/// True for the four element types cuact is built for.
template <class T>
inline constexpr bool is_element_v = std::is_same_v<T, float> || std::is_same_v<T, double> ||
                                     std::is_same_v<T, __half> || std::is_same_v<T, __nv_bfloat16>;

/// The type arithmetic is done in for element type T: double for double, float otherwise.
/// A plain trait with specialisations (not std::conditional_t on is_same_v): the public
/// templates whose signatures use compute_t<T> then mangle the same under g++ and clang++,
/// so a library built by one links with code built by the other.
template <class T>
struct compute_type {
  using type = float;
};
template <>
struct compute_type<double> {
  using type = double;
};
template <class T>
using compute_t = typename compute_type<T>::type;

/// T in a non-deduced context (std::type_identity_t before C++20): lets a caller pass
/// nullptr for an optional output whose type the other arguments already fix.
template <class T>
struct type_identity {
  using type = T;
};
template <class T>
using nondeduced_t = typename type_identity<T>::type;

/// Widens an element to its compute type (exact for every element type).
CUACT_HOST_DEVICE inline float to_compute(float v) { return v; }
CUACT_HOST_DEVICE inline double to_compute(double v) { return v; }
CUACT_HOST_DEVICE inline float to_compute(__half v) { return __half2float(v); }
CUACT_HOST_DEVICE inline float to_compute(__nv_bfloat16 v) { return __bfloat162float(v); }

/// Rounds a compute-type value to element type T, round-to-nearest-even.
template <class T>
CUACT_HOST_DEVICE inline T from_compute(compute_t<T> v) {
  if constexpr (std::is_same_v<T, __half>) {
    return __float2half_rn(v);
  } else if constexpr (std::is_same_v<T, __nv_bfloat16>) {
    return __float2bfloat16_rn(v);
  } else {
    return v;
  }
}

/// Short lowercase name of an element type ("f32", "f64", "f16", "bf16"), for messages,
/// test names and benchmark tables.
template <class T>
constexpr const char* type_name() {
  static_assert(is_element_v<T>, "cuact: unsupported element type");
  if constexpr (std::is_same_v<T, float>) {
    return "f32";
  } else if constexpr (std::is_same_v<T, double>) {
    return "f64";
  } else if constexpr (std::is_same_v<T, __half>) {
    return "f16";
  } else {
    return "bf16";
  }
}

}  // namespace cuact
