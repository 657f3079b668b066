// SnakeLayer, SnakeBetaLayer and DytLayer (layers.hpp): parameters, kept input and workspace
// around the free functions of snake.hpp and dyt.hpp.
#include <cuact/dyt.hpp>
#include <cuact/layers.hpp>

#include "cuda/detail/cuda_check.hpp"
#include "host/argument_checks.hpp"
#include "host/layer_checks.hpp"

#include <cuact/registry.h>

#include <cmath>
#include <string>
#include <vector>

namespace cuact {

namespace {

using detail::current_device;
using detail::expect_current_device;

/// The constructor's checks: channels >= 1, a known scale, each initial value finite (and
/// positive with a log scale, which stores its logarithm).
template <class C>
void expect_layer_init(const char* fn, std::int64_t channels, ParamScale scale,
                       std::initializer_list<std::pair<const char*, C>> values) {
  if (channels < 1) {
    detail::throw_invalid_argument(fn, "'channels' must be >= 1, got " + std::to_string(channels));
  }
  if (scale != ParamScale::linear && scale != ParamScale::log) {
    detail::throw_invalid_argument(fn,
                                   "'scale' must be ParamScale::linear or ParamScale::log, got " +
                                       std::to_string(static_cast<int>(scale)));
  }
  for (const auto& [name, v] : values) {
    detail::expect_finite(fn, name, v);
    if (scale == ParamScale::log && !(v > C(0))) {
      detail::throw_invalid_argument(fn, std::string("'") + name +
                                             "' must be > 0 with ParamScale::log (its logarithm "
                                             "is stored), got " +
                                             detail::format_value(v));
    }
  }
}

/// `channels` copies of v, or of log(v) with a log scale, in a new device buffer.
template <class C>
DeviceBuffer<C> param_buffer(std::int64_t channels, ParamScale scale, C v, cudaStream_t stream) {
  DeviceBuffer<C> b(static_cast<std::size_t>(channels), stream);
  // From pageable memory, cudaMemcpyAsync returns once the source has been staged.
  b.copy_from_host(std::vector<C>(static_cast<std::size_t>(channels),
                                  scale == ParamScale::log ? std::log(v) : v));
  return b;
}

/// A call's checks against the layer: its device, and the shape's channels.
void expect_layer_call(const char* fn, int device, std::int64_t channels,
                       const ChannelShape& shape) {
  expect_current_device(fn, device);
  if (shape.channels != channels) {
    detail::throw_invalid_argument(fn, "'shape.channels' = " + std::to_string(shape.channels) +
                                           " but the layer has " + std::to_string(channels));
  }
}

void expect_not_in_place(const char* fn, const void* x, const void* y) {
  if (x == y && x != nullptr) {
    detail::throw_invalid_argument(fn,
                                   "in place (y == x) would overwrite the input that the "
                                   "backward pass needs; use a separate output");
  }
}

/// Grows `workspace` to `needed` bytes, refusing to during graph capture.
void ensure_workspace(const char* fn, GrowOnlyBuffer<unsigned char>& workspace,
                      std::size_t needed, cudaStream_t stream) {
  workspace.grow(fn, needed, stream, [&] {
    return "the workspace would have to grow to " + std::to_string(needed) +
           " bytes during graph capture; call reserve() with this shape before capturing";
  });
}

template <class C>
void zero(const char* fn, DeviceBuffer<C>& b, cudaStream_t stream) {
  CUACT_CUDA_TRY(cudaMemsetAsync(b.data(), 0, b.size() * sizeof(C), stream), fn);
}

}  // namespace

template <class T>
SnakeLayer<T>::SnakeLayer(std::int64_t channels, cudaStream_t stream, ParamScale scale,
                          param_t alpha)
    : channels_(channels), scale_(scale) {
  constexpr const char* fn = "SnakeLayer";
  expect_layer_init<param_t>(fn, channels, scale, {{"alpha", alpha}});
  device_ = current_device(fn);
  alpha_ = param_buffer(channels, scale, alpha, stream);
  grad_ = DeviceBuffer<param_t>(static_cast<std::size_t>(channels), stream);
  zero_grad(stream);
}

template <class T>
void SnakeLayer<T>::forward(const T* x, T* y, ChannelShape shape, cudaStream_t stream) {
  constexpr const char* fn = "SnakeLayer::forward";
  expect_layer_call(fn, device_, channels_, shape);
  expect_not_in_place(fn, x, y);
  snake_forward(x, alpha_.data(), y, shape, scale_, stream);
  kept_x_ = x;
  kept_shape_ = shape;
}

template <class T>
void SnakeLayer<T>::backward(const T* dy, T* dx, cudaStream_t stream) {
  if (kept_x_ == nullptr) {
    detail::throw_invalid_argument("SnakeLayer::backward", "no forward pass to take the gradient of");
  }
  backward(kept_x_, dy, dx, kept_shape_, stream);
}

template <class T>
void SnakeLayer<T>::backward(const T* x, const T* dy, T* dx, ChannelShape shape,
                             cudaStream_t stream) {
  constexpr const char* fn = "SnakeLayer::backward";
  expect_layer_call(fn, device_, channels_, shape);
  ensure_workspace(fn, workspace_, snake_backward_workspace_size<T>(shape), stream);
  snake_backward(x, dy, alpha_.data(), dx, grad_.data(), shape, scale_, GradMode::accumulate,
                 workspace_.data(), workspace_.size(), stream);
}

template <class T>
void SnakeLayer<T>::zero_grad(cudaStream_t stream) {
  zero("SnakeLayer::zero_grad", grad_, stream);
}

template <class T>
void SnakeLayer<T>::reserve(ChannelShape shape, cudaStream_t stream) {
  constexpr const char* fn = "SnakeLayer::reserve";
  expect_current_device(fn, device_);
  ensure_workspace(fn, workspace_, snake_backward_workspace_size<T>(shape), stream);
}

template <class T>
SnakeBetaLayer<T>::SnakeBetaLayer(std::int64_t channels, cudaStream_t stream, ParamScale scale,
                                  param_t alpha, param_t beta)
    : channels_(channels), scale_(scale) {
  constexpr const char* fn = "SnakeBetaLayer";
  expect_layer_init<param_t>(fn, channels, scale, {{"alpha", alpha}, {"beta", beta}});
  if (beta == param_t(0)) {
    detail::throw_invalid_argument(fn, "'beta' must be non-zero (y divides by it)");
  }
  device_ = current_device(fn);
  alpha_ = param_buffer(channels, scale, alpha, stream);
  beta_ = param_buffer(channels, scale, beta, stream);
  alpha_grad_ = DeviceBuffer<param_t>(static_cast<std::size_t>(channels), stream);
  beta_grad_ = DeviceBuffer<param_t>(static_cast<std::size_t>(channels), stream);
  zero_grad(stream);
}

template <class T>
void SnakeBetaLayer<T>::forward(const T* x, T* y, ChannelShape shape, cudaStream_t stream) {
  constexpr const char* fn = "SnakeBetaLayer::forward";
  expect_layer_call(fn, device_, channels_, shape);
  expect_not_in_place(fn, x, y);
  snakebeta_forward(x, alpha_.data(), beta_.data(), y, shape, scale_, stream);
  kept_x_ = x;
  kept_shape_ = shape;
}

template <class T>
void SnakeBetaLayer<T>::backward(const T* dy, T* dx, cudaStream_t stream) {
  if (kept_x_ == nullptr) {
    detail::throw_invalid_argument("SnakeBetaLayer::backward",
                                   "no forward pass to take the gradient of");
  }
  backward(kept_x_, dy, dx, kept_shape_, stream);
}

template <class T>
void SnakeBetaLayer<T>::backward(const T* x, const T* dy, T* dx, ChannelShape shape,
                                 cudaStream_t stream) {
  constexpr const char* fn = "SnakeBetaLayer::backward";
  expect_layer_call(fn, device_, channels_, shape);
  ensure_workspace(fn, workspace_, snakebeta_backward_workspace_size<T>(shape), stream);
  snakebeta_backward(x, dy, alpha_.data(), beta_.data(), dx, alpha_grad_.data(),
                     beta_grad_.data(), shape, scale_, GradMode::accumulate, workspace_.data(),
                     workspace_.size(), stream);
}

template <class T>
void SnakeBetaLayer<T>::zero_grad(cudaStream_t stream) {
  zero("SnakeBetaLayer::zero_grad", alpha_grad_, stream);
  zero("SnakeBetaLayer::zero_grad", beta_grad_, stream);
}

template <class T>
void SnakeBetaLayer<T>::reserve(ChannelShape shape, cudaStream_t stream) {
  constexpr const char* fn = "SnakeBetaLayer::reserve";
  expect_current_device(fn, device_);
  ensure_workspace(fn, workspace_, snakebeta_backward_workspace_size<T>(shape), stream);
}

template <class T>
DytLayer<T>::DytLayer(std::int64_t channels, cudaStream_t stream, param_t alpha)
    : channels_(channels) {
  constexpr const char* fn = "DytLayer";
  expect_layer_init<param_t>(fn, channels, ParamScale::linear, {{"alpha", alpha}});
  device_ = current_device(fn);
  alpha_ = param_buffer(1, ParamScale::linear, alpha, stream);
  gamma_ = param_buffer(channels, ParamScale::linear, param_t(1), stream);
  beta_ = DeviceBuffer<param_t>(static_cast<std::size_t>(channels), stream);
  zero("DytLayer", beta_, stream);
  alpha_grad_ = DeviceBuffer<param_t>(1, stream);
  gamma_grad_ = DeviceBuffer<param_t>(static_cast<std::size_t>(channels), stream);
  beta_grad_ = DeviceBuffer<param_t>(static_cast<std::size_t>(channels), stream);
  zero_grad(stream);
}

template <class T>
void DytLayer<T>::forward(const T* x, T* y, ChannelShape shape, cudaStream_t stream) {
  constexpr const char* fn = "DytLayer::forward";
  expect_layer_call(fn, device_, channels_, shape);
  expect_not_in_place(fn, x, y);
  dyt_forward(x, alpha_.data(), gamma_.data(), beta_.data(), y, shape, stream);
  kept_x_ = x;
  kept_shape_ = shape;
}

template <class T>
void DytLayer<T>::backward(const T* dy, T* dx, cudaStream_t stream) {
  if (kept_x_ == nullptr) {
    detail::throw_invalid_argument("DytLayer::backward", "no forward pass to take the gradient of");
  }
  backward(kept_x_, dy, dx, kept_shape_, stream);
}

template <class T>
void DytLayer<T>::backward(const T* x, const T* dy, T* dx, ChannelShape shape,
                           cudaStream_t stream) {
  constexpr const char* fn = "DytLayer::backward";
  expect_layer_call(fn, device_, channels_, shape);
  ensure_workspace(fn, workspace_, dyt_backward_workspace_size<T>(shape), stream);
  dyt_backward(x, dy, alpha_.data(), gamma_.data(), dx, alpha_grad_.data(), gamma_grad_.data(),
               beta_grad_.data(), shape, GradMode::accumulate, workspace_.data(),
               workspace_.size(), stream);
}

template <class T>
void DytLayer<T>::zero_grad(cudaStream_t stream) {
  zero("DytLayer::zero_grad", alpha_grad_, stream);
  zero("DytLayer::zero_grad", gamma_grad_, stream);
  zero("DytLayer::zero_grad", beta_grad_, stream);
}

template <class T>
void DytLayer<T>::reserve(ChannelShape shape, cudaStream_t stream) {
  constexpr const char* fn = "DytLayer::reserve";
  expect_current_device(fn, device_);
  ensure_workspace(fn, workspace_, dyt_backward_workspace_size<T>(shape), stream);
}

#define CUACT_DETAIL_INSTANTIATE_SNAKE_LAYERS(ctx, ENUM, value, T, name) \
  template class SnakeLayer<T>;                                          \
  template class SnakeBetaLayer<T>;                                      \
  template class DytLayer<T>;
CUACT_DTYPES(CUACT_DETAIL_INSTANTIATE_SNAKE_LAYERS, ~)

}  // namespace cuact
