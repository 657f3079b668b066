// The math of the gated activations, out = act(gate) * up, written once (as ops.hpp is for
// the unary ones).
//
// A gated functor G<C> (C: float or double) has the unary functor's self-description (name,
// kind = OpKind::gated, accuracy, parameters and check()) and
//
//   C forward(C g, C u)                         out = act(g) * u
//   GatedGrad<C> backward(C g, C u, C dy)       {dg, du} = {dy * u * act'(g), dy * act(g)}
//
// with 16-bit forms chosen by forward_for<T>/backward_for<T> as for the unary ones.
//
// Gated<Op> makes one from any unary activation of the registry: Gated<Silu<float>> is
// SwiGLU, Gated<Gelu<float>> GeGLU (either form), Gated<Relu<float>> ReGLU,
// Gated<Sigmoid<float>> GLU; ClampedSwiglu is the clamped SwiGLU of gpt-oss-style models. The
// structs are usable in your own kernels: include this header from a .cu file.
#pragma once

#include <cuact/math.hpp>
#include <cuact/op_traits.hpp>
#include <cuact/ops.hpp>
#include <cuact/types.hpp>

#include <type_traits>

namespace cuact {

/// The two gradients of a gated activation.
template <class C>
struct GatedGrad {
  C gate;
  C up;
};

/// out = act(g) * u for unary activation Op (in compute type C); dg = act'(g) * (dy * u),
/// du = dy * act(g). act's own branch rules, accuracy and 16-bit forms apply to act(g) and
/// act'(g); then one more rounded product each.
template <class Op>
struct Gated {
  using Act = Op;
  static constexpr OpKind kind = OpKind::gated;
  static constexpr const char* name = Op::name;  // the activation's: "silu" for SwiGLU
  static constexpr Accuracy accuracy = Op::accuracy;

  Op act{};

  template <class Rules>
  void check(Rules& r) const {
    check_params(act, r);
  }

  template <class C>
  CUACT_HOST_DEVICE C forward(C g, C u) const {
    return act.forward(g) * u;
  }
  template <class C>
  CUACT_HOST_DEVICE C forward_16bit(C g, C u) const {
    return forward_for<__half>(act, g) * u;
  }
  template <class C>
  CUACT_HOST_DEVICE GatedGrad<C> backward(C g, C u, C dy) const {
    return {act.grad_from_input(g, dy * u), dy * act.forward(g)};
  }
  template <class C>
  CUACT_HOST_DEVICE GatedGrad<C> backward_16bit(C g, C u, C dy) const {
    return {grad_from_input_for<__half>(act, g, dy * u), dy * forward_for<__half>(act, g)};
  }
};

/// Whether G is Gated<Op> (a unary activation as the gate's), not a gated functor of its own.
template <class G>
struct is_gated_by : std::false_type {};
template <class Op>
struct is_gated_by<Gated<Op>> : std::true_type {};

/// The clamped SwiGLU of gpt-oss: g = min(gate, limit), v = clamp(up, -limit, limit),
/// out = (v + 1) * g * sigma(alpha * g). A clamp passes the gradient only strictly inside its
/// bounds (gate < limit; -limit < up < limit): at the bounds, beyond them and for NaN the
/// gradient through it is 0. That is PyTorch's clamp backward since 2.14 (earlier releases
/// passed the bounds), and so gpt-oss's own code under current PyTorch; TransformerEngine's
/// clamped_swiglu passes the bounds. NaN stays NaN forward. alpha finite, limit finite and
/// > 0 (defaults 1.702 and 7).
template <class C>
struct ClampedSwiglu {
  static constexpr const char* name = "clamped_swiglu";
  static constexpr OpKind kind = OpKind::gated;
  static constexpr Accuracy accuracy{6, 8, 0, 4};  // quick_gelu's, times (v + 1)

  C alpha = C(1.702);
  C limit = C(7);

  template <class Rules>
  void check(Rules& r) const {
    r.finite("alpha", alpha);
    r.finite("limit", limit);
    r.positive("limit", limit);
  }

  // g * sigma(alpha g) and its derivative, as quick_gelu computes them with alpha.
  CUACT_HOST_DEVICE static C glu(C g, detail::SigmoidPair<C> s, C t) { return g * s.of(t); }
  CUACT_HOST_DEVICE C clamp_gate(C g) const { return g > limit ? limit : g; }
  CUACT_HOST_DEVICE C clamp_up(C u) const { return u > limit ? limit : (u < -limit ? -limit : u); }

  CUACT_HOST_DEVICE C forward(C g, C u) const {
    const C gc = clamp_gate(g);
    const C t = alpha * gc;
    return (clamp_up(u) + C(1)) * glu(gc, detail::sigmoid_pair(t), t);
  }
  CUACT_HOST_DEVICE C forward_16bit(C g, C u) const {
    const float gc = clamp_gate(g);
    const float t = alpha * gc;
    return (clamp_up(u) + 1.0f) * glu(gc, detail::sigmoid_pair_16bit(t), t);
  }
  CUACT_HOST_DEVICE GatedGrad<C> backward(C g, C u, C dy) const {
    return backward_with(g, u, dy, [](C t) { return detail::sigmoid_pair(t); });
  }
  CUACT_HOST_DEVICE GatedGrad<C> backward_16bit(C g, C u, C dy) const {
    return backward_with(g, u, dy, [](float t) { return detail::sigmoid_pair_16bit(t); });
  }

 private:
  template <class Sigmoid>
  CUACT_HOST_DEVICE GatedGrad<C> backward_with(C g, C u, C dy, Sigmoid sigmoid) const {
    const C gc = clamp_gate(g);
    const C t = alpha * gc;
    const auto s = sigmoid(t);
    const C v1 = clamp_up(u) + C(1);
    // d/dg [g sigma(alpha g)] = sigma(t) + g alpha sigma(t) sigma(-t), as quick_gelu's.
    const C d = detail::fma_c(gc, alpha * (s.positive * s.negative), s.of(t));
    // Strictly inside only (false for NaN): as torch.clamp's where(x < max, grad, 0).
    const bool gate_passes = g < limit;
    const bool up_passes = u < limit && u > -limit;
    return {gate_passes ? dy * v1 * d : C(0), up_passes ? dy * glu(gc, s, t) : C(0)};
  }
};

/// out for outputs of element type T: the 16-bit form for 16-bit types where the op has one.
template <class T, class G, class C>
CUACT_HOST_DEVICE C gated_forward_for(const G& op, C g, C u) {
  if constexpr (sizeof(T) == 2) {
    return op.forward_16bit(g, u);
  } else {
    return op.forward(g, u);
  }
}

/// {dg, du} for gradients of element type T, likewise.
template <class T, class G, class C>
CUACT_HOST_DEVICE GatedGrad<C> gated_backward_for(const G& op, C g, C u, C dy) {
  if constexpr (sizeof(T) == 2) {
    return op.backward_16bit(g, u, dy);
  } else {
    return op.backward(g, u, dy);
  }
}

}  // namespace cuact
