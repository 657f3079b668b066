// ActivationLayer, GatedActivationLayer, PreluLayer: state and checks around the free functions.
#include <cuact/layers.hpp>
#include <cuact/gated.hpp>

#include "host/argument_checks.hpp"
#include "host/layer_checks.hpp"
#include "cuda/detail/cuda_check.hpp"
#include "host/op_registry.hpp"
#include "host/param_conversion.hpp"

#include <cmath>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace cuact {

using detail::current_device;
using detail::expect_current_device;


Activation::Activation(AnyActivation<double> op, const char* fn) : op_(op) {
  std::visit([&](const auto& f) { detail::expect_valid_params(fn, f); }, op_);
}

double Activation::param() const noexcept {
  return std::visit(
      [](const auto& f) {
        const auto values = detail::info_of<std::decay_t<decltype(f)>>::values(f);
        return values.empty() ? 0.0 : values[0];
      },
      op_);
}

const char* Activation::name() const noexcept {
  return std::visit([](const auto& f) { return std::decay_t<decltype(f)>::name; }, op_);
}

bool Activation::allows_grad_from_output() const noexcept {
  return std::visit([](const auto& f) { return cuact::allows_grad_from_output(f); }, op_);
}

bool Activation::has_mask() const noexcept {
  return std::visit([](const auto& f) { return has_mask_v<std::decay_t<decltype(f)>>; }, op_);
}


namespace {
/// The functor of `op` in compute type C, checked there.
template <class C>
AnyActivation<C> functor_in(const Activation& op) {
  return std::visit(
      [](const auto& f) {
        return AnyActivation<C>(detail::convert_params<C>("ActivationLayer", f));
      },
      op.functor());
}

/// The mode a layer of `functor` keeps: `save`, checked against the op (nullptr: output when
/// the op allows it, else input).
template <class AnyOp>
Saved chosen_save(const AnyOp& functor, const Saved* save) {
  constexpr const char* fn = "ActivationLayer";
  return std::visit(
      [&](const auto& f) {
        using Op = std::decay_t<decltype(f)>;
        if (save == nullptr) {
          return cuact::allows_grad_from_output(f) ? Saved::output : Saved::input;
        }
        if (*save == Saved::mask) {
          detail::expect_mask_allowed<Op>(fn, "'save' is Saved::mask");
        } else {
          using Info = detail::info_of<Op>;
          detail::expect_saved_allowed(fn, f, *save, Info::param_names, Info::values(f));
        }
        return *save;
      },
      functor);
}
}  // namespace

template <class T>
ActivationLayer<T>::ActivationLayer(Activation op)
    : ActivationLayer(functor_in<param_t>(op), nullptr) {}

template <class T>
ActivationLayer<T>::ActivationLayer(Activation op, Saved save)
    : ActivationLayer(functor_in<param_t>(op), &save) {}

template <class T>
ActivationLayer<T>::ActivationLayer(AnyActivation<param_t> functor, const Saved* save)
    : op_(std::visit(
          [](const auto& f) {
            // Checked in compute_t<T> first: a value valid in double may not be here.
            detail::expect_valid_params("ActivationLayer", f);
            return Activation(detail::convert_op<double>(f));
          },
          functor)),
      functor_(functor),
      save_(chosen_save(functor, save)),
      device_(current_device("ActivationLayer")) {}

template <class T>
void ActivationLayer<T>::forward(const T* x, T* y, std::int64_t n, cudaStream_t stream) {
  constexpr const char* fn = "ActivationLayer::forward";
  expect_current_device(fn, device_);
  if (save_ == Saved::input && y == x && n > 0) {
    detail::throw_invalid_argument(
        fn, std::string("in place (y == x) would overwrite the input that ") + op_.name() +
                "'s backward needs in this mode; use a separate output");
  }
  if (save_ == Saved::mask) {
    ensure_mask(fn, n, stream);
    std::visit(
        [&](const auto& f) {
          if constexpr (has_mask_v<std::decay_t<decltype(f)>>) {
            forward_with_mask(f, x, y, mask_.data(), n, stream);
          }
        },
        functor_);
  } else {
    std::visit([&](const auto& f) { cuact::forward(f, x, y, n, stream); }, functor_);
  }
  kept_ = save_ == Saved::output ? y : x;
  kept_n_ = n;
}

template <class T>
void ActivationLayer<T>::reserve(std::int64_t n, cudaStream_t stream) {
  constexpr const char* fn = "ActivationLayer::reserve";
  expect_current_device(fn, device_);
  if (save_ == Saved::mask) {
    ensure_mask(fn, n, stream);
  }
}

template <class T>
void ActivationLayer<T>::ensure_mask(const char* fn, std::int64_t n, cudaStream_t stream) {
  detail::expect_valid_count(fn, n, sizeof(T));
  mask_.grow(fn, static_cast<std::size_t>(mask_words(n)), stream, [&] {
    return "the mask would have to grow to " + std::to_string(n) +
           " elements during graph capture; call reserve() with this n before capturing";
  });
}

