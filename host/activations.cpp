// Public elementwise entry points: check parameters, then the shared checked launch.
#include <cuact/activations.hpp>

#include "host/argument_checks.hpp"
#include "host/elementwise_entry.hpp"
#include "host/nvtx.hpp"

#include <cuact/ops.hpp>

#include <cmath>

namespace cuact {

namespace {

template <class C>
void expect_valid_celu_alpha(const char* fn, C alpha) {
  detail::expect_finite(fn, "alpha", alpha);
  if (alpha == C(0)) {
    detail::throw_invalid_argument(fn, "'alpha' must be non-zero");
  }
  // Elu::celu divides by alpha; a subnormal alpha would make input_scale infinite.
  if (!std::isfinite(C(1) / alpha)) {
    detail::throw_invalid_argument(
        fn, "'alpha' = " + detail::format_value(alpha) + " is too small: 1/alpha overflows");
  }
}

}  // namespace

template <class T>
void relu_forward(const T* x, T* y, std::int64_t n, cudaStream_t stream) {
  CUACT_NVTX_RANGE("cuact::relu_forward");
  detail::run_forward("relu_forward", Relu<compute_t<T>>{}, x, y, n, stream);
}

template <class T>
void relu_backward(const T* v, const T* dy, T* dx, std::int64_t n, Saved saved,
                   cudaStream_t stream) {
  CUACT_NVTX_RANGE("cuact::relu_backward");
  constexpr const char* fn = "relu_backward";
  detail::expect_valid_saved(fn, saved);
  detail::run_backward(fn, Relu<compute_t<T>>{}, v, dy, dx, n, saved, stream);
}

template <class T>
void leaky_relu_forward(const T* x, T* y, std::int64_t n, compute_t<T> negative_slope,
                        cudaStream_t stream) {
  CUACT_NVTX_RANGE("cuact::leaky_relu_forward");
  constexpr const char* fn = "leaky_relu_forward";
  detail::expect_finite(fn, "negative_slope", negative_slope);
  detail::run_forward(fn, LeakyRelu<compute_t<T>>{negative_slope}, x, y, n, stream);
}

template <class T>
void leaky_relu_backward(const T* v, const T* dy, T* dx, std::int64_t n,
                         compute_t<T> negative_slope, Saved saved, cudaStream_t stream) {
  CUACT_NVTX_RANGE("cuact::leaky_relu_backward");
  constexpr const char* fn = "leaky_relu_backward";
  detail::expect_finite(fn, "negative_slope", negative_slope);
  const LeakyRelu<compute_t<T>> op{negative_slope};
  detail::expect_saved_allowed(fn, op, saved, "negative_slope >= 0", negative_slope);
  detail::run_backward(fn, op, v, dy, dx, n, saved, stream);
}

template <class T>
void elu_forward(const T* x, T* y, std::int64_t n, compute_t<T> alpha, cudaStream_t stream) {
  CUACT_NVTX_RANGE("cuact::elu_forward");
  constexpr const char* fn = "elu_forward";
  detail::expect_finite(fn, "alpha", alpha);
  detail::run_forward(fn, Elu<compute_t<T>>::elu(alpha), x, y, n, stream);
}

template <class T>
void elu_backward(const T* v, const T* dy, T* dx, std::int64_t n, compute_t<T> alpha, Saved saved,
                  cudaStream_t stream) {
  CUACT_NVTX_RANGE("cuact::elu_backward");
  constexpr const char* fn = "elu_backward";
  detail::expect_finite(fn, "alpha", alpha);
  const auto op = Elu<compute_t<T>>::elu(alpha);
  detail::expect_saved_allowed(fn, op, saved, "alpha >= 0", alpha);
  detail::run_backward(fn, op, v, dy, dx, n, saved, stream);
}

template <class T>
void selu_forward(const T* x, T* y, std::int64_t n, cudaStream_t stream) {
  CUACT_NVTX_RANGE("cuact::selu_forward");
  detail::run_forward("selu_forward", Elu<compute_t<T>>::selu(), x, y, n, stream);
}

template <class T>
void selu_backward(const T* v, const T* dy, T* dx, std::int64_t n, Saved saved,
                   cudaStream_t stream) {
  CUACT_NVTX_RANGE("cuact::selu_backward");
  constexpr const char* fn = "selu_backward";
  detail::expect_valid_saved(fn, saved);
  detail::run_backward(fn, Elu<compute_t<T>>::selu(), v, dy, dx, n, saved, stream);
}

template <class T>
void celu_forward(const T* x, T* y, std::int64_t n, compute_t<T> alpha, cudaStream_t stream) {
  CUACT_NVTX_RANGE("cuact::celu_forward");
  constexpr const char* fn = "celu_forward";
  expect_valid_celu_alpha(fn, alpha);
  detail::run_forward(fn, Elu<compute_t<T>>::celu(alpha), x, y, n, stream);
}

template <class T>
void celu_backward(const T* v, const T* dy, T* dx, std::int64_t n, compute_t<T> alpha, Saved saved,
                   cudaStream_t stream) {
  CUACT_NVTX_RANGE("cuact::celu_backward");
  constexpr const char* fn = "celu_backward";
  expect_valid_celu_alpha(fn, alpha);
  const auto op = Elu<compute_t<T>>::celu(alpha);
  detail::expect_saved_allowed(fn, op, saved, "alpha > 0", alpha);
  detail::run_backward(fn, op, v, dy, dx, n, saved, stream);
}

template <class T>
void relu6_forward(const T* x, T* y, std::int64_t n, cudaStream_t stream) {
  CUACT_NVTX_RANGE("cuact::relu6_forward");
  detail::run_forward("relu6_forward", Relu6<compute_t<T>>{}, x, y, n, stream);
}

template <class T>
void relu6_backward(const T* v, const T* dy, T* dx, std::int64_t n, Saved saved,
                    cudaStream_t stream) {
  CUACT_NVTX_RANGE("cuact::relu6_backward");
  constexpr const char* fn = "relu6_backward";
  detail::expect_valid_saved(fn, saved);
  detail::run_backward(fn, Relu6<compute_t<T>>{}, v, dy, dx, n, saved, stream);
}

#define CUACT_INSTANTIATE_ACTIVATIONS(T)                                                          \
  template void relu_forward<T>(const T*, T*, std::int64_t, cudaStream_t);                        \
  template void relu_backward<T>(const T*, const T*, T*, std::int64_t, Saved, cudaStream_t);      \
  template void leaky_relu_forward<T>(const T*, T*, std::int64_t, compute_t<T>, cudaStream_t);    \
  template void leaky_relu_backward<T>(const T*, const T*, T*, std::int64_t, compute_t<T>, Saved, \
                                       cudaStream_t);                                             \
  template void elu_forward<T>(const T*, T*, std::int64_t, compute_t<T>, cudaStream_t);           \
  template void elu_backward<T>(const T*, const T*, T*, std::int64_t, compute_t<T>, Saved,        \
                                cudaStream_t);                                                    \
  template void selu_forward<T>(const T*, T*, std::int64_t, cudaStream_t);                        \
  template void selu_backward<T>(const T*, const T*, T*, std::int64_t, Saved, cudaStream_t);      \
  template void celu_forward<T>(const T*, T*, std::int64_t, compute_t<T>, cudaStream_t);          \
  template void celu_backward<T>(const T*, const T*, T*, std::int64_t, compute_t<T>, Saved,       \
                                 cudaStream_t);                                                   \
  template void relu6_forward<T>(const T*, T*, std::int64_t, cudaStream_t);                       \
  template void relu6_backward<T>(const T*, const T*, T*, std::int64_t, Saved, cudaStream_t);

CUACT_INSTANTIATE_ACTIVATIONS(float)
CUACT_INSTANTIATE_ACTIVATIONS(double)
CUACT_INSTANTIATE_ACTIVATIONS(__half)
CUACT_INSTANTIATE_ACTIVATIONS(__nv_bfloat16)

}  // namespace cuact
