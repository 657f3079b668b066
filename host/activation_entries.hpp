// The generic elementwise entry points (activations.hpp's forward and backward): check the
// op's parameters and the buffers, then launch. Instantiated per activation of the registry,
// for every element type, by the generated cuact_host/<name>.cpp
// (CUACT_INSTANTIATE_unary_ENTRIES), so that a program calling one activation links only that
// activation's kernels.
#pragma once

#include "host/argument_checks.hpp"
#include "host/built_activations.hpp"
#include "host/elementwise_entry.hpp"
#include "host/entry_point.hpp"
#include "host/op_registry.hpp"

#include <cuact/activations.hpp>
#include <cuact/ops.hpp>

#include <string>

namespace cuact {

template <template <class> class Op, class T>
void forward(const Op<compute_t<T>>& op, const T* x, T* y, std::int64_t n, cudaStream_t stream) {
  // Messages and NVTX ranges carry the named function's name: "relu_forward".
  CUACT_ENTRY_POINT(std::string(Op<compute_t<T>>::name) + "_forward");
  detail::expect_built<Op<compute_t<T>>>(fn);
  detail::expect_valid_params(fn, op);
  if constexpr (detail::built_v<Op<compute_t<T>>>) {  // else expect_built threw
    detail::run_forward(fn, op, x, y, n, stream);
  }
}

template <template <class> class Op, class T>
void backward(const Op<compute_t<T>>& op, const T* v, const T* dy, T* dx, std::int64_t n,
              Saved saved, cudaStream_t stream) {
  CUACT_ENTRY_POINT(std::string(Op<compute_t<T>>::name) + "_backward");
  using Info = detail::OpInfo<Op>;
  detail::expect_built<Op<compute_t<T>>>(fn);
  detail::expect_valid_params(fn, op);
  detail::expect_saved_allowed(fn, op, saved, Info::param_names, Info::values(op));
  if constexpr (detail::built_v<Op<compute_t<T>>>) {
    detail::run_backward(fn, op, v, dy, dx, n, saved, stream);
  }
}

}  // namespace cuact

#define CUACT_DETAIL_INSTANTIATE_UNARY_ENTRIES(Functor, ENUM, value, T, name)                 \
  template void ::cuact::forward<Functor, T>(const Functor<::cuact::compute_t<T>>&, const T*, \
                                             T*, std::int64_t, cudaStream_t);                 \
  template void ::cuact::backward<Functor, T>(const Functor<::cuact::compute_t<T>>&,          \
                                              const T*, const T*, T*, std::int64_t,           \
                                              ::cuact::Saved, cudaStream_t);                  \
  template void ::cuact::forward_with_mask<Functor, T>(const Functor<::cuact::compute_t<T>>&, \
                                                       const T*, T*, std::uint32_t*,          \
                                                       std::int64_t, cudaStream_t);           \
  template void ::cuact::backward_from_mask<Functor, T>(                                      \
      const Functor<::cuact::compute_t<T>>&, const std::uint32_t*, const T*, T*, std::int64_t, \
      cudaStream_t);

/// Instantiates the entry points of unary activation template `Functor` (ops.hpp) for every
/// element type: forward, backward, and the 1-bit-mask passes (mask_entries.hpp, which
/// refuse an op without a mask). The kernels they call are those of the same activation's
/// generated kernel file.
#define CUACT_INSTANTIATE_unary_ENTRIES(Functor) \
  CUACT_DTYPES(CUACT_DETAIL_INSTANTIATE_UNARY_ENTRIES, Functor)
