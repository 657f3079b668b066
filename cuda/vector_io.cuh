// Packed loads and stores of up to 16 bytes, and the alignment test that selects them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace cuact::detail {

/// Bytes moved by one vector access: 16 is the widest single load/store on sm_75..sm_90.
inline constexpr int kVectorBytes = 16;

/// kVec elements of T moved as one access (kVec * sizeof(T) is 2, 4, 8 or 16 bytes).
template <class T, int kVec>
struct alignas(sizeof(T) * kVec) Packed {
  T v[kVec];
};

/// Elements of T per 16-byte vector.
template <class T>
inline constexpr int kVecElems = kVectorBytes / static_cast<int>(sizeof(T));

/// Bytes past the last 16-byte boundary at or below p.
inline std::size_t vector_misalignment(const void* p) {
  return reinterpret_cast<std::uintptr_t>(p) % kVectorBytes;
}

/// True when p may be read and written as 16-byte vectors.
inline bool is_vector_aligned(const void* p) { return vector_misalignment(p) == 0; }

namespace vector_io {
// The unsigned integer (vector) type of each access width.
template <int kBytes>
struct Raw;
template <>
struct Raw<2> {
  using type = unsigned short;
};
template <>
struct Raw<4> {
  using type = unsigned int;
};
template <>
struct Raw<8> {
  using type = uint2;
};
template <>
struct Raw<16> {
  using type = uint4;
};
}  // namespace vector_io

/// Reads kVec elements at p (aligned to the access) as one load. kReadOnly: through the
/// read-only data path (ld.global.nc), whose contract is that nothing writes the data during
/// the kernel, so only for inputs that no output aliases. Otherwise (in place) a coherent
/// load (ld.global.ca), also a single access.
template <class T, int kVec, bool kReadOnly = true>
__device__ __forceinline__ Packed<T, kVec> load_packed(const T* p) {
  using Raw = typename vector_io::Raw<sizeof(Packed<T, kVec>)>::type;
  Raw raw;
  if constexpr (kReadOnly) {
    raw = __ldg(reinterpret_cast<const Raw*>(p));
  } else {
    raw = __ldca(reinterpret_cast<const Raw*>(p));
  }
  Packed<T, kVec> out;
  memcpy(&out, &raw, sizeof out);
  return out;
}

/// Writes kVec elements at p (aligned to the access) as one store. Through the __stwb
/// intrinsic (write-back, the default policy) rather than a plain assignment: with a plain
/// one the compiler may split the store into per-element stores when it cannot prove the
/// address aligned, and the aligned path's whole point is the single 16-byte store.
template <class T, int kVec>
__device__ __forceinline__ void store_packed(T* p, const Packed<T, kVec>& value) {
  using Raw = typename vector_io::Raw<sizeof(Packed<T, kVec>)>::type;
  Raw raw;
  memcpy(&raw, &value, sizeof raw);
  __stwb(reinterpret_cast<Raw*>(p), raw);
}

}  // namespace cuact::detail
