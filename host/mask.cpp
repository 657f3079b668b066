// The 1-bit-mask entry points (mask.hpp): check that the op has a mask, its parameters and
// the buffers, then launch. Instantiated for every unary activation of the registry; those
// without a mask refuse with a message.
#include <cuact/mask.hpp>

#include "cuda/launch.hpp"
#include "host/argument_checks.hpp"
#include "host/entry_point.hpp"

#include <cstdint>
#include <string>

namespace cuact {

namespace {

/// The mask as a tensor of the call: 32-bit words, apart from the other tensors.
detail::Tensor mask_tensor(const void* mask, std::int64_t n) {
  return {"mask", mask, static_cast<std::int64_t>(mask_bytes(n)), true, false,
          sizeof(std::uint32_t)};
}

}  // namespace

template <template <class> class Op, class T>
void forward_with_mask(const Op<compute_t<T>>& op, const T* x, T* y, std::uint32_t* mask,
                       std::int64_t n, cudaStream_t stream) {
  using namespace detail;
  CUACT_ENTRY_POINT(std::string(Op<compute_t<T>>::name) + "_forward_mask");
  expect_mask_allowed<Op<compute_t<T>>>(fn, nullptr);
  expect_valid_params(fn, op);
  expect_valid_count(fn, n, sizeof(T));
  if (n == 0) {
    return;
  }
  const std::int64_t bytes = n * static_cast<std::int64_t>(sizeof(T));
  expect_call_tensors(fn, n, {{"x", x, bytes}}, {{"y", y, bytes}, mask_tensor(mask, n)});
  launch_masked<Op<compute_t<T>>, T>(fn, false, op, x, mask, y, n, stream);
}

template <template <class> class Op, class T>
void backward_from_mask(const Op<compute_t<T>>& op, const std::uint32_t* mask, const T* dy, T* dx,
                        std::int64_t n, cudaStream_t stream) {
  using namespace detail;
  CUACT_ENTRY_POINT(std::string(Op<compute_t<T>>::name) + "_backward_mask");
  expect_mask_allowed<Op<compute_t<T>>>(fn, nullptr);
  expect_valid_params(fn, op);
  expect_valid_count(fn, n, sizeof(T));
  if (n == 0) {
    return;
  }
  const std::int64_t bytes = n * static_cast<std::int64_t>(sizeof(T));
  expect_call_tensors(fn, n, {mask_tensor(mask, n), {"dy", dy, bytes}}, {{"dx", dx, bytes}});
  // The kernels only read the mask; launch_masked's signature is shared with the forward.
  launch_masked<Op<compute_t<T>>, T>(fn, true, op, dy, const_cast<std::uint32_t*>(mask), dx, n,
                                     stream);
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
