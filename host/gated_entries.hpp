// The gated entry points (gated.hpp's gated_forward and gated_backward): check the op's
// parameters, the shape, the layout and the buffers, then launch. Instantiated per activation
// of the registry, for every element type, by the generated cuact_host/<name>_gated.cpp (for
// Gated<Op> of a unary activation, CUACT_INSTANTIATE_GATED_BY_ENTRIES) and cuact_host/<name>.cpp
// (a gated functor, CUACT_INSTANTIATE_gated_ENTRIES), so that a program calling one gated
// activation links only its kernels. The shape and layout checks are in gated_checks.cpp.
#pragma once

#include "cuda/gated_launch.hpp"
#include "cuda/launch.hpp"
#include "host/argument_checks.hpp"
#include "host/built_activations.hpp"
#include "host/entry_point.hpp"

#include <cuact/gated.hpp>
#include <cuact/registry.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace cuact {
namespace detail {

/// rows, hidden >= 0 and rows x 2 hidden elements of `size` bytes fit a 64-bit byte count.
void expect_valid_gated_shape(const char* fn, std::int64_t rows, std::int64_t hidden,
                              std::size_t size);
/// `layout` is a packed layout (gate_first, up_first, interleaved).
void expect_packed_layout(const char* fn, GatedLayout layout);

/// "silu_gated_forward" for Gated<Silu>, "clamped_swiglu_forward" for a gated functor.
template <class G>
std::string gated_function_name(const char* pass) {
  if constexpr (is_gated_by<G>::value) {
    return std::string(G::name) + "_gated_" + pass;
  } else {
    return std::string(G::name) + "_" + pass;
  }
}

/// What every gated entry point checks first: G is built, op's parameters and the shape. False
/// when there is nothing to do (rows * hidden == 0).
template <class G>
bool checked_call(const char* fn, const G& op, std::int64_t rows, std::int64_t hidden,
                  std::size_t size) {
  expect_built<G>(fn);
  ParamRules rules{fn};
  check_params(op, rules);
  expect_valid_gated_shape(fn, rows, hidden, size);
  return rows != 0 && hidden != 0;
}

}  // namespace detail

template <class G, class T>
void gated_forward(const G& op, GatedLayout layout, const T* in, T* out, std::int64_t rows,
                   std::int64_t hidden, cudaStream_t stream) {
  CUACT_ENTRY_POINT(detail::gated_function_name<G>("forward"));
  detail::expect_packed_layout(fn, layout);
  if (!detail::checked_call(fn, op, rows, hidden, sizeof(T))) {
    return;
  }
  const std::int64_t n = rows * hidden;
  const std::int64_t bytes = n * static_cast<std::int64_t>(sizeof(T));
  // The input is twice the output: out may not be in place over it.
  detail::expect_call_tensors(fn, n, {{"in", in, 2 * bytes, true}}, {{"out", out, bytes}});
  detail::GatedLaunch<T> p = detail::packed_launch<T>(layout, in, nullptr, rows, hidden);
  p.out = out;
  if constexpr (detail::built_v<G>) {  // else checked_call threw
    detail::launch_gated<G, T>(fn, false, op, p, stream);
  }
}

template <class G, class T>
void gated_backward(const G& op, GatedLayout layout, const T* in, const T* dy, T* din,
                    std::int64_t rows, std::int64_t hidden, cudaStream_t stream) {
  CUACT_ENTRY_POINT(detail::gated_function_name<G>("backward"));
  detail::expect_packed_layout(fn, layout);
  if (!detail::checked_call(fn, op, rows, hidden, sizeof(T))) {
    return;
  }
  const std::int64_t n = rows * hidden;
  const std::int64_t bytes = n * static_cast<std::int64_t>(sizeof(T));
  // din may be in place over in (the same extent), not over dy (half of it).
  detail::expect_call_tensors(fn, n, {{"in", in, 2 * bytes}, {"dy", dy, bytes, true}},
                              {{"din", din, 2 * bytes}});
  detail::GatedLaunch<T> p = detail::packed_launch<T>(layout, in, din, rows, hidden);
  p.dy = dy;
  if constexpr (detail::built_v<G>) {  // else checked_call threw
    detail::launch_gated<G, T>(fn, true, op, p, stream);
  }
}

