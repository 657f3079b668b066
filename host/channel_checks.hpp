// The argument checks of the channelwise entry points (PReLU, bias + activation, Snake): the
// shape, the gradient mode and the workspace, and the workspace's stream-ordered allocation. Each throws cuact::invalid_argument naming the
// function, the argument and the rule.
#pragma once

#include "cuda/channelwise_plan.hpp"
#include "cuda/detail/cuda_check.hpp"
#include "cuda/vector_io.cuh"

#include <cuact/channel_shape.hpp>
#include <cuact/types.hpp>

#include <cstddef>
#include <cstdint>

namespace cuact::detail {

/// outer, inner >= 0 and channels >= 1; numel elements of `element_size` bytes and channels
/// values of `param_size` bytes fit in an int64 byte count. Returns numel.
std::int64_t expect_valid_channel_shape(const char* fn, const ChannelShape& shape,
                                        std::size_t element_size, std::size_t param_size);

/// GradMode::overwrite or GradMode::accumulate.
void expect_valid_grad_mode(const char* fn, GradMode mode);

/// A workspace of at least `needed` bytes, not null; `gradient` names what needs it
/// ("dalpha"), `size_function` where its size comes from.
void expect_workspace(const char* fn, const void* workspace, std::size_t workspace_bytes,
                      std::size_t needed, const char* gradient, const char* size_function);

/// The shape checks for tensors of T with parameters of compute_t<T> and `terms` gradient
/// terms, and that a shape of any size can be planned (expect_channelwise_plannable).
/// Returns numel.
template <class T>
std::int64_t expect_channelwise_shape(const char* fn, const ChannelShape& shape, int terms = 1) {
  const std::int64_t n = expect_valid_channel_shape(fn, shape, sizeof(T), sizeof(compute_t<T>));
  if (n > 0) {
    expect_channelwise_plannable(fn, shape, n, kVecElems<T>, sizeof(compute_t<T>), terms);
  }
  return n;
}

/// The plan of a call of T (shape checked, numel > 0): the device plays no part.
template <class T>
ChannelwisePlan channelwise_plan_for(const char* fn, const ChannelShape& shape, bool grads,
                                     int terms = 1) {
  return plan_channelwise(shape, grads, kVecElems<T>, sizeof(compute_t<T>), terms, fn);
}

/// The bytes of a parameter vector of compute_t<T> (the shape checks made sure they fit).
template <class T>
std::int64_t param_bytes_of(const ChannelShape& shape) {
  return shape.channels * static_cast<std::int64_t>(sizeof(compute_t<T>));
}

/// launch(workspace) with the caller's workspace, or, for the overloads that allocate
/// (`allocate`) a call with gradients (`grads`) whose plan is not direct, with
/// plan.workspace_bytes allocated by cudaMallocAsync on `stream` and freed by cudaFreeAsync
/// after the launches (also when they throw).
template <class Launch>
void with_channelwise_workspace(const char* fn, const ChannelwisePlan& plan, bool grads,
                                bool allocate, void* workspace, cudaStream_t stream,
                                Launch&& launch) {
  if (!allocate || !grads || plan.direct) {
    launch(workspace);
    return;
  }
  void* owned = nullptr;
  CUACT_CUDA_TRY(cudaMallocAsync(&owned, plan.workspace_bytes, stream), fn);
  try {
    launch(owned);
  } catch (...) {
    cudaFreeAsync(owned, stream);
    throw;
  }
  CUACT_CUDA_TRY(cudaFreeAsync(owned, stream), fn);
}

}  // namespace cuact::detail
