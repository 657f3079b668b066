// Public PReLU entry points: shape helpers, argument checks, workspace, launch.
#include <cuact/prelu.hpp>

#include "cuda/detail/cuda_check.hpp"
#include "cuda/launch.hpp"
#include "cuda/prelu_plan.hpp"
#include "cuda/vector_io.cuh"
#include "host/argument_checks.hpp"
#include "host/entry_point.hpp"

#include <cuact/error.hpp>
#include <cuact/registry.h>

#include <cstdint>
#include <limits>
#include <string>

namespace cuact {

namespace {

std::int64_t checked_product(const char* fn, std::int64_t a, std::int64_t b) {
  std::int64_t product = 0;
  if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &product)) {
    throw invalid_argument(std::string(fn) +
                           ": dimensions must be >= 0 and their product fit "
                           "in 64 bits, got " +
                           std::to_string(a) + " * " + std::to_string(b));
  }
  return product;
}

/// outer, inner >= 0; channels >= 1; numel elements of T and channels values of compute_t<T>
/// fit in an int64 byte count, and a shape of any elements plans on every device
/// (expect_prelu_plannable). Returns numel.
template <class T>
std::int64_t expect_valid_shape(const char* fn, const PreluShape& shape) {
  if (shape.channels < 1) {
    detail::throw_invalid_argument(
        fn, "'shape.channels' must be >= 1, got " + std::to_string(shape.channels));
  }
  if (shape.outer < 0 || shape.inner < 0) {
    detail::throw_invalid_argument(fn, "'shape.outer' and 'shape.inner' must be >= 0, got " +
                                           std::to_string(shape.outer) + " and " +
                                           std::to_string(shape.inner));
  }
  std::int64_t n = 0;
  std::int64_t bytes = 0;
  std::int64_t alpha_bytes = 0;
  if (__builtin_mul_overflow(shape.outer, shape.channels, &n) ||
      __builtin_mul_overflow(n, shape.inner, &n) ||
      __builtin_mul_overflow(n, static_cast<std::int64_t>(sizeof(T)), &bytes) ||
      __builtin_mul_overflow(shape.channels, static_cast<std::int64_t>(sizeof(compute_t<T>)),
                             &alpha_bytes)) {
    detail::throw_invalid_argument(
        fn, "'shape' [" + std::to_string(shape.outer) + ", " + std::to_string(shape.channels) +
                ", " + std::to_string(shape.inner) + "] overflows a 64-bit byte count");
  }
  if (n > 0) {
    detail::expect_prelu_plannable(fn, shape, n, detail::kVecElems<T>, sizeof(compute_t<T>));
  }
  return n;
}

/// The bytes of alpha and dalpha (expect_valid_shape checked that they fit).
template <class T>
std::int64_t alpha_bytes_of(const PreluShape& shape) {
  return shape.channels * static_cast<std::int64_t>(sizeof(compute_t<T>));
}

void expect_valid_mode(const char* fn, GradMode mode) {
  if (mode != GradMode::overwrite && mode != GradMode::accumulate) {
    detail::throw_invalid_argument(
        fn, "'mode' must be GradMode::overwrite or GradMode::accumulate, got " +
                std::to_string(static_cast<int>(mode)));
  }
}

void expect_workspace(const char* fn, const void* workspace, std::size_t workspace_bytes,
                      std::size_t needed) {
  if (workspace == nullptr) {
    detail::throw_invalid_argument(fn, "'workspace' is null but dalpha is requested");
  }
  if (workspace_bytes < needed) {
    detail::throw_invalid_argument(fn, "'workspace_bytes' = " + std::to_string(workspace_bytes) +
                                           " is too small: this call needs at least " +
                                           std::to_string(needed) +
                                           " bytes (see prelu_backward_workspace_size)");
  }
}

