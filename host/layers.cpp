// ActivationLayer and PreluLayer: state and checks around the free functions.
#include <cuact/layers.hpp>

#include "host/activation_dispatch.hpp"
#include "host/argument_checks.hpp"
#include "host/cuda_check.hpp"

#include <cmath>
#include <string>
#include <vector>

namespace cuact {

namespace {

int current_device(const char* fn) {
  int device = 0;
  CUACT_CUDA_TRY(cudaGetDevice(&device), fn);
  return device;
}

void expect_current_device(const char* fn, int device) {
  const int current = current_device(fn);
  if (current != device) {
    detail::throw_invalid_argument(fn, "the layer belongs to device " + std::to_string(device) +
                                           " but device " + std::to_string(current) +
                                           " is current");
  }
}

/// The C API's enum for a layer's activation (same order, checked below).
cuact_activation c_enum(Activation::Kind kind) { return static_cast<cuact_activation>(kind); }
static_assert(static_cast<int>(Activation::Kind::relu) == CUACT_RELU &&
              static_cast<int>(Activation::Kind::leaky_relu) == CUACT_LEAKY_RELU &&
              static_cast<int>(Activation::Kind::elu) == CUACT_ELU &&
              static_cast<int>(Activation::Kind::selu) == CUACT_SELU &&
              static_cast<int>(Activation::Kind::celu) == CUACT_CELU &&
              static_cast<int>(Activation::Kind::relu6) == CUACT_RELU6);

}  // namespace


Activation Activation::relu() { return {Kind::relu, 0.0}; }

Activation Activation::leaky_relu(double negative_slope) {
  detail::expect_finite("Activation::leaky_relu", "negative_slope", negative_slope);
  return {Kind::leaky_relu, negative_slope};
}

Activation Activation::elu(double alpha) {
  detail::expect_finite("Activation::elu", "alpha", alpha);
  return {Kind::elu, alpha};
}

Activation Activation::selu() { return {Kind::selu, 0.0}; }

Activation Activation::celu(double alpha) {
  detail::expect_finite("Activation::celu", "alpha", alpha);
  if (alpha == 0.0) {
    detail::throw_invalid_argument("Activation::celu", "'alpha' must be non-zero");
  }
  return {Kind::celu, alpha};
}

Activation Activation::relu6() { return {Kind::relu6, 0.0}; }

const char* Activation::name() const noexcept {
  switch (kind_) {
    case Kind::relu:
      return "relu";
    case Kind::leaky_relu:
      return "leaky_relu";
    case Kind::elu:
      return "elu";
    case Kind::selu:
      return "selu";
    case Kind::celu:
      return "celu";
    case Kind::relu6:
      return "relu6";
  }
  return "?";
}

bool Activation::allows_grad_from_output() const noexcept {
  switch (kind_) {
    case Kind::leaky_relu:
    case Kind::elu:
      return param_ >= 0.0;
    case Kind::celu:
      return param_ > 0.0;
    default:
      return true;
  }
}


template <class T>
ActivationLayer<T>::ActivationLayer(Activation op)
    : op_(op), device_(current_device("ActivationLayer")) {}

template <class T>
Saved ActivationLayer<T>::saves() const noexcept {
  return op_.allows_grad_from_output() ? Saved::output : Saved::input;
}

template <class T>
void ActivationLayer<T>::forward(const T* x, T* y, std::int64_t n, cudaStream_t stream) {
  constexpr const char* fn = "ActivationLayer::forward";
  expect_current_device(fn, device_);
  if (saves() == Saved::input && y == x && n > 0) {
    detail::throw_invalid_argument(
        fn, std::string("in place (y == x) would overwrite the input that ") + op_.name() +
                "'s backward needs with this parameter; use a separate output");
  }
  detail::activation_forward(fn, c_enum(op_.kind()), op_.param(), x, y, n, stream);
  kept_ = saves() == Saved::output ? y : x;
  kept_n_ = n;
}

template <class T>
void ActivationLayer<T>::backward(const T* dy, T* dx, std::int64_t n, cudaStream_t stream) const {
  constexpr const char* fn = "ActivationLayer::backward";
  if (kept_n_ < 0) {
    detail::throw_invalid_argument(fn, "no forward pass to take the gradient of");
  }
  if (n != kept_n_) {
    detail::throw_invalid_argument(
        fn,
        "'n' = " + std::to_string(n) + " but the last forward had n = " + std::to_string(kept_n_));
  }
  backward(kept_, saves(), dy, dx, n, stream);
}

template <class T>
void ActivationLayer<T>::backward(const T* v, Saved saved, const T* dy, T* dx, std::int64_t n,
                                  cudaStream_t stream) const {
  constexpr const char* fn = "ActivationLayer::backward";
  expect_current_device(fn, device_);
  detail::activation_backward(fn, c_enum(op_.kind()), op_.param(), saved, v, dy, dx, n, stream);
}


template <class T>
PreluLayer<T>::PreluLayer(std::int64_t channels, cudaStream_t stream, param_t init)
    : channels_(channels) {
  constexpr const char* fn = "PreluLayer";
  if (channels < 1) {
    detail::throw_invalid_argument(fn, "'channels' must be >= 1, got " + std::to_string(channels));
  }
  detail::expect_finite(fn, "init", init);
  device_ = current_device(fn);
  alpha_ = DeviceBuffer<param_t>(static_cast<std::size_t>(channels), stream);
  grad_ = DeviceBuffer<param_t>(static_cast<std::size_t>(channels), stream);
  // From pageable memory, cudaMemcpyAsync returns once the source has been staged, so the
  // vector may go out of scope right after.
  alpha_.copy_from_host(std::vector<param_t>(static_cast<std::size_t>(channels), init));
  zero_grad(stream);
}

template <class T>
void PreluLayer<T>::forward(const T* x, T* y, PreluShape shape, cudaStream_t stream) {
  constexpr const char* fn = "PreluLayer::forward";
  expect_current_device(fn, device_);
  if (shape.channels != channels_) {
    detail::throw_invalid_argument(fn, "'shape.channels' = " + std::to_string(shape.channels) +
                                           " but the layer has " + std::to_string(channels_));
  }
  if (x == y && x != nullptr) {
    detail::throw_invalid_argument(fn,
                                   "in place (y == x) would overwrite the input that the "
                                   "backward pass needs; use a separate output");
  }
  prelu_forward(x, alpha_.data(), y, shape, stream);
  kept_x_ = x;
  kept_shape_ = shape;
}

template <class T>
void PreluLayer<T>::backward(const T* dy, T* dx, cudaStream_t stream) {
  if (kept_x_ == nullptr) {
    detail::throw_invalid_argument("PreluLayer::backward",
                                   "no forward pass to take the gradient of");
  }
  backward(kept_x_, dy, dx, kept_shape_, stream);
}

template <class T>
void PreluLayer<T>::backward(const T* x, const T* dy, T* dx, PreluShape shape,
                             cudaStream_t stream) {
  constexpr const char* fn = "PreluLayer::backward";
  expect_current_device(fn, device_);
  if (shape.channels != channels_) {
    detail::throw_invalid_argument(fn, "'shape.channels' = " + std::to_string(shape.channels) +
                                           " but the layer has " + std::to_string(channels_));
  }
  ensure_workspace(fn, shape, stream);
  prelu_backward(x, dy, alpha_.data(), dx, grad_.data(), shape, GradMode::accumulate,
                 workspace_.data(), workspace_.size(), stream);
}

template <class T>
void PreluLayer<T>::zero_grad(cudaStream_t stream) {
  CUACT_CUDA_TRY(cudaMemsetAsync(grad_.data(), 0, grad_.size() * sizeof(param_t), stream),
                 "PreluLayer::zero_grad");
}

template <class T>
void PreluLayer<T>::reserve(PreluShape shape, cudaStream_t stream) {
  expect_current_device("PreluLayer::reserve", device_);
  ensure_workspace("PreluLayer::reserve", shape, stream);
}

template <class T>
void PreluLayer<T>::ensure_workspace(const char* fn, PreluShape shape, cudaStream_t stream) {
  const std::size_t needed = prelu_backward_workspace_size<T>(shape);
  if (needed <= workspace_.size()) {
    return;
  }
  cudaStreamCaptureStatus capture = cudaStreamCaptureStatusNone;
  CUACT_CUDA_TRY(cudaStreamIsCapturing(stream, &capture), fn);
  if (capture != cudaStreamCaptureStatusNone) {
    detail::throw_invalid_argument(
        fn, "the workspace would have to grow to " + std::to_string(needed) +
                " bytes during graph capture; call reserve() with this shape before capturing");
  }
  workspace_ = DeviceBuffer<unsigned char>(needed, stream);
}

template class ActivationLayer<float>;
template class ActivationLayer<double>;
template class ActivationLayer<__half>;
template class ActivationLayer<__nv_bfloat16>;
template class PreluLayer<float>;
template class PreluLayer<double>;
template class PreluLayer<__half>;
template class PreluLayer<__nv_bfloat16>;

}  // namespace cuact
