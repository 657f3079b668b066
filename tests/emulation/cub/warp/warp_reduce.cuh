// cub::WarpReduce for kernels run by emulated_cuda.hpp: the warp's 32 values to its storage,
// a warp barrier, lane 0 sums them in lane order, and a second barrier before the storage
// can be written again (CUB's shuffles need none; the emulation's storage does). The result
// is defined in lane 0 only, as in CUB.
#pragma once

#include "tests/emulation/emulated_cuda.hpp"

namespace cub {

template <class T>
class WarpReduce {
 public:
  struct TempStorage {
    T values[32];
  };

  explicit WarpReduce(TempStorage& storage) : storage_(storage) {}

  T Sum(T value) {
    const unsigned lane = threadIdx.x % 32;
    storage_.values[lane] = value;
    ::cuact::emulation::warp_barrier();
    T sum{};
    if (lane == 0) {
      sum = storage_.values[0];
      for (int l = 1; l < 32; ++l) {
        sum += storage_.values[l];
      }
    }
    ::cuact::emulation::warp_barrier();
    return sum;
  }

 private:
  TempStorage& storage_;
};

}  // namespace cub