template <class T>
void prelu_backward_checked(const char* fn, const T* x, const T* dy, const compute_t<T>* alpha,
                            T* dx, compute_t<T>* dalpha, PreluShape shape, GradMode mode,
                            void* workspace, std::size_t workspace_bytes, bool allocate,
                            cudaStream_t stream) {
  expect_valid_mode(fn, mode);
  const std::int64_t n = expect_valid_shape<T>(fn, shape);
  if (n == 0 || (dx == nullptr && dalpha == nullptr)) {
    return;
  }
  const auto bytes = n * static_cast<std::int64_t>(sizeof(T));
  const auto alpha_bytes = alpha_bytes_of<T>(shape);
  const bool needs_workspace = dalpha != nullptr && !allocate;
  if (needs_workspace) {
    expect_workspace(fn, workspace, workspace_bytes,
                     detail::prelu_workspace_lower_bound<T>(shape.channels));
  }
  // dx and dalpha may be null (not computed), alpha too when dx is; dx may be in place over
  // x or dy; dalpha and the workspace are apart from everything.
  detail::expect_call_tensors(
      fn, n,
      {{"x", x, bytes}, {"dy", dy, bytes}, {"alpha", alpha, alpha_bytes, true, dx == nullptr}},
      {{"dx", dx, bytes, false, true},
       {"workspace", needs_workspace ? workspace : nullptr,
        static_cast<std::int64_t>(workspace_bytes), true, true},
       {"dalpha", dalpha, alpha_bytes, true, true}});

  const detail::PreluPlan plan = detail::make_prelu_plan<T>(shape, dalpha != nullptr, fn);
  if (needs_workspace) {
    expect_workspace(fn, workspace, workspace_bytes, plan.workspace_bytes);
  }
  if (dalpha == nullptr || !allocate || plan.direct_dalpha) {  // a direct plan needs none
    detail::launch_prelu_backward<T>(fn, plan, x, dy, alpha, dx, dalpha, mode, workspace, stream);
    return;
  }
  void* owned = nullptr;
  CUACT_CUDA_TRY(cudaMallocAsync(&owned, plan.workspace_bytes, stream), fn);
  try {
    detail::launch_prelu_backward<T>(fn, plan, x, dy, alpha, dx, dalpha, mode, owned, stream);
  } catch (...) {
    cudaFreeAsync(owned, stream);
    throw;
  }
  CUACT_CUDA_TRY(cudaFreeAsync(owned, stream), fn);
}

}  // namespace

PreluShape PreluShape::nchw(std::int64_t n, std::int64_t c, std::int64_t h, std::int64_t w) {
  return {n, c, checked_product("PreluShape::nchw", h, w)};
}

PreluShape PreluShape::nhwc(std::int64_t n, std::int64_t h, std::int64_t w, std::int64_t c) {
  const char* fn = "PreluShape::nhwc";
  return {checked_product(fn, checked_product(fn, n, h), w), c, 1};
}

PreluShape PreluShape::matrix(std::int64_t n, std::int64_t c) { return {n, c, 1}; }

PreluShape PreluShape::shared(std::int64_t count) { return {1, 1, count}; }

template <class T>
void prelu_forward(const T* x, const compute_t<T>* alpha, T* y, PreluShape shape,
                   cudaStream_t stream) {
  CUACT_ENTRY_POINT("prelu_forward");
  const std::int64_t n = expect_valid_shape<T>(fn, shape);
  if (n == 0) {
    return;
  }
  const auto bytes = n * static_cast<std::int64_t>(sizeof(T));
  detail::expect_call_tensors(
      fn, n, {{"x", x, bytes}, {"alpha", alpha, alpha_bytes_of<T>(shape), true}},
      {{"y", y, bytes}});
  const detail::PreluPlan plan = detail::make_prelu_plan<T>(shape, false, fn);
  detail::launch_prelu_forward<T>(fn, plan, x, alpha, y, stream);
}

template <class T>
std::size_t prelu_backward_workspace_size(PreluShape shape) {
  constexpr const char* fn = "prelu_backward_workspace_size";
  if (expect_valid_shape<T>(fn, shape) == 0) {
    return 0;
  }
  return detail::make_prelu_plan<T>(shape, true, fn).workspace_bytes;
}

template <class T>
void prelu_backward(const T* x, const T* dy, const compute_t<T>* alpha, nondeduced_t<T>* dx,
                    compute_t<T>* dalpha, PreluShape shape, GradMode mode, void* workspace,
                    std::size_t workspace_bytes, cudaStream_t stream) {
  CUACT_ENTRY_POINT("prelu_backward");
  prelu_backward_checked(fn, x, dy, alpha, dx, dalpha, shape, mode, workspace, workspace_bytes,
                         false, stream);
}

template <class T>
void prelu_backward(const T* x, const T* dy, const compute_t<T>* alpha, nondeduced_t<T>* dx,
                    compute_t<T>* dalpha, PreluShape shape, GradMode mode, cudaStream_t stream) {
  CUACT_ENTRY_POINT("prelu_backward");
  prelu_backward_checked(fn, x, dy, alpha, dx, dalpha, shape, mode, nullptr, 0, true, stream);
}

#define CUACT_DETAIL_INSTANTIATE_PRELU_API(ctx, ENUM, value, T, name)                          \
  template void prelu_forward<T>(const T*, const compute_t<T>*, T*, PreluShape, cudaStream_t); \
  template std::size_t prelu_backward_workspace_size<T>(PreluShape);                           \
  template void prelu_backward<T>(const T*, const T*, const compute_t<T>*, T*, compute_t<T>*,  \
                                  PreluShape, GradMode, void*, std::size_t, cudaStream_t);     \
  template void prelu_backward<T>(const T*, const T*, const compute_t<T>*, T*, compute_t<T>*,  \
                                  PreluShape, GradMode, cudaStream_t);

CUACT_DTYPES(CUACT_DETAIL_INSTANTIATE_PRELU_API, ~)

}  // namespace cuact
