// RReLU's entry points and layer (rrelu.hpp): evaluation is leaky_relu with the mean slope;
// training checks the buffers and the key, then launches cuda/rrelu_device.cu's kernels.
#include <cuact/rrelu.hpp>

#include "cuda/detail/cuda_check.hpp"
#include "cuda/launch.hpp"
#include "host/argument_checks.hpp"
#include "host/elementwise_entry.hpp"
#include "host/entry_point.hpp"
#include "host/layer_checks.hpp"

#include <cuact/ops.hpp>

#include <string>
#include <vector>

namespace cuact {

namespace detail {

namespace {

/// Where a call's key comes from: a value, or device memory (plus offset_delta).
struct KeySource {
  RReluKey value{};
  const RReluKey* device = nullptr;
  bool given = false;  // false: a null device pointer
  std::uint64_t offset_delta = 0;
};

KeySource key_of(RReluKey key) { return {key, nullptr, true, 0}; }
KeySource key_of(const RReluKey* key) { return {RReluKey{}, key, key != nullptr, 0}; }

template <class T>
RRelu<compute_t<T>> checked_op(const char* fn, compute_t<T> lower, compute_t<T> upper) {
  const RRelu<compute_t<T>> op{lower, upper};
  expect_valid_params(fn, op);
  return op;
}

void expect_key(const char* fn, const KeySource& key, std::int64_t n) {
  if (!key.given && n > 0) {
    throw_invalid_argument(fn, "'key' is null, but training draws slopes from it");
  }
}

/// A device key as a tensor of the call (null for a key passed by value): apart from the
/// output.
Tensor key_range(const KeySource& key) {
  return {"key", key.device, key.device != nullptr ? std::int64_t{sizeof(RReluKey)} : 0, true,
          true};
}

}  // namespace

template <class T>
void rrelu_forward_from(const T* x, T* y, std::int64_t n, compute_t<T> lower, compute_t<T> upper,
                        bool training, const KeySource& key, cudaStream_t stream) {
  CUACT_ENTRY_POINT("rrelu_forward");
  const auto op = checked_op<T>(fn, lower, upper);
  if (!training) {
    run_forward(fn, LeakyRelu<compute_t<T>>{op.eval_slope()}, x, y, n, stream);
    return;
  }
  expect_key(fn, key, n);
  if (expect_forward_buffers(fn, x, y, n, key_range(key))) {
    launch_rrelu<T>(fn, false, op, key.value, key.device, key.offset_delta, x, nullptr, y, n,
                    stream);
  }
}

template <class T>
void rrelu_backward_from(const T* v, const T* dy, T* dx, std::int64_t n, compute_t<T> lower,
                         compute_t<T> upper, bool training, const KeySource& key, Saved saved,
                         cudaStream_t stream) {
  CUACT_ENTRY_POINT("rrelu_backward");
  const auto op = checked_op<T>(fn, lower, upper);
  // y <= 0 exactly where x <= 0 (every slope is >= 0): both are allowed.
  expect_valid_saved(fn, saved);
  if (!training) {
    run_backward(fn, LeakyRelu<compute_t<T>>{op.eval_slope()}, v, dy, dx, n, saved, stream);
    return;
  }
  expect_key(fn, key, n);
  if (expect_backward_buffers(fn, v, dy, dx, n, key_range(key))) {
    launch_rrelu<T>(fn, true, op, key.value, key.device, key.offset_delta, v, dy, dx, n, stream);
  }
}

}  // namespace detail

template <class T>
void rrelu_forward(const T* x, T* y, std::int64_t n, compute_t<T> lower, compute_t<T> upper,
                   bool training, RReluKey key, cudaStream_t stream) {
  detail::rrelu_forward_from(x, y, n, lower, upper, training, detail::key_of(key), stream);
}

template <class T>
void rrelu_forward(const T* x, T* y, std::int64_t n, compute_t<T> lower, compute_t<T> upper,
                   bool training, const RReluKey* key, cudaStream_t stream) {
  detail::rrelu_forward_from(x, y, n, lower, upper, training, detail::key_of(key), stream);
}

template <class T>
void rrelu_backward(const T* v, const T* dy, T* dx, std::int64_t n, compute_t<T> lower,
                    compute_t<T> upper, bool training, RReluKey key, Saved saved,
                    cudaStream_t stream) {
  detail::rrelu_backward_from(v, dy, dx, n, lower, upper, training, detail::key_of(key), saved,
                              stream);
}

template <class T>
void rrelu_backward(const T* v, const T* dy, T* dx, std::int64_t n, compute_t<T> lower,
                    compute_t<T> upper, bool training, const RReluKey* key, Saved saved,
                    cudaStream_t stream) {
  detail::rrelu_backward_from(v, dy, dx, n, lower, upper, training, detail::key_of(key), saved,
                              stream);
}

using detail::current_device;
using detail::expect_current_device;

template <class T>
RReluLayer<T>::RReluLayer(param_t lower, param_t upper, std::uint64_t seed, cudaStream_t stream,
                          std::uint64_t offset)
    : op_(detail::checked_op<T>("RReluLayer", lower, upper)),
      device_(current_device("RReluLayer")),
      key_(1, stream) {
  // The device key holds the offset of the last training forward; the first one adds 1.
  key_.copy_from_host(std::vector<RReluKey>{RReluKey{seed, offset - 1}});
}

template <class T>
void RReluLayer<T>::forward(const T* x, T* y, std::int64_t n, cudaStream_t stream) {
  constexpr const char* fn = "RReluLayer::forward";
  expect_current_device(fn, device_);
  // Draws with the key's offset + 1, then stores that offset (after the launch, so that a
  // refused call advances nothing): the backward reads it back.
  detail::KeySource key = detail::key_of(static_cast<const RReluKey*>(key_.data()));
  key.offset_delta = 1;
  detail::rrelu_forward_from(x, y, n, op_.lower, op_.upper, training_, key, stream);
  if (training_ && n > 0) {
    detail::launch_advance_rrelu_offset(fn, key_.data(), stream);
  }
  kept_y_ = y;
  kept_n_ = n;
  kept_training_ = training_;
}

template <class T>
void RReluLayer<T>::backward(const T* dy, T* dx, std::int64_t n, cudaStream_t stream) const {
  constexpr const char* fn = "RReluLayer::backward";
  expect_current_device(fn, device_);
  detail::expect_forward_of(fn, kept_n_, n);
  detail::rrelu_backward_from(kept_y_, dy, dx, n, op_.lower, op_.upper, kept_training_,
                              detail::key_of(static_cast<const RReluKey*>(key_.data())),
                              Saved::output, stream);
}

#define CUACT_DETAIL_INSTANTIATE_RRELU(ctx, ENUM, value, T, name)                              \
  template void rrelu_forward<T>(const T*, T*, std::int64_t, compute_t<T>, compute_t<T>, bool, \
                                 RReluKey, cudaStream_t);                                      \
  template void rrelu_forward<T>(const T*, T*, std::int64_t, compute_t<T>, compute_t<T>, bool, \
                                 const RReluKey*, cudaStream_t);                               \
  template void rrelu_backward<T>(const T*, const T*, T*, std::int64_t, compute_t<T>,          \
                                  compute_t<T>, bool, RReluKey, Saved, cudaStream_t);          \
  template void rrelu_backward<T>(const T*, const T*, T*, std::int64_t, compute_t<T>,          \
                                  compute_t<T>, bool, const RReluKey*, Saved, cudaStream_t);   \
  template class RReluLayer<T>;
CUACT_DTYPES(CUACT_DETAIL_INSTANTIATE_RRELU, ~)

}  // namespace cuact
