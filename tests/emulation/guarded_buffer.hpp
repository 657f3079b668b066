// Host buffers for the emulation tests: values at a chosen offset past a 16-byte boundary
// (the kernels' vector and element paths depend on it), between guard bytes that the kernels
// may not write; and a bit-for-bit comparison.
#pragma once

#include "tests/support/ulp.hpp"

#include <cuact/types.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace cuact::emulation {

/// `count` values of V starting `offset_bytes` past a 16-byte boundary, with 64 guard bytes
/// of a fixed pattern on each side.
template <class V>
class GuardedBuffer {
 public:
  static constexpr std::size_t kGuard = 64;  // a multiple of 16
  static constexpr unsigned char kPattern = 0xA5;

  GuardedBuffer(std::int64_t count, std::size_t offset_bytes)
      : count_(count),
        bytes_(kGuard * 2 + offset_bytes + static_cast<std::size_t>(count) * sizeof(V) + 16),
        storage_(new unsigned char[bytes_]) {
    std::memset(storage_.get(), kPattern, bytes_);
    const auto base = (reinterpret_cast<std::uintptr_t>(storage_.get()) + 15) / 16 * 16;
    data_ = reinterpret_cast<V*>(base + kGuard + offset_bytes);
  }
  V* get() { return data_; }
  void set(const std::vector<V>& values) {
    std::memcpy(data_, values.data(), values.size() * sizeof(V));
  }
  std::vector<V> values() const { return std::vector<V>(data_, data_ + count_); }
  /// True when every byte outside the values still holds the pattern.
  bool guards_intact() const {
    const auto* first = reinterpret_cast<const unsigned char*>(data_);
    const auto* last = reinterpret_cast<const unsigned char*>(data_ + count_);
    for (const unsigned char* p = storage_.get(); p < storage_.get() + bytes_; ++p) {
      if ((p < first || p >= last) && *p != kPattern) {
        return false;
      }
    }
    return true;
  }

 private:
  std::int64_t count_;
  std::size_t bytes_;
  std::unique_ptr<unsigned char[]> storage_;
  V* data_;
};

template <class T>
void expect_bitwise(const std::vector<T>& expected, const std::vector<T>& got, const char* what) {
  ASSERT_EQ(expected.size(), got.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(reference::ulp_distance(expected[i], got[i]), 0u)
        << what << "[" << i << "]: expected " << to_compute(expected[i]) << ", got "
        << to_compute(got[i]);
  }
}

}  // namespace cuact::emulation