template <class T>
void ActivationLayer<T>::backward(const T* dy, T* dx, std::int64_t n, cudaStream_t stream) const {
  constexpr const char* fn = "ActivationLayer::backward";
  detail::expect_forward_of(fn, kept_n_, n);
  if (save_ == Saved::mask) {
    expect_current_device(fn, device_);
    std::visit(
        [&](const auto& f) {
          if constexpr (has_mask_v<std::decay_t<decltype(f)>>) {
            backward_from_mask(f, mask_.data(), dy, dx, n, stream);
          }
        },
        functor_);
    return;
  }
  backward(kept_, save_, dy, dx, n, stream);
}

template <class T>
void ActivationLayer<T>::backward(const T* v, Saved saved, const T* dy, T* dx, std::int64_t n,
                                  cudaStream_t stream) const {
  constexpr const char* fn = "ActivationLayer::backward";
  expect_current_device(fn, device_);
  std::visit([&](const auto& f) { cuact::backward(f, v, dy, dx, n, saved, stream); }, functor_);
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
  workspace_.grow(fn, needed, stream, [&] {
    return "the workspace would have to grow to " + std::to_string(needed) +
           " bytes during graph capture; call reserve() with this shape before capturing";
  });
}

#define CUACT_DETAIL_INSTANTIATE_LAYERS(ctx, ENUM, value, T, name) \
  template class ActivationLayer<T>;                                \
  template class PreluLayer<T>;
CUACT_DTYPES(CUACT_DETAIL_INSTANTIATE_LAYERS, ~)

template <class T>
GatedActivationLayer<T>::GatedActivationLayer(AnyGatedActivation<param_t> op, GatedLayout layout,
                                              int)
    : op_(op), layout_(layout) {
  // The arguments first, as every entry point: a bad layout or parameter is an
  // invalid_argument even where there is no device.
  const char* fn = "GatedActivationLayer";
  std::visit([&](const auto& f) { detail::expect_valid_params(fn, f); }, op_);
  detail::expect_valid_gated_layout(fn, layout);
  device_ = current_device(fn);
}

template <class T>
void GatedActivationLayer<T>::expect_layout(const char* fn, bool separate) const {
  if (separate != (layout_ == GatedLayout::separate)) {
    detail::throw_invalid_argument(
        fn, separate ? "the layer's layout is packed: pass the one input tensor (and din)"
                     : "the layer's layout is GatedLayout::separate: pass gate and up (and "
                       "dgate and dup)");
  }
}

template <class T>
void GatedActivationLayer<T>::forward(const T* in, T* out, std::int64_t rows,
                                      std::int64_t hidden, cudaStream_t stream) {
  const char* fn = "GatedActivationLayer::forward";
  expect_current_device(fn, device_);
  expect_layout(fn, false);
  std::visit([&](const auto& f) { gated_forward(f, layout_, in, out, rows, hidden, stream); },
             op_);
  kept_gate_ = in;
  kept_up_ = nullptr;
  rows_ = rows;
  hidden_ = hidden;
}

template <class T>
void GatedActivationLayer<T>::forward(const T* gate, const T* up, T* out, std::int64_t rows,
                                      std::int64_t hidden, cudaStream_t stream) {
  const char* fn = "GatedActivationLayer::forward";
  expect_current_device(fn, device_);
  expect_layout(fn, true);
  std::visit([&](const auto& f) { gated_forward(f, gate, up, out, rows, hidden, stream); }, op_);
  kept_gate_ = gate;
  kept_up_ = up;
  rows_ = rows;
  hidden_ = hidden;
}

template <class T>
void GatedActivationLayer<T>::backward(const T* dy, T* din, cudaStream_t stream) const {
  const char* fn = "GatedActivationLayer::backward";
  expect_current_device(fn, device_);
  expect_layout(fn, false);
  detail::expect_forward_done(fn, rows_);
  std::visit(
      [&](const auto& f) { gated_backward(f, layout_, kept_gate_, dy, din, rows_, hidden_, stream); },
      op_);
}

template <class T>
void GatedActivationLayer<T>::backward(const T* dy, T* dgate, T* dup, cudaStream_t stream) const {
  const char* fn = "GatedActivationLayer::backward";
  expect_current_device(fn, device_);
  expect_layout(fn, true);
  detail::expect_forward_done(fn, rows_);
  std::visit(
      [&](const auto& f) {
        gated_backward(f, kept_gate_, kept_up_, dy, dgate, dup, rows_, hidden_, stream);
      },
      op_);
}

#define CUACT_DETAIL_GATED_LAYER(ctx, ENUM, value, type, name) \
  template class GatedActivationLayer<type>;
CUACT_DTYPES(CUACT_DETAIL_GATED_LAYER, ~)
#undef CUACT_DETAIL_GATED_LAYER

}  // namespace cuact
