// cub::BlockReduce for kernels run by emulated_cuda.hpp: every thread's value to the shared
// storage, a barrier, thread 0 sums them in thread order. As in CUB, the result is defined in
// thread 0 only, and the caller synchronizes before it reuses the storage.
#pragma once

#include "tests/emulation/emulated_cuda.hpp"

namespace cub {

template <class T, int kThreads>
class BlockReduce {
 public:
  struct TempStorage {
    T values[kThreads];
  };

  explicit BlockReduce(TempStorage& storage) : storage_(storage) {}

  T Sum(T value) {
    storage_.values[threadIdx.x] = value;
    __syncthreads();
    if (threadIdx.x != 0) {
      return T{};
    }
    T sum = storage_.values[0];
    for (int t = 1; t < kThreads; ++t) {
      sum += storage_.values[t];
    }
    return sum;
  }

 private:
  TempStorage& storage_;
};

}  // namespace cub
