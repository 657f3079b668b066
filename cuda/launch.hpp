// The launch boundary: everything host entry points (compiled by the C++ compiler) call in
// the kernels (compiled by nvcc). Plain C++ declarations, defined and explicitly instantiated
// in the .cu files: the elementwise launcher in the generated per-activation kernel files
// (see cmake/cuact_registry.cmake), PReLU's launchers in cuda/prelu_device.cu, Snake's in
// cuda/snake_device.cu and cuda/snakebeta_device.cu. The plans the
// launchers take are host code (channelwise_plan.hpp, gated_launch.hpp).
#pragma once

#include "cuda/channelwise_plan.hpp"
#include "cuda/gated_launch.hpp"

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

/// The forward (out = op.forward(g, u)) or backward pass of gated functor G over a call.
/// Arguments are already validated. Defined in cuda/gated_device.cuh (the dispatch in
/// gated_dispatch.hpp), instantiated in the generated kernel files.
template <class G, class T>
void launch_gated(const char* fn, bool backward, const G& op, const GatedLaunch<T>& p,
                  cudaStream_t stream);

template <class T>
void launch_prelu_forward(const char* fn, const ChannelwisePlan& plan, const T* x,
                          const compute_t<T>* alpha, T* y, cudaStream_t stream);

/// dx and/or dalpha (at least one not null); `workspace` holds plan.workspace_bytes when
/// dalpha is not null and the plan is not direct (which uses none: it may be null).
template <class T>
void launch_prelu_backward(const char* fn, const ChannelwisePlan& plan, const T* x, const T* dy,
                           const compute_t<T>* alpha, T* dx, compute_t<T>* dalpha, GradMode mode,
                           void* workspace, cudaStream_t stream);

/// Snake (snake.hpp) over a call planned by `plan`: the forward when dy is null (out = y from
/// x), else the backward, writing out = dx when not null and dalpha when not null (from the
/// workspace's partials unless the plan is direct). alpha holds the parameters, or their
/// logarithms when log_scale. Arguments are already validated. Defined in
/// cuda/snake_device.cu.
template <class T>
void launch_snake(const char* fn, const ChannelwisePlan& plan, const compute_t<T>* alpha,
                  bool log_scale, const T* x, const T* dy, T* out, compute_t<T>* dalpha,
                  GradMode mode, void* workspace, cudaStream_t stream);

/// SnakeBeta (snake.hpp), as launch_snake: dalpha and dbeta both or neither. Defined in
/// cuda/snakebeta_device.cu.
template <class T>
void launch_snakebeta(const char* fn, const ChannelwisePlan& plan, const compute_t<T>* alpha,
                      const compute_t<T>* beta, bool log_scale, const T* x, const T* dy, T* out,
                      compute_t<T>* dalpha, compute_t<T>* dbeta, GradMode mode, void* workspace,
                      cudaStream_t stream);

/// DyT (dyt.hpp) over a call planned by `plan` (3 gradient terms): the forward when dy is
/// null (out = y from x, alpha, gamma, beta), else the backward, writing out = dx when not
/// null and, when dalpha is not null, dgamma, dbeta and dalpha through the workspace
/// (dyt_workspace_bytes). Arguments are already validated. Defined in cuda/dyt_device.cu.
template <class T>
void launch_dyt(const char* fn, const ChannelwisePlan& plan, const compute_t<T>* alpha,
                const compute_t<T>* gamma, const compute_t<T>* beta, const T* x, const T* dy,
                T* out, compute_t<T>* dalpha, compute_t<T>* dgamma, compute_t<T>* dbeta,
                GradMode mode, void* workspace, cudaStream_t stream);

/// Finishes a channelwise backward's gradients from its partials (channel_grads_kernel):
/// grads.p[t][c] = the sum of term t's partials of channel c in `layout`. Defined once, for
/// C = float and double and 1 to 3 terms, in cuda/channel_grads_device.cu.
template <class C, int kTerms>
void launch_channel_grads(const char* fn, const PartialsLayout& layout, const C* partials,
                          const GradPointers<C, kTerms>& grads, cudaStream_t stream);

/// One pass of bias + activation Op (bias.hpp) over a call planned by `plan`
/// (channelwise_plan.hpp): Pass::forward reads v = x and bias and writes out = y =
/// op(x + bias); Pass::grad_from_input reads v = x, dy and bias and writes out = dx (when
/// not null), out2 = the recomputed y (when not null) and dbias (when not null, from the
/// workspace's partials unless the plan is direct); Pass::grad_from_output reads v = y and
/// dy (not bias) and writes dx and dbias. At least one output. Arguments are already
/// validated. Defined in cuda/bias_device.cuh (the dispatch in bias_dispatch.hpp),
/// instantiated per activation in the generated kernel files <name>_bias.cu.
template <class Op, class T>
void launch_bias(const char* fn, Pass pass, const ChannelwisePlan& plan, const Op& op,
                 const T* v, const T* dy, const compute_t<T>* bias, T* out, T* out2,
                 compute_t<T>* dbias, GradMode mode, void* workspace, cudaStream_t stream);

}  // namespace cuact::detail
