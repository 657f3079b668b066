#include "host/argument_checks.hpp"

#include <cuact/gated.hpp>

#include "cuda/detail/cuda_check.hpp"
#include "cuda/detail/per_device.hpp"
#include "host/op_registry.hpp"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <type_traits>
#include <limits>

namespace cuact::detail {

void throw_invalid_argument(const char* fn, const std::string& what) {
  throw invalid_argument(std::string(fn) + ": " + what);
}

namespace {
/// The shortest %g form of `value` that strtod/strtof reads back as `value`.
template <class V>
std::string shortest_decimal(V value) {
  if (std::isnan(value)) {
    return "nan";
  }
  if (std::isinf(value)) {
    return value > 0 ? "inf" : "-inf";
  }
  constexpr int kMaxDigits = std::numeric_limits<V>::max_digits10;
  char buf[40];
  for (int digits = 1; digits <= kMaxDigits; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, static_cast<double>(value));
    const V back = std::is_same_v<V, float> ? static_cast<V>(std::strtof(buf, nullptr))
                                            : static_cast<V>(std::strtod(buf, nullptr));
    if (back == value) {
      break;
    }
  }
  return buf;
}
}  // namespace

std::string format_value(double value) { return shortest_decimal(value); }

std::string format_value(float value) { return shortest_decimal(value); }

void expect_valid_count(const char* fn, std::int64_t n, std::size_t element_size) {
  if (n < 0) {
    throw_invalid_argument(fn, "'n' must be >= 0, got " + std::to_string(n));
  }
  if (n > std::numeric_limits<std::int64_t>::max() / static_cast<std::int64_t>(element_size)) {
    throw_invalid_argument(fn, "'n' = " + std::to_string(n) + " elements of " +
                                   std::to_string(element_size) +
                                   " bytes overflow a 64-bit byte count");
  }
}

void expect_not_null(const char* fn, const char* name, const void* p, std::int64_t n) {
  if (p == nullptr) {
    throw_invalid_argument(fn, std::string("'") + name + "' is null but n = " + std::to_string(n));
  }
}

namespace {
/// The value printed in its own type, so that it reads as the caller wrote it.
template <class V>
void expect_finite_value(const char* fn, const char* name, V value) {
  if (!std::isfinite(value)) {
    throw_invalid_argument(
        fn, std::string("'") + name + "' must be finite, got " + format_value(value));
  }
}
}  // namespace

void expect_finite(const char* fn, const char* name, double value) {
  expect_finite_value(fn, name, value);
}

void expect_finite(const char* fn, const char* name, float value) {
  expect_finite_value(fn, name, value);
}

void ParamRules::nonzero(const char* name, double value) const {
  if (value == 0.0) {
    throw_invalid_argument(fn, std::string("'") + name + "' must be non-zero");
  }
}

std::string mask_op_names() {
  std::string names;
  for_each_activation([&](auto tag) {
    using Op = typename decltype(tag)::template type<float>;
    if constexpr (has_mask_v<Op>) {
      names += (names.empty() ? "" : ", ") + std::string(Op::name);
    }
  });
  return names;
}

void expect_valid_saved(const char* fn, Saved saved) {
  if (saved == Saved::mask) {
    throw_invalid_argument(fn, "'saved' is Saved::mask, but this backward takes a tensor; the "
                               "backward from a mask is backward_from_mask (mask.hpp)");
  }
  if (saved != Saved::input && saved != Saved::output) {
    throw_invalid_argument(fn, "'saved' must be Saved::input or Saved::output, got " +
                                   std::to_string(static_cast<int>(saved)));
  }
}

namespace {
bool overlap(ByteRange a, ByteRange b) {
  if (a.p == nullptr || b.p == nullptr || a.bytes == 0 || b.bytes == 0) {
    return false;
  }
  const auto pa = reinterpret_cast<std::uintptr_t>(a.p);
  const auto pb = reinterpret_cast<std::uintptr_t>(b.p);
  return pa < pb ? pb - pa < static_cast<std::uintptr_t>(a.bytes)
                 : pa - pb < static_cast<std::uintptr_t>(b.bytes);
}
}  // namespace

