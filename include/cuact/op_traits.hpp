// What an activation functor (ops.hpp) says about itself, and the generic questions the rest
// of cuact asks it.
//
// A functor is a struct template Op<C> (C: float or double, the compute type) with
//
//   static constexpr const char* name      "leaky_relu": messages, tables, the registry
//   static constexpr OpKind kind           unary: y = f(x); gated: y = act(gate) * up
//   static constexpr Accuracy accuracy     how far a GPU result may be from the CPU's
//   its parameters as named members with PyTorch's defaults, and a constructor (or
//   aggregate initialisation) taking them in the order the registry lists them
//   C forward(C x)
//   C grad_from_input(C x, C dy)           dx = dy * f'(x)
//
// and optionally
//
//   template <class Rules> void check(Rules& r) const
//                                          the parameters' validation: calls r.finite(name,
//                                          value), r.nonzero(...), r.finite_reciprocal(...),
//                                          r.less(name_a, a, name_b, b) for each rule; cuact's
//                                          entry points turn the first broken rule into a
//                                          cuact::invalid_argument. No check(): any value goes.
//   C forward_16bit(C x)                   y = f(x) accurate to what an f16 or bf16 result
//   C grad_from_input_16bit(C x, C dy)     holds (within 1 ulp after rounding), where a
//                                          cheaper formula than forward's exists; kernels
//                                          and the CPU reference use them for 16-bit types
//                                          (forward_for, grad_from_input_for)
//   template <class Fn> decltype(auto) visit(Fn&& fn) const
//                                          for an op whose parameter selects between
//                                          formulas (gelu's approximate): calls fn with the
//                                          functor of the selected one, so that kernels are
//                                          compiled for each form alone
//   C grad_from_output(C y, C dy)          dx = dy * f'(x) from y = f(x); only for ops where
//                                          that is exact. With it:
//   bool allows_grad_from_output() const   whether these parameter values allow it, and
//   static constexpr const char* grad_from_output_rule
//                                          the condition in words ("negative_slope >= 0"),
//                                          when allows_grad_from_output() can be false.
//   bool mask_bit(C x) const               for ops whose gradient is dy times a slope that
//   C grad_from_mask_bit(bool bit, C dy)   depends only on the branch x took (relu,
//                                          leaky_relu, relu6, hardtanh, hardsigmoid): which
//                                          branch (true: the pass-through one), and the
//                                          gradient from that bit alone. grad_from_input(x,
//                                          dy) must be grad_from_mask_bit(mask_bit(x), dy),
//                                          bit for bit: the 1-bit-mask passes (mask.hpp)
//                                          keep mask_bit(x) instead of x.
#pragma once

#include <cuact/types.hpp>

#include <type_traits>

