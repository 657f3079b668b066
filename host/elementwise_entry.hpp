// The common body of every elementwise entry point: check the buffers, then launch.
#pragma once

#include "cuda/launch.hpp"
#include "host/argument_checks.hpp"
#include "host/entry_point.hpp"

#include <cuact/activations.hpp>

#include <cstdint>

namespace cuact::detail {

/// The buffer checks of a forward pass over n elements: a valid count; for n > 0, x and y
/// not null, y exactly x or disjoint from it, and both usable by the current device.
/// `extra` is one more input the call reads (RReLU's device key; null: none), which may not
/// overlap y. False for n == 0: nothing to launch.
template <class T>
bool expect_forward_buffers(const char* fn, const T* x, T* y, std::int64_t n,
                            Tensor extra = {"", nullptr, 0, true, true}) {
  expect_valid_count(fn, n, sizeof(T));
  if (n == 0) {
    return false;
  }
  const std::int64_t bytes = n * static_cast<std::int64_t>(sizeof(T));
  expect_call_tensors(fn, n, {{"x", x, bytes}, extra}, {{"y", y, bytes}});
  return true;
}

/// The same for a backward pass: v, dy and dx not null, dx exactly v or dy or disjoint from
/// each, `extra` not overlapping dx.
template <class T>
bool expect_backward_buffers(const char* fn, const T* v, const T* dy, T* dx, std::int64_t n,
                             Tensor extra = {"", nullptr, 0, true, true}) {
  expect_valid_count(fn, n, sizeof(T));
  if (n == 0) {
    return false;
  }
  const std::int64_t bytes = n * static_cast<std::int64_t>(sizeof(T));
  expect_call_tensors(fn, n, {{"v", v, bytes}, {"dy", dy, bytes}, extra}, {{"dx", dx, bytes}});
  return true;
}

/// y = op.forward(x). Parameters of `op` are already checked by the caller.
template <class Op, class T>
void run_forward(const char* fn, const Op& op, const T* x, T* y, std::int64_t n,
                 cudaStream_t stream) {
  if (expect_forward_buffers(fn, x, y, n)) {
    launch_unary<Op, T>(fn, Pass::forward, op, x, nullptr, y, n, stream);
  }
}

/// dx = op's gradient from the saved tensor v (x or y, as `saved` says). Parameters of `op`,
/// and whether it allows `saved`, are already checked by the caller.
template <class Op, class T>
void run_backward(const char* fn, const Op& op, const T* v, const T* dy, T* dx, std::int64_t n,
                  Saved saved, cudaStream_t stream) {
  if (expect_backward_buffers(fn, v, dy, dx, n)) {
    launch_unary<Op, T>(fn, saved == Saved::input ? Pass::grad_from_input : Pass::grad_from_output,
                        op, v, dy, dx, n, stream);
  }
}

}  // namespace cuact::detail