void expect_valid_gated_layout(const char* fn, GatedLayout layout) {
  switch (layout) {
    case GatedLayout::gate_first:
    case GatedLayout::gate_second:
    case GatedLayout::interleaved:
    case GatedLayout::separate:
      return;
  }
  throw_invalid_argument(fn, "'layout' must be GatedLayout::gate_first, gate_second, "
                             "interleaved or separate, got " +
                                 std::to_string(static_cast<int>(layout)));
}

void expect_same_or_disjoint(const char* fn, ByteRange out, ByteRange in) {
  if (out.p == in.p && out.bytes == in.bytes) {
    return;
  }
  if (overlap(out, in)) {
    throw_invalid_argument(fn, std::string("'") + out.name + "' partially overlaps '" + in.name +
                                   "' (only exactly the same buffer is allowed in place)");
  }
}

void expect_disjoint(const char* fn, ByteRange out, ByteRange in) {
  if (overlap(out, in)) {
    throw_invalid_argument(fn, std::string("'") + out.name + "' overlaps '" + in.name +
                                   "' (they must be separate buffers)");
  }
}

namespace {
bool has_pageable_memory_access(int device, const char* fn) {
  static PerDeviceValue cache;
  return cache.get(device, [&] {
    int value = 0;
    CUACT_CUDA_TRY(cudaDeviceGetAttribute(&value, cudaDevAttrPageableMemoryAccess, device), fn);
    return value;
  }) != 0;
}
}  // namespace

namespace {
/// Puts the calling thread in relaxed stream-capture mode for its lifetime. The pointer and
/// device queries below are pure queries, but a global-mode capture in progress (in any
/// thread) must never be invalidated by them, whatever the driver classifies them as.
class RelaxedCaptureScope {
 public:
  RelaxedCaptureScope() { cudaThreadExchangeStreamCaptureMode(&mode_); }
  ~RelaxedCaptureScope() { cudaThreadExchangeStreamCaptureMode(&mode_); }
  RelaxedCaptureScope(const RelaxedCaptureScope&) = delete;
  RelaxedCaptureScope& operator=(const RelaxedCaptureScope&) = delete;

 private:
  cudaStreamCaptureMode mode_ = cudaStreamCaptureModeRelaxed;
};
}  // namespace

namespace {
void expect_accessible_from(const char* fn, int device, const char* name, const void* p) {
  cudaPointerAttributes attributes{};
  CUACT_CUDA_TRY(cudaPointerGetAttributes(&attributes, p), fn);
  const std::string arg = std::string("'") + name + "'";
  switch (attributes.type) {
    case cudaMemoryTypeDevice:
      if (attributes.device != device) {
        throw_invalid_argument(fn, arg + " is memory of device " +
                                       std::to_string(attributes.device) + " but device " +
                                       std::to_string(device) + " is current");
      }
      return;
    case cudaMemoryTypeManaged:
      return;
    case cudaMemoryTypeHost:
      if (attributes.devicePointer != p) {
        throw_invalid_argument(fn, arg + " is page-locked host memory that device " +
                                       std::to_string(device) +
                                       " cannot use at the same address (not mapped)");
      }
      return;
    case cudaMemoryTypeUnregistered:
    default:
      if (!has_pageable_memory_access(device, fn)) {
        throw_invalid_argument(fn, arg + " is pageable host memory, which device " +
                                       std::to_string(device) +
                                       " cannot read; pass device, managed or pinned memory");
      }
      return;
  }
}
}  // namespace

void expect_device_accessible(const char* fn, const ByteRange* args, std::size_t count) {
  const RelaxedCaptureScope relaxed;
  int device = 0;
  CUACT_CUDA_TRY(cudaGetDevice(&device), fn);
  for (const ByteRange* it = args; it != args + count; ++it) {
    const bool seen = std::any_of(args, it, [&](const ByteRange& r) { return r.p == it->p; });
    if (it->p != nullptr && !seen) {
      expect_accessible_from(fn, device, it->name, it->p);
    }
  }
}

}  // namespace cuact::detail
