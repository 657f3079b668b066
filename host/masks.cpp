// The 1-bit-mask entry points (mask.hpp): check that the op has a mask, its parameters and
// the buffers, then launch. Instantiated for every unary activation of the registry; those
// without a mask refuse with a message.
#include <cuact/mask.hpp>

#include "cuda/detail/nvtx.hpp"
#include "cuda/launch.hpp"
#include "host/argument_checks.hpp"

#include <cstdint>
#include <string>

namespace cuact {

namespace {

using detail::ByteRange;

/// The mask: not null, a uint32_t's alignment, device-accessible is checked with the rest.
void expect_valid_mask(const char* fn, const void* mask, std::int64_t n) {
  detail::expect_not_null(fn, "mask", mask, n);
  if (reinterpret_cast<std::uintptr_t>(mask) % alignof(std::uint32_t) != 0) {
    detail::throw_invalid_argument(fn, "'mask' must be 4-byte aligned (an array of 32-bit words)");
  }
}

ByteRange mask_range(const void* mask, std::int64_t n) {
  return {"mask", mask, static_cast<std::int64_t>(mask_bytes(n))};
}

}  // namespace

template <template <class> class Op, class T>
void forward_with_mask(const Op<compute_t<T>>& op, const T* x, T* y, std::uint32_t* mask,
                       std::int64_t n, cudaStream_t stream) {
  using namespace detail;
  static const std::string fn = std::string(Op<compute_t<T>>::name) + "_forward_mask";
  static const std::string range = "cuact::" + fn;
  CUACT_NVTX_RANGE(range.c_str());
  expect_mask_allowed<Op<compute_t<T>>>(fn.c_str(), nullptr);
  expect_valid_params(fn.c_str(), op);
  expect_valid_count(fn.c_str(), n, sizeof(T));
  if (n == 0) {
    return;
  }
  expect_not_null(fn.c_str(), "x", x, n);
  expect_not_null(fn.c_str(), "y", y, n);
  expect_valid_mask(fn.c_str(), mask, n);
  const std::int64_t bytes = n * static_cast<std::int64_t>(sizeof(T));
  expect_same_or_disjoint(fn.c_str(), {"y", y, bytes}, {"x", x, bytes});
  expect_disjoint(fn.c_str(), mask_range(mask, n), {"x", x, bytes});
  expect_disjoint(fn.c_str(), mask_range(mask, n), {"y", y, bytes});
  expect_device_accessible(fn.c_str(), {{"x", x, bytes}, {"y", y, bytes}, mask_range(mask, n)});
  launch_masked<Op<compute_t<T>>, T>(fn.c_str(), false, op, x, mask, y, n, stream);
}

template <template <class> class Op, class T>
void backward_from_mask(const Op<compute_t<T>>& op, const std::uint32_t* mask, const T* dy, T* dx,
                        std::int64_t n, cudaStream_t stream) {
  using namespace detail;
  static const std::string fn = std::string(Op<compute_t<T>>::name) + "_backward_mask";
  static const std::string range = "cuact::" + fn;
  CUACT_NVTX_RANGE(range.c_str());
  expect_mask_allowed<Op<compute_t<T>>>(fn.c_str(), nullptr);
  expect_valid_params(fn.c_str(), op);
  expect_valid_count(fn.c_str(), n, sizeof(T));
  if (n == 0) {
    return;
  }
  expect_valid_mask(fn.c_str(), mask, n);
  expect_not_null(fn.c_str(), "dy", dy, n);
  expect_not_null(fn.c_str(), "dx", dx, n);
  const std::int64_t bytes = n * static_cast<std::int64_t>(sizeof(T));
  expect_same_or_disjoint(fn.c_str(), {"dx", dx, bytes}, {"dy", dy, bytes});
  expect_disjoint(fn.c_str(), {"dx", dx, bytes}, mask_range(mask, n));
  expect_device_accessible(fn.c_str(), {mask_range(mask, n), {"dy", dy, bytes}, {"dx", dx, bytes}});
  // The kernels only read the mask; launch_masked's signature is shared with the forward.
  launch_masked<Op<compute_t<T>>, T>(fn.c_str(), true, op, dy, const_cast<std::uint32_t*>(mask), dx,
                                     n, stream);
}

#define CUACT_DETAIL_INSTANTIATE_FOR(Functor, ENUM, value, T, name)                                \
  template void forward_with_mask<Functor, T>(const Functor<compute_t<T>>&, const T*, T*,          \
                                              std::uint32_t*, std::int64_t, cudaStream_t);         \
  template void backward_from_mask<Functor, T>(const Functor<compute_t<T>>&, const std::uint32_t*, \
                                               const T*, T*, std::int64_t, cudaStream_t);
#define CUACT_DETAIL_INSTANTIATE(ENUM, value, Functor, name, kind, params, pytorch) \
  CUACT_PP_IF_UNARY(kind)(CUACT_DTYPES(CUACT_DETAIL_INSTANTIATE_FOR, Functor))
CUACT_ACTIVATIONS(CUACT_DETAIL_INSTANTIATE)

}  // namespace cuact
