// The 1-bit-mask entry points (mask.hpp): check that the op has a mask, its parameters and
// the buffers, then launch. Instantiated with each activation's other entry points
// (activation_entries.hpp's CUACT_INSTANTIATE_unary_ENTRIES); those without a mask refuse
// with a message.
#pragma once

#include "cuda/launch.hpp"
#include "host/argument_checks.hpp"
#include "host/built_activations.hpp"
#include "host/entry_point.hpp"

#include <cuact/mask.hpp>

#include <cstdint>
#include <string>

namespace cuact {
namespace detail {

/// The mask as a tensor of the call: 32-bit words, apart from the other tensors.
inline Tensor mask_tensor(const void* mask, std::int64_t n) {
  return {"mask", mask, static_cast<std::int64_t>(mask_bytes(n)), true, false,
          sizeof(std::uint32_t)};
}

/// What both mask passes check first: Op is built and has a mask, its parameters, the count.
/// False when there is nothing to do (n == 0).
template <class Op, class T>
bool checked_mask_call(const char* fn, const Op& op, std::int64_t n) {
  expect_built<Op>(fn);
  expect_mask_allowed<Op>(fn, nullptr);
  expect_valid_params(fn, op);
  expect_valid_count(fn, n, sizeof(T));
  return n != 0;
}

}  // namespace detail

template <template <class> class Op, class T>
void forward_with_mask(const Op<compute_t<T>>& op, const T* x, T* y, std::uint32_t* mask,
                       std::int64_t n, cudaStream_t stream) {
  using namespace detail;
  CUACT_ENTRY_POINT(std::string(Op<compute_t<T>>::name) + "_forward_mask");
  if (!checked_mask_call<Op<compute_t<T>>, T>(fn, op, n)) {
    return;
  }
  const std::int64_t bytes = n * static_cast<std::int64_t>(sizeof(T));
  expect_call_tensors(fn, n, {{"x", x, bytes}}, {{"y", y, bytes}, mask_tensor(mask, n)});
  if constexpr (built_v<Op<compute_t<T>>>) {
    launch_masked<Op<compute_t<T>>, T>(fn, false, op, x, mask, y, n, stream);
  }
}

template <template <class> class Op, class T>
void backward_from_mask(const Op<compute_t<T>>& op, const std::uint32_t* mask, const T* dy, T* dx,
                        std::int64_t n, cudaStream_t stream) {
  using namespace detail;
  CUACT_ENTRY_POINT(std::string(Op<compute_t<T>>::name) + "_backward_mask");
  if (!checked_mask_call<Op<compute_t<T>>, T>(fn, op, n)) {
    return;
  }
  const std::int64_t bytes = n * static_cast<std::int64_t>(sizeof(T));
  expect_call_tensors(fn, n, {mask_tensor(mask, n), {"dy", dy, bytes}}, {{"dx", dx, bytes}});
  // The kernels only read the mask; launch_masked's signature is shared with the forward.
  if constexpr (built_v<Op<compute_t<T>>>) {
    launch_masked<Op<compute_t<T>>, T>(fn, true, op, dy, const_cast<std::uint32_t*>(mask), dx,
                                       n, stream);
  }
}

}  // namespace cuact
