// PReLU dispatch: plans the partition (prelu_plan.hpp), picks the kernel and vector width,
// and finishes the alpha gradient's partial sums (prelu_dalpha_kernel, with cub::WarpReduce
// or BlockReduce) unless the plan lets the blocks write dalpha themselves.
#include "cuda/prelu_kernels.cuh"
#include "cuda/launch.hpp"
#include "cuda/prelu_plan.hpp"
#include "cuda/resident_grid.cuh"
#include "cuda/vector_io.cuh"
#include "cuda/detail/cuda_check.hpp"
#include "cuda/detail/per_device.hpp"

#include <algorithm>
#include <cstdint>

namespace cuact::detail {

inline int sm_count(int device, const char* fn) {
  static PerDeviceValue sms;
  return sms.get(device, [&] {
    int count = 0;
    CUACT_CUDA_TRY(cudaDeviceGetAttribute(&count, cudaDevAttrMultiProcessorCount, device), fn);
    return count;
  });
}

/// Blocks of prelu_dalpha_kernel per SM, at most: it reads at most 1/64 of the tensor.
inline constexpr int kDalphaBlocksPerSm = 8;

inline bool same_shape(const PreluShape& a, const PreluShape& b) {
  return a.outer == b.outer && a.channels == b.channels && a.inner == b.inner;
}

template <class T>
PreluPlan make_prelu_plan(PreluShape shape, bool alpha_grad, const char* fn) {
  // Training code calls the same shape step after step: each thread keeps its last plan
  // (per element type), which keeps the planning off the host's hot path.
  struct LastPlan {
    int device = -1;
    PreluShape shape{};
    bool alpha_grad = false;
    PreluPlan plan;
  };
  thread_local LastPlan last;
  int device = 0;
  CUACT_CUDA_TRY(cudaGetDevice(&device), fn);
  if (last.device != device || !same_shape(last.shape, shape) || (alpha_grad && !last.alpha_grad)) {
    last = {device, shape, alpha_grad,
            plan_prelu(shape, alpha_grad, sm_count(device, fn), kVecElems<T>,
                       sizeof(compute_t<T>))};
  }
  return last.plan;
}

/// prelu_channels_last_kernel over super-rows of `width` elements, the tensors `off` elements
/// past a vector boundary. Returns where the partials are.
template <class Mode, class T, int kVec>
PartialsLayout launch_super_rows(const char* fn, const PreluPlan& p, const PreluArgs<T>& a,
                                 std::int64_t n, std::int64_t width, std::int64_t off,
                                 cudaStream_t stream) {
  constexpr auto kernel = prelu_channels_last_kernel<Mode, T, kVec>;
  const ChannelsLastMap map{n, p.channels, p.inner, width, off, kVec, p.chunks, kPreluThreads};
  const int grid = resident_grid<kPreluThreads, kernel>(map.units(), fn);
  kernel<<<grid, kPreluThreads, 0, stream>>>(a, map);
  CUACT_CUDA_TRY(cudaGetLastError(), fn);
  return {true, p.channels, p.chunks, p.inner, width, off};
}

/// The vector path takes tensors that all start at the same offset from a 16-byte boundary
/// (any offset: the kernels skip the vectors reaching outside the tensor and take their
/// elements one by one). Rows shorter than a vector (channels last among them) take
/// super-rows, any channel count; rows of a multiple of the vector on boundaries the plain
/// tiles, other rows the masked tiles. Tensors at different offsets, and rows of 2^31
/// elements or more off boundaries, take the element path (kVec = 1). Returns where the
/// partials are.
template <class Mode, class T>
PartialsLayout launch_prelu(const char* fn, const PreluPlan& p, const PreluArgs<T>& a,
                            cudaStream_t stream) {
  constexpr int kVec = kVecElems<T>;
  const std::size_t misalignment = vector_misalignment(a.x);
  const bool same_offset =
      misalignment % sizeof(T) == 0 &&
      (!Mode::backward || vector_misalignment(a.dy) == misalignment) &&
      (!Mode::write_out || vector_misalignment(a.out) == misalignment);
  const std::int64_t off = static_cast<std::int64_t>(misalignment / sizeof(T));
  const std::int64_t n = p.outer * p.channels * p.inner;

  if (p.super_rows) {
    return same_offset
               ? launch_super_rows<Mode, T, kVec>(fn, p, a, n, p.width, off, stream)
               : launch_super_rows<Mode, T, 1>(fn, p, a, n, p.channels * p.inner, 0, stream);
  }

  const std::int64_t tiles = p.channels * p.chunks;
  if (same_offset && off == 0 && p.inner % kVec == 0) {
    constexpr auto kernel = prelu_channel_tiles_kernel<Mode, T, kVec>;
    const int grid = resident_grid<kPreluThreads, kernel>(tiles, fn);
    kernel<<<grid, kPreluThreads, 0, stream>>>(a, p.outer, p.channels, p.inner, p.chunks);
  } else if (same_offset && MaskedRowsMap::fits(p.inner, kVec)) {  // inner >= kVec here
    constexpr auto kernel = prelu_channel_tiles_masked_kernel<Mode, T, kVec>;
    const MaskedRowsMap map{
        ChannelTilesMap{p.outer, p.channels, MaskedRowsMap::slots(p.inner, kVec), p.chunks,
                        kPreluThreads},
        p.inner, off, n};
    const int grid = resident_grid<kPreluThreads, kernel>(tiles, fn);
    kernel<<<grid, kPreluThreads, 0, stream>>>(a, map);
  } else {
    constexpr auto kernel = prelu_channel_tiles_kernel<Mode, T, 1>;
    const int grid = resident_grid<kPreluThreads, kernel>(tiles, fn);
    kernel<<<grid, kPreluThreads, 0, stream>>>(a, p.outer, p.channels, p.inner, p.chunks);
  }
  CUACT_CUDA_TRY(cudaGetLastError(), fn);
  return {false, p.channels, p.chunks, p.inner, 1, 0};
}

template <class T>
void launch_prelu_forward(const char* fn, const PreluPlan& plan, const T* x,
                          const compute_t<T>* alpha, T* y, cudaStream_t stream) {
  const PreluArgs<T> args{x, nullptr, alpha, y, nullptr, nullptr, nullptr};
  if (y == x) {
    launch_prelu<PreluMode<false, true, false, false>>(fn, plan, args, stream);
  } else {
    launch_prelu<PreluMode<false, true, false, true>>(fn, plan, args, stream);
  }
}

template <class T>
void launch_prelu_backward(const char* fn, const PreluPlan& plan, const T* x, const T* dy,
                           const compute_t<T>* alpha, T* dx, compute_t<T>* dalpha, GradMode mode,
                           void* workspace, cudaStream_t stream) {
  using C = compute_t<T>;
  // A direct plan's blocks write dalpha; otherwise they write partials into the workspace
  // and prelu_dalpha_kernel sums them.
  const bool direct = dalpha != nullptr && plan.direct_dalpha;
  C* partials = nullptr;
  if (dalpha != nullptr && !direct) {
    partials = reinterpret_cast<C*>(
        round_up(reinterpret_cast<std::uintptr_t>(workspace), kPreluWorkspaceAlign));
  }
  const PreluArgs<T> args{x,
                          dy,
                          alpha,
                          dx,
                          partials,
                          mode == GradMode::accumulate ? dalpha : nullptr,
                          direct ? dalpha : nullptr};
  // In place (dx == dy or dx == x) the inputs are written during the kernel: no read-only
  // loads then.
  const bool in_place = dx != nullptr && (dx == dy || dx == x);
  PartialsLayout layout;
  if (dx != nullptr && dalpha != nullptr) {
    if (in_place) {
      layout = launch_prelu<PreluMode<true, true, true, false>>(fn, plan, args, stream);
    } else {
      layout = launch_prelu<PreluMode<true, true, true, true>>(fn, plan, args, stream);
    }
  } else if (dx != nullptr) {
    if (in_place) {
      launch_prelu<PreluMode<true, true, false, false>>(fn, plan, args, stream);
    } else {
      launch_prelu<PreluMode<true, true, false, true>>(fn, plan, args, stream);
    }
  } else {
    layout = launch_prelu<PreluMode<true, false, true, true>>(fn, plan, args, stream);
  }
  if (dalpha != nullptr && !direct) {
    // A warp per channel for few partials (a matrix's thousands of channels), the block for
    // many (one shared alpha).
    const std::int64_t most = plan.sms * kDalphaBlocksPerSm;
    if (layout.per_channel() <= kDalphaWarpPartials) {
      constexpr std::int64_t kWarps = kDalphaThreads / 32;
      const auto grid = std::min<std::int64_t>((layout.channels + kWarps - 1) / kWarps, most);
      prelu_dalpha_kernel<C, true>
          <<<static_cast<int>(grid), kDalphaThreads, 0, stream>>>(partials, dalpha, layout);
    } else {
      const auto grid = std::min<std::int64_t>(layout.channels, most);
      prelu_dalpha_kernel<C, false>
          <<<static_cast<int>(grid), kDalphaThreads, 0, stream>>>(partials, dalpha, layout);
    }
    CUACT_CUDA_TRY(cudaGetLastError(), fn);
  }
}

#define CUACT_INSTANTIATE_PRELU(T)                                                                \
  template PreluPlan make_prelu_plan<T>(PreluShape, bool, const char*);                           \
  template void launch_prelu_forward<T>(const char*, const PreluPlan&, const T*,                  \
                                        const compute_t<T>*, T*, cudaStream_t);                   \
  template void launch_prelu_backward<T>(const char*, const PreluPlan&, const T*, const T*,       \
                                         const compute_t<T>*, T*, compute_t<T>*, GradMode, void*, \
                                         cudaStream_t);

CUACT_INSTANTIATE_PRELU(float)
CUACT_INSTANTIATE_PRELU(double)
CUACT_INSTANTIATE_PRELU(__half)
CUACT_INSTANTIATE_PRELU(__nv_bfloat16)

}  // namespace cuact::detail
