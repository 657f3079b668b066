// Elementwise activations, forward and backward, on device memory.
//
// Every function here:
//   - works on `n` elements of type T (float, double, __half, __nv_bfloat16) at device
//     pointers (device, managed, or mapped host memory the current device can read);
//     no alignment is required: 16-byte-aligned pointers take a vector path;
//   - is enqueued on `stream` and returns without synchronizing; it allocates nothing, so it
//     may be captured in a CUDA graph;
//   - allows in place: y == x in the forward pass, dx == dy or dx == v in the backward pass.
//     Any other overlap between an input and an output is an error;
//   - is a no-op for n == 0, whatever the pointers (parameters are still checked);
//   - throws cuact::invalid_argument before launching anything when an argument is bad (null
//     pointer with n > 0, parameter out of range, partial overlap, a pointer the current
//     device cannot read), and cuact::cuda_error when a CUDA call or the launch fails. The
//     pointer check is one cudaPointerGetAttributes per pointer, made in relaxed capture
//     mode, so it also runs (and is safe) during CUDA graph capture.
//
// Backward passes take the saved tensor `v` and say what it is: Saved::input (v = x) or
// Saved::output (v = y = f(x)). Keeping the output lets training code free x or run the
// forward in place. From the output is allowed for relu, relu6 and selu always, for
// leaky_relu when negative_slope >= 0, for elu when alpha >= 0, and for celu when
// alpha > 0 (in general: where the functor has grad_from_output and
// allows_grad_from_output() is true). The elu family's gradient from the output loses
// precision for very negative x; see cuact::Elu in ops.hpp.
//
// Two ways to call them, the same code behind both:
//   - generic, for every activation of the registry (registry.h), with its functor:
//       cuact::forward(cuact::LeakyRelu<float>{0.01f}, x, y, n, stream);
//       cuact::backward(cuact::Celu<float>{0.5f}, v, dy, dx, n, cuact::Saved::output, stream);
//   - named, <name>_forward(x, y, n, params..., stream) and
//     <name>_backward(v, dy, dx, n, params..., saved, stream), with the parameters the
//     registry lists for the op, in its order, as compute_t<T> (or the parameter's own type).
// Parameters are checked by the functor's rules (finite, non-zero, ...; see ops.hpp) in
// compute_t<T>; error messages name the named function ("celu_forward: ...").
//
// Results are computed in compute_t<T> (double for double, float otherwise) with the
// functors of ops.hpp, rounded once to T on store; they are deterministic.
//
// Example (y and x device buffers of n floats):
//   cuact::leaky_relu_forward(x, y, n, 0.01f, stream);
//   cuact::leaky_relu_backward(y, dy, dx, n, 0.01f, cuact::Saved::output, stream);
//
// The named functions: one pair per unary activation of registry.h, written out in
// activation_functions.hpp (generated from the registry; docs/api.md lists every one with its
// signature and defaults), for example
//   relu_forward(x, y, n, stream)          relu_backward(v, dy, dx, n, saved, stream)
//   leaky_relu_forward(x, y, n, negative_slope, stream)
//   hardtanh_backward(v, dy, dx, n, min_val, max_val, saved, stream)
#pragma once

#include <cuact/export.h>
#include <cuact/ops.hpp>
#include <cuact/registry.h>
#include <cuact/types.hpp>

#include <cuda_runtime_api.h>

#include <cstdint>
#include <variant>

namespace cuact {

/// What the saved tensor `v` of a backward pass holds.
enum class Saved {
  input,   ///< v = x, the forward input
  output,  ///< v = y, the forward output
  /// A 1-bit mask of the branch each input took (mask.hpp): what an ActivationLayer keeps
  /// in that mode. The backward functions here, which take a tensor of T, refuse it; the
  /// mask's backward is backward_from_mask.
  mask,
};

namespace detail {
template <class First, class... Rest>
struct variant_of_rest {
  using type = std::variant<Rest...>;
};
}  // namespace detail

/// Any activation of the registry as its functor in compute type C, in registry order (the
/// index of an alternative is its position in registry.h).
#define CUACT_DETAIL_ALTERNATIVE(ENUM, value, Functor, name, kind, params, pytorch) , Functor<C>
template <class C>
using AnyActivation =
    typename detail::variant_of_rest<void CUACT_ACTIVATIONS(CUACT_DETAIL_ALTERNATIVE)>::type;
#undef CUACT_DETAIL_ALTERNATIVE

/// y = op.forward(x) for n elements, for any unary activation Op of the registry in
/// compute_t<T>. Throws cuact::invalid_argument when op's parameters break its rules.
template <template <class> class Op, class T>
CUACT_API void forward(const Op<compute_t<T>>& op, const T* x, T* y, std::int64_t n,
                       cudaStream_t stream);

/// dx = dy * f'(.) from the saved tensor v (x or y, as `saved` says). Saved::output needs an
/// op with grad_from_output whose allows_grad_from_output() is true.
template <template <class> class Op, class T>
CUACT_API void backward(const Op<compute_t<T>>& op, const T* v, const T* dy, T* dx,
                        std::int64_t n, Saved saved, cudaStream_t stream);


}  // namespace cuact

// The named functions, <name>_forward and <name>_backward, written out.
#include <cuact/activation_functions.hpp>