template <class G, class T>
void gated_forward(const G& op, const T* gate, const T* up, T* out, std::int64_t rows,
                   std::int64_t hidden, cudaStream_t stream) {
  CUACT_ENTRY_POINT(detail::gated_function_name<G>("forward"));
  if (!detail::checked_call(fn, op, rows, hidden, sizeof(T))) {
    return;
  }
  const std::int64_t n = rows * hidden;
  const std::int64_t bytes = n * static_cast<std::int64_t>(sizeof(T));
  detail::expect_call_tensors(fn, n, {{"gate", gate, bytes}, {"up", up, bytes}},
                              {{"out", out, bytes}});
  detail::GatedLaunch<T> p = detail::separate_launch(gate, up, rows, hidden);
  p.out = out;
  if constexpr (detail::built_v<G>) {  // else checked_call threw
    detail::launch_gated<G, T>(fn, false, op, p, stream);
  }
}

template <class G, class T>
void gated_backward(const G& op, const T* gate, const T* up, const T* dy, T* dgate, T* dup,
                    std::int64_t rows, std::int64_t hidden, cudaStream_t stream) {
  CUACT_ENTRY_POINT(detail::gated_function_name<G>("backward"));
  if (!detail::checked_call(fn, op, rows, hidden, sizeof(T))) {
    return;
  }
  const std::int64_t n = rows * hidden;
  const std::int64_t bytes = n * static_cast<std::int64_t>(sizeof(T));
  detail::expect_call_tensors(fn, n,
                              {{"gate", gate, bytes}, {"up", up, bytes}, {"dy", dy, bytes}},
                              {{"dgate", dgate, bytes}, {"dup", dup, bytes}});
  detail::GatedLaunch<T> p = detail::separate_launch(gate, up, rows, hidden);
  p.dy = dy;
  p.out = dgate;
  p.out2 = dup;
  if constexpr (detail::built_v<G>) {  // else checked_call threw
    detail::launch_gated<G, T>(fn, true, op, p, stream);
  }
}

}  // namespace cuact

#define CUACT_DETAIL_INSTANTIATE_GATED_ENTRIES(G, T)                                          \
  template void ::cuact::gated_forward<G, T>(const G&, ::cuact::GatedLayout, const T*, T*,   \
                                             std::int64_t, std::int64_t, cudaStream_t);      \
  template void ::cuact::gated_backward<G, T>(const G&, ::cuact::GatedLayout, const T*,      \
                                              const T*, T*, std::int64_t, std::int64_t,      \
                                              cudaStream_t);                                 \
  template void ::cuact::gated_forward<G, T>(const G&, const T*, const T*, T*, std::int64_t, \
                                             std::int64_t, cudaStream_t);                    \
  template void ::cuact::gated_backward<G, T>(const G&, const T*, const T*, const T*, T*, T*, \
                                              std::int64_t, std::int64_t, cudaStream_t);
#define CUACT_DETAIL_GATED_BY_ENTRIES_FOR(Functor, ENUM, value, T, name) \
  CUACT_DETAIL_INSTANTIATE_GATED_ENTRIES(::cuact::Gated<Functor<::cuact::compute_t<T>>>, T)
#define CUACT_DETAIL_GATED_ENTRIES_FOR(Functor, ENUM, value, T, name) \
  CUACT_DETAIL_INSTANTIATE_GATED_ENTRIES(Functor<::cuact::compute_t<T>>, T)

/// Instantiates the gated entry points of Gated<Functor> for unary activation template
/// `Functor` (ops.hpp), for every element type.
#define CUACT_INSTANTIATE_GATED_BY_ENTRIES(Functor) \
  CUACT_DTYPES(CUACT_DETAIL_GATED_BY_ENTRIES_FOR, Functor)
/// Instantiates the gated entry points of gated functor template `Functor` (gated_ops.hpp),
/// for every element type.
#define CUACT_INSTANTIATE_gated_ENTRIES(Functor) \
  CUACT_DTYPES(CUACT_DETAIL_GATED_ENTRIES_FOR, Functor)
