// A per-device value computed once and then read without locking.
#pragma once

#include <array>
#include <atomic>

namespace cuact::detail {

/// Holds one non-negative int per device ordinal, computed on first use by the callable
/// passed to get(). Safe from many host threads: threads racing on first use each compute
/// the value and store the same result. Devices past kMaxDevices are computed on every call.
/// Meant for function-local statics (zero-initialized: every slot starts unset).
class PerDeviceValue {
 public:
  static constexpr int kMaxDevices = 64;

  template <class Compute>
  int get(int device, Compute&& compute) {
    if (device < 0 || device >= kMaxDevices) {
      return compute();
    }
    // Slots hold value + 1, so that zero means "not computed yet".
    int stored = slots_[device].load(std::memory_order_relaxed);
    if (stored == 0) {
      stored = compute() + 1;
      slots_[device].store(stored, std::memory_order_relaxed);
    }
    return stored - 1;
  }

 private:
  std::array<std::atomic<int>, kMaxDevices> slots_{};
};

}  // namespace cuact::detail
