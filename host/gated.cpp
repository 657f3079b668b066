// The gated entry points: check the op's parameters, the shape, the layout and the buffers,
// then launch. Instantiated for Gated<Op> of every unary activation of the registry, for
// every gated functor of the registry, and every element type.
#include <cuact/gated.hpp>

#include "cuda/launch.hpp"
#include "host/argument_checks.hpp"
#include "host/entry_point.hpp"
#include "cuda/gated_launch.hpp"

#include <cuact/registry.h>

#include <limits>
#include <string>

namespace cuact {
namespace detail {
namespace {

/// "silu_gated_forward" for Gated<Silu>, "clamped_swiglu_forward" for a gated functor.
template <class G>
std::string gated_function_name(const char* pass) {
  if constexpr (is_gated_by<G>::value) {
    return std::string(G::name) + "_gated_" + pass;
  } else {
    return std::string(G::name) + "_" + pass;
  }
}

/// rows, hidden >= 0 and rows * hidden * `factor` elements of `size` bytes fit a 64-bit byte
/// count.
void expect_valid_gated_shape(const char* fn, std::int64_t rows, std::int64_t hidden,
                              std::size_t size) {
  if (rows < 0 || hidden < 0) {
    throw_invalid_argument(fn, "'rows' and 'hidden' must be >= 0, got " + std::to_string(rows) +
                                   " and " + std::to_string(hidden));
  }
  const std::int64_t limit =
      std::numeric_limits<std::int64_t>::max() / static_cast<std::int64_t>(2 * size);
  if (hidden != 0 && rows > limit / hidden) {
    throw_invalid_argument(fn, "'rows' x 2 'hidden' = " + std::to_string(rows) + " x 2 x " +
                                   std::to_string(hidden) + " elements of " +
                                   std::to_string(size) +
                                   " bytes overflow a 64-bit byte count");
  }
}

void expect_packed_layout(const char* fn, GatedLayout layout) {
  if (layout == GatedLayout::separate) {
    throw_invalid_argument(fn, "'layout' is GatedLayout::separate, which takes gate and up as "
                               "two tensors (the gated_forward/gated_backward overloads with "
                               "gate and up)");
  }
  expect_valid_gated_layout(fn, layout);
}

/// What every gated entry point checks first: op's parameters and the shape. False when there
/// is nothing to do (rows * hidden == 0).
template <class G>
bool checked_call(const char* fn, const G& op, std::int64_t rows, std::int64_t hidden,
                  std::size_t size) {
  ParamRules rules{fn};
  check_params(op, rules);
  expect_valid_gated_shape(fn, rows, hidden, size);
  return rows != 0 && hidden != 0;
}

}  // namespace
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
  detail::launch_gated<G, T>(fn, false, op, p, stream);
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
  detail::launch_gated<G, T>(fn, true, op, p, stream);
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
  detail::launch_gated<G, T>(fn, false, op, p, stream);
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
  detail::launch_gated<G, T>(fn, true, op, p, stream);
}

#define CUACT_DETAIL_INSTANTIATE_GATED_ENTRIES(G, T)                                         \
  template void gated_forward<G, T>(const G&, GatedLayout, const T*, T*, std::int64_t,      \
                                    std::int64_t, cudaStream_t);                            \
  template void gated_backward<G, T>(const G&, GatedLayout, const T*, const T*, T*,         \
                                     std::int64_t, std::int64_t, cudaStream_t);             \
  template void gated_forward<G, T>(const G&, const T*, const T*, T*, std::int64_t,         \
                                    std::int64_t, cudaStream_t);                            \
  template void gated_backward<G, T>(const G&, const T*, const T*, const T*, T*, T*,        \
                                     std::int64_t, std::int64_t, cudaStream_t);
#define CUACT_DETAIL_GATED_BY_FOR(Functor, ENUM, value, T, name) \
  CUACT_DETAIL_INSTANTIATE_GATED_ENTRIES(Gated<Functor<compute_t<T>>>, T)
#define CUACT_DETAIL_GATED_BY(ENUM, value, Functor, name, kind, params, pytorch) \
  CUACT_DTYPES(CUACT_DETAIL_GATED_BY_FOR, Functor)
CUACT_ACTIVATIONS(CUACT_DETAIL_GATED_BY)
#define CUACT_DETAIL_GATED_FOR(Functor, ENUM, value, T, name) \
  CUACT_DETAIL_INSTANTIATE_GATED_ENTRIES(Functor<compute_t<T>>, T)
#define CUACT_DETAIL_GATED(ENUM, value, Functor, name, kind, params, pytorch) \
  CUACT_DTYPES(CUACT_DETAIL_GATED_FOR, Functor)
CUACT_GATED_ACTIVATIONS(CUACT_DETAIL_GATED)

}  // namespace cuact
