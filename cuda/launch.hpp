// The launch boundary: everything host entry points (compiled by the C++ compiler) call in
// the kernels (compiled by nvcc). Plain C++ declarations, defined and explicitly instantiated
// in the .cu files: the elementwise launcher in the generated per-activation kernel files
// (see cmake/cuact_registry.cmake), PReLU's planner and launchers in cuda/prelu_device.cu.
#pragma once

#include <cuact/ops.hpp>
#include <cuact/prelu.hpp>
#include <cuact/rrelu.hpp>
#include <cuact/types.hpp>

#include <cuda_runtime_api.h>

#include <array>
#include <cstddef>
#include <cstdint>

namespace cuact::detail {

/// Which pass of a unary activation a launch computes.
enum class Pass {
  forward,           ///< out = f(v), v = x
  grad_from_input,   ///< out = dy * f'(v), v = x
  grad_from_output,  ///< out = dy * f'(x), v = y = f(x); only for ops that have it
};

/// One pass of unary activation Op over n elements in compute_t<T>, on `stream`: out =
/// op.forward(v[i]) or op's gradient at v[i] times dy[i] (dy unused by the forward).
/// Arguments are already validated; n > 0. Throws cuda_error naming `fn` when the launch
/// fails. Defined in cuda/elementwise_device.cuh (the dispatch in elementwise_dispatch.hpp),
/// instantiated per activation and element type in the generated kernel files.
template <class Op, class T>
void launch_unary(const char* fn, Pass pass, const Op& op, const T* v, const T* dy, T* out,
                  std::int64_t n, cudaStream_t stream);

/// The 1-bit-mask passes of unary activation Op (mask.hpp) over n > 0 elements: the forward
/// (backward false) reads `in` = x and writes `out` = y and `mask`; the backward reads `in` =
/// dy and `mask` and writes `out` = dx. Arguments are already validated. Defined in
/// cuda/mask_device.cuh (the dispatch in mask_dispatch.hpp), instantiated with launch_unary;
/// throws invalid_argument for an op without a mask.
template <class Op, class T>
void launch_masked(const char* fn, bool backward, const Op& op, const T* in, std::uint32_t* mask,
                   T* out, std::int64_t n, cudaStream_t stream);

/// One RReLU training pass (rrelu.hpp) over n > 0 elements: the forward (out = y from v = x)
/// or the backward (out = dx from v = x or y, and dy). The key is `key`, or *key_device with
/// offset_delta added to its offset when key_device is not null. Arguments are already
/// validated. Defined in cuda/rrelu_device.cu.
template <class T>
void launch_rrelu(const char* fn, bool backward, const RRelu<compute_t<T>>& op,
                  const RReluKey& key, const RReluKey* key_device, std::uint64_t offset_delta,
                  const T* v, const T* dy, T* out, std::int64_t n, cudaStream_t stream);

/// key->offset += 1 on `stream` (one thread).
void launch_advance_rrelu_offset(const char* fn, RReluKey* key, cudaStream_t stream);

/// One gated call as the kernels see it (GatedMap in gated_map.hpp): `gate` and `up` point
/// at the first gate and up elements (interleaved: `gate` at the first pair, `up` unused),
/// rows gate_row and up_row elements apart; `out` is the output [rows, hidden] (forward) or
/// the gate's gradient in the gate's layout (backward; interleaved: the pairs' gradient),
/// `out2` the up gradient (planar backward only); `dy` is [rows, hidden]. rows * hidden > 0.
template <class T>
struct GatedLaunch {
  const T* gate = nullptr;
  const T* up = nullptr;
  const T* dy = nullptr;
  T* out = nullptr;
  T* out2 = nullptr;
  std::int64_t rows = 0;
  std::int64_t hidden = 0;
  std::int64_t gate_row = 0;
  std::int64_t up_row = 0;
  bool interleaved = false;
};

/// The forward (out = op.forward(g, u)) or backward pass of gated functor G over a call.
/// Arguments are already validated. Defined in cuda/gated_device.cuh (the dispatch in
/// gated_dispatch.hpp), instantiated in the generated kernel files.
template <class G, class T>
void launch_gated(const char* fn, bool backward, const G& op, const GatedLaunch<T>& p,
                  cudaStream_t stream);

/// How one PReLU call is partitioned. It depends only on the shape, the element type and the
/// device (its SM count), never on the data, so partial sums combine in the same order on
/// every run.
struct PreluPlan {
  // The shape as the kernels see it: a shared alpha (channels == 1) is folded into one row.
  std::int64_t outer = 0;
  std::int64_t channels = 1;
  std::int64_t inner = 1;
  // Rows shorter than a vector (inner == 1: NHWC, [N, C]): blocks take chunks of super-rows
  // of `width` elements (lcm(channels * inner, vector width), prelu_map.hpp). Otherwise
  // blocks take tiles of one channel's rows.
  bool super_rows = false;
  std::int64_t width = 1;
  // Row chunks (super_rows) or tiles per channel (otherwise).
  std::int64_t chunks = 1;
  // Partial sums: one initial value (old dalpha or 0) per channel, then one per channel
  // (column element of a super-row, super_rows) and chunk. The most any path takes.
  std::int64_t partial_count = 0;
  // Every channel's alpha gradient is summed whole by one block (one chunk; a tile is a
  // channel, or a super-row's column element is one): the backward's blocks then write
  // dalpha themselves, with no partials and no second kernel (small tensors, where the
  // second launch would cost about as much as the work).
  bool direct_dalpha = false;
  int sms = 1;  // of the device planned for
  std::size_t workspace_bytes = 0;
};

/// The partials start on this boundary inside the caller's workspace, which
/// may have any alignment.
inline constexpr std::size_t kPreluWorkspaceAlign = 256;

inline constexpr std::size_t round_up(std::size_t bytes, std::size_t align) {
  return (bytes + align - 1) / align * align;
}

/// A size no plan's workspace is below, known without a device: the alignment slack and one
/// chunk's partials per channel. For a shape the entry points accept (its plan within
/// kPreluPlanLimit, prelu_plan.hpp) it is at most the plan's workspace, so it does not
/// overflow; past that it saturates.
template <class T>
constexpr std::size_t prelu_workspace_lower_bound(std::int64_t channels) {
  constexpr std::size_t kPerChannel = 2 * sizeof(compute_t<T>);
  const auto c = static_cast<std::size_t>(channels);
  if (c > (SIZE_MAX - 2 * kPreluWorkspaceAlign) / kPerChannel) {
    return SIZE_MAX;
  }
  return kPreluWorkspaceAlign + round_up(c * kPerChannel, kPreluWorkspaceAlign);
}

/// Plans a call on the current device (plan_prelu, prelu_plan.hpp); with `alpha_grad`, also
/// sizes the workspace for the alpha gradient. shape.numel() > 0 and does not overflow.
template <class T>
PreluPlan make_prelu_plan(PreluShape shape, bool alpha_grad, const char* fn);

template <class T>
void launch_prelu_forward(const char* fn, const PreluPlan& plan, const T* x,
                          const compute_t<T>* alpha, T* y, cudaStream_t stream);

/// dx and/or dalpha (at least one not null); `workspace` holds plan.workspace_bytes when
/// dalpha is not null and the plan is not direct_dalpha (which uses none: it may be null).
template <class T>
void launch_prelu_backward(const char* fn, const PreluPlan& plan, const T* x, const T* dy,
                           const compute_t<T>* alpha, T* dx, compute_t<T>* dalpha, GradMode mode,
                           void* workspace, cudaStream_t stream);

}  // namespace cuact::detail
