#include "bench/fill.hpp"

#include "host/op_registry.hpp"

#include <cuact/types.hpp>

#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace cuact::bench {

namespace {
__device__ std::uint64_t splitmix64(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
}  // namespace

template <class T>
__global__ void fill_uniform_kernel(T* p, std::int64_t n, double lo, double hi,
                                    std::uint64_t seed) {
  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += stride) {
    const double u = static_cast<double>(splitmix64(seed * 0x100000001b3ull + i) >> 11) * 0x1p-53;
    p[i] = from_compute<T>(static_cast<compute_t<T>>(lo + (hi - lo) * u));
  }
}

template <class T>
void launch_fill(void* p, std::int64_t n, double lo, double hi, std::uint64_t seed,
                 cudaStream_t stream) {
  fill_uniform_kernel<T><<<1024, 256, 0, stream>>>(static_cast<T*>(p), n, lo, hi, seed);
  const cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess) {
    throw std::runtime_error(std::string("fill_uniform: ") + cudaGetErrorString(e));
  }
}

void fill_uniform(cuact_dtype dtype, void* p, std::int64_t n, double lo, double hi,
                  std::uint64_t seed, cudaStream_t stream) {
  const bool known = detail::visit_dtype(dtype, [&](auto tag) {
    launch_fill<decltype(tag)>(p, n, lo, hi, seed, stream);
  });
  if (known) {
    return;
  }
  throw std::invalid_argument("fill_uniform: unknown dtype");
}

}  // namespace cuact::bench
