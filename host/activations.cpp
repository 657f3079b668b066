// The generic elementwise entry points: check the op's parameters and the buffers, then
// launch. Instantiated for every unary activation of the registry and every element type.
#include <cuact/activations.hpp>

#include "host/argument_checks.hpp"
#include "host/elementwise_entry.hpp"
#include "host/entry_point.hpp"
#include "host/op_registry.hpp"

#include <cuact/ops.hpp>

#include <string>

namespace cuact {

template <template <class> class Op, class T>
void forward(const Op<compute_t<T>>& op, const T* x, T* y, std::int64_t n, cudaStream_t stream) {
  // Messages and NVTX ranges carry the named function's name: "relu_forward".
  CUACT_ENTRY_POINT(std::string(Op<compute_t<T>>::name) + "_forward");
  detail::expect_valid_params(fn, op);
  detail::run_forward(fn, op, x, y, n, stream);
}

template <template <class> class Op, class T>
void backward(const Op<compute_t<T>>& op, const T* v, const T* dy, T* dx, std::int64_t n,
              Saved saved, cudaStream_t stream) {
  CUACT_ENTRY_POINT(std::string(Op<compute_t<T>>::name) + "_backward");
  using Info = detail::OpInfo<Op>;
  detail::expect_valid_params(fn, op);
  detail::expect_saved_allowed(fn, op, saved, Info::param_names, Info::values(op));
  detail::run_backward(fn, op, v, dy, dx, n, saved, stream);
}

#define CUACT_DETAIL_INSTANTIATE_FOR(Functor, ENUM, value, T, name)                         \
  template void forward<Functor, T>(const Functor<compute_t<T>>&, const T*, T*, std::int64_t, \
                                    cudaStream_t);                                          \
  template void backward<Functor, T>(const Functor<compute_t<T>>&, const T*, const T*, T*,    \
                                     std::int64_t, Saved, cudaStream_t);
#define CUACT_DETAIL_INSTANTIATE(ENUM, value, Functor, name, kind, params, pytorch) \
  CUACT_PP_IF_UNARY(kind)(CUACT_DTYPES(CUACT_DETAIL_INSTANTIATE_FOR, Functor))
CUACT_ACTIVATIONS(CUACT_DETAIL_INSTANTIATE)

}  // namespace cuact