namespace cuact {

/// How many tensors an activation reads.
enum class OpKind {
  unary,  ///< y = f(x)
  gated,  ///< y = act(gate) * up
};

/// How far, in ulp of a float or double result, the GPU may be from the CPU evaluating the
/// same functor: the device math library (expf, expm1f, ...) and the host C library differ
/// slightly. Zero for ops that only use IEEE basic operations (bitwise equal). 16-bit
/// results are allowed min(ulp, 1): the float difference shows only at rounding ties.
/// grad_abs_eps: where a gradient crosses zero its relative error is unbounded, so a
/// gradient may also differ by up to grad_abs_eps * eps(T) * |dy| absolutely (0: never).
struct Accuracy {
  int forward_ulp;
  int grad_from_input_ulp;
  int grad_from_output_ulp;
  int grad_abs_eps = 0;
};

/// Only IEEE basic operations: the GPU and the CPU agree bit for bit.
inline constexpr Accuracy kBitwise{0, 0, 0};

namespace detail {

template <class Op, class = void>
struct has_grad_from_output : std::false_type {};
template <class Op>
struct has_grad_from_output<
    Op, std::void_t<decltype(std::declval<const Op&>().grad_from_output(0.0f, 0.0f))>>
    : std::true_type {};

template <class Op, class = void>
struct has_forward_16bit : std::false_type {};
template <class Op>
struct has_forward_16bit<Op, std::void_t<decltype(std::declval<const Op&>().forward_16bit(0.0f))>>
    : std::true_type {};

template <class Op, class = void>
struct has_grad_from_input_16bit : std::false_type {};
template <class Op>
struct has_grad_from_input_16bit<
    Op, std::void_t<decltype(std::declval<const Op&>().grad_from_input_16bit(0.0f, 0.0f))>>
    : std::true_type {};

template <class Op, class = void>
struct has_output_rule : std::false_type {};
template <class Op>
struct has_output_rule<Op, std::void_t<decltype(Op::grad_from_output_rule)>> : std::true_type {};

struct IgnoreForm {
  template <class Form>
  void operator()(const Form&) const {}
};
template <class Op, class = void>
struct has_visit : std::false_type {};
template <class Op>
struct has_visit<Op, std::void_t<decltype(std::declval<const Op&>().visit(IgnoreForm{}))>>
    : std::true_type {};

template <class Op, class = void>
struct has_mask : std::false_type {};
template <class Op>
struct has_mask<Op, std::void_t<decltype(std::declval<const Op&>().mask_bit(0.0f)),
                                decltype(std::declval<const Op&>().grad_from_mask_bit(true, 0.0f))>>
    : std::true_type {};

template <class Op, class Rules, class = void>
struct has_check : std::false_type {};
template <class Op, class Rules>
struct has_check<Op, Rules,
                 std::void_t<decltype(std::declval<const Op&>().check(std::declval<Rules&>()))>>
    : std::true_type {};

}  // namespace detail

/// Whether Op has a gradient from the output at all (for some parameter values).
template <class Op>
inline constexpr bool has_grad_from_output_v = detail::has_grad_from_output<Op>::value;

/// Whether Op's backward can run from a 1-bit mask of the branch each input took (mask.hpp).
template <class Op>
inline constexpr bool has_mask_v = detail::has_mask<Op>::value;

/// y = f(x) for outputs of element type T: op.forward_16bit where T is a 16-bit type and the
/// op has one, else op.forward. The one place that choice is made, for kernels and the CPU
/// reference alike.
template <class T, class Op, class C>
CUACT_HOST_DEVICE C forward_for(const Op& op, C x) {
  if constexpr (sizeof(T) == 2 && detail::has_forward_16bit<Op>::value) {
    return op.forward_16bit(x);
  } else {
    return op.forward(x);
  }
}

/// dx = dy * f'(x) for gradients of element type T: op.grad_from_input_16bit where T is a
/// 16-bit type and the op has one, else op.grad_from_input.
template <class T, class Op, class C>
CUACT_HOST_DEVICE C grad_from_input_for(const Op& op, C x, C dy) {
  if constexpr (sizeof(T) == 2 && detail::has_grad_from_input_16bit<Op>::value) {
    return op.grad_from_input_16bit(x, dy);
  } else {
    return op.grad_from_input(x, dy);
  }
}

/// Whether the backward pass of `op` may read the forward output instead of the input.
template <class Op>
CUACT_HOST_DEVICE bool allows_grad_from_output(const Op& op) {
  if constexpr (has_grad_from_output_v<Op>) {
    return op.allows_grad_from_output();
  } else {
    return false;
  }
}

/// The condition under which `Op` allows the gradient from the output, in words, or
/// nullptr when it never depends on the parameters.
template <class Op>
constexpr const char* grad_from_output_rule() {
  if constexpr (detail::has_output_rule<Op>::value) {
    return Op::grad_from_output_rule;
  } else {
    return nullptr;
  }
}

/// Runs op's parameter checks against `rules` (nothing when Op has no check()).
template <class Op, class Rules>
void check_params(const Op& op, Rules& rules) {
  if constexpr (detail::has_check<Op, Rules>::value) {
    op.check(rules);
  }
}

}  // namespace cuact
