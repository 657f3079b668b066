// The bias alone (bias.hpp's bias_add and bias_grad): bias + activation's checks and launch
// (bias_entries.hpp) with the identity (cuda/bias_identity.hpp), whose kernels are
// cuda/bias_add_device.cu. Not an activation of the registry: always built.
#include <cuact/bias.hpp>

#include "cuda/bias_identity.hpp"
#include "host/bias_entries.hpp"
#include "host/channel_checks.hpp"
#include "host/entry_point.hpp"

#include <cuact/registry.h>

#include <cstdint>

namespace cuact {

namespace detail {
namespace {

template <class T>
void bias_grad_checked(const char* fn, const T* dy, compute_t<T>* dbias, ChannelShape shape,
                       GradMode mode, void* workspace, std::size_t workspace_bytes,
                       bool allocate, cudaStream_t stream) {
  expect_valid_grad_mode(fn, mode);
  const std::int64_t n = expect_channelwise_shape<T>(fn, shape);
  if (n == 0) {
    return;
  }
  if (dbias == nullptr) {
    throw_invalid_argument(fn, "'dbias' is null: nothing to compute");
  }
  const ChannelwisePlan plan = channelwise_plan_for<T>(fn, shape, true);
  if (!allocate) {
    expect_workspace(fn, workspace, workspace_bytes, plan.workspace_bytes, "dbias",
                     kBiasSizeFunction);
  }
  expect_call_tensors(fn, n, {{"dy", dy, n * static_cast<std::int64_t>(sizeof(T))}},
                      {{"workspace", allocate ? nullptr : workspace,
                        static_cast<std::int64_t>(workspace_bytes), true, true},
                       {"dbias", dbias, param_bytes_of<T>(shape), true, true}});
  // The identity's gradient from the output: dx = dy, written nowhere, summed into dbias.
  // dy is also the "saved" tensor the pass reads, so the kernels load dy alone.
  launch_bias_backward(fn, Pass::grad_from_output, plan, BiasIdentity<compute_t<T>>{}, dy, dy,
                       static_cast<const compute_t<T>*>(nullptr), static_cast<T*>(nullptr),
                       static_cast<T*>(nullptr), dbias, mode, workspace, allocate, stream);
}

}  // namespace
}  // namespace detail

template <class T>
void bias_add(const T* x, const compute_t<T>* bias, nondeduced_t<T>* y, ChannelShape shape,
              cudaStream_t stream) {
  CUACT_ENTRY_POINT("bias_add");
  detail::bias_forward_checked(fn, detail::BiasIdentity<compute_t<T>>{}, x, bias, y, shape,
                               stream);
}

template <class T>
void bias_grad(const T* dy, compute_t<T>* dbias, ChannelShape shape, GradMode mode,
               void* workspace, std::size_t workspace_bytes, cudaStream_t stream) {
  CUACT_ENTRY_POINT("bias_grad");
  detail::bias_grad_checked(fn, dy, dbias, shape, mode, workspace, workspace_bytes, false,
                            stream);
}

template <class T>
void bias_grad(const T* dy, compute_t<T>* dbias, ChannelShape shape, GradMode mode,
               cudaStream_t stream) {
  CUACT_ENTRY_POINT("bias_grad");
  detail::bias_grad_checked(fn, dy, dbias, shape, mode, nullptr, 0, true, stream);
}

#define CUACT_DETAIL_INSTANTIATE_BIAS_ALONE(ctx, ENUM, value, T, name)                     \
  template void bias_add<T>(const T*, const compute_t<T>*, T*, ChannelShape, cudaStream_t); \
  template void bias_grad<T>(const T*, compute_t<T>*, ChannelShape, GradMode, void*,        \
                             std::size_t, cudaStream_t);                                    \
  template void bias_grad<T>(const T*, compute_t<T>*, ChannelShape, GradMode, cudaStream_t);

CUACT_DTYPES(CUACT_DETAIL_INSTANTIATE_BIAS_ALONE, ~)

}  // namespace cuact
