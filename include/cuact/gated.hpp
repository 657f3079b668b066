// Gated activations, out = act(gate) * up, forward and backward in one pass each, on device
// memory, in the layouts training code keeps them in.
//
// Layouts (GatedLayout), for `rows` rows of `hidden` outputs:
//
//   gate_first   one tensor [rows, 2*hidden]      row r: | gate[r, 0..H) | up[r, 0..H)   |
//                (TransformerEngine, vLLM)
//   gate_second  one tensor [rows, 2*hidden]      row r: | up[r, 0..H)   | gate[r, 0..H) |
//                (PyTorch's F.glu: its first half is multiplied by sigmoid of the second)
//   interleaved  one tensor [rows, hidden, 2]     row r: g0 u0 g1 u1 ... g(H-1) u(H-1)
//   separate     two tensors gate and up, each [rows, hidden]
//
// The output and dy are [rows, hidden]; the input gradients have the input's layout (din for
// the packed layouts, dgate and dup for separate). The backward reads gate, up and dy once
// and writes both gradients once: 5 * rows * hidden elements moved (the forward 3); the
// gradients may be written over the inputs themselves (din == in, dgate == gate, dup ==
// up, exactly), since the saved inputs are dead after the backward.
//
// Which activation: any unary activation of the registry as Gated<Op>, with its parameters
// (the aliases below name the common ones: Swiglu<float> is Gated<Silu<float>>), or a
// gated functor of the registry (ClampedSwiglu). Everything else is as for the unary entry
// points of activations.hpp: every element type, computed in compute_t<T> and rounded once;
// enqueued on `stream` without synchronizing or allocating (CUDA graph capture works);
// 16-byte vector paths when hidden * sizeof(T) is a multiple of 16 and the pointers are
// 16-byte aligned, a correct element path otherwise; 64-bit counts; a no-op for
// rows * hidden == 0; cuact::invalid_argument for bad arguments (a packed call with
// GatedLayout::separate, null pointers, negative or overflowing shapes, partial overlaps,
// parameters out of range, memory the device cannot use), cuact::cuda_error when CUDA fails.
//
//   cuact::gated_forward(cuact::Swiglu<float>{}, cuact::GatedLayout::gate_first, x, y, rows,
//                        hidden, stream);                  // y = silu(x[:, :H]) * x[:, H:]
//   cuact::gated_backward(cuact::Swiglu<float>{}, cuact::GatedLayout::gate_first, x, dy, x,
//                         rows, hidden, stream);           // dx over x itself
#pragma once

#include <cuact/activations.hpp>
#include <cuact/export.h>
#include <cuact/gated_ops.hpp>
#include <cuact/ops.hpp>
#include <cuact/registry.h>
#include <cuact/types.hpp>

#include <cuda_runtime_api.h>

#include <cstdint>

namespace cuact {

/// Where gate and up are; see the picture above. (The C API's cuact_gated_layout values.)
enum class GatedLayout : int {
  gate_first = 0,
  gate_second = 1,
  interleaved = 2,
  separate = 3,
};

/// The common gated activations by name.
template <class C>
using Glu = Gated<Sigmoid<C>>;
template <class C>
using Reglu = Gated<Relu<C>>;
template <class C>
using Geglu = Gated<Gelu<C>>;  // Geglu<float>{{GeluApproximate::tanh}} for the tanh form
template <class C>
using Swiglu = Gated<Silu<C>>;
template <class C>
using QuickGeglu = Gated<QuickGelu<C>>;

/// Packed layouts (gate_first, gate_second, interleaved): `in` holds rows * 2 * hidden
/// elements. out = act(gate) * up, [rows, hidden]. G: Gated<Op<compute_t<T>>> for a unary
/// activation Op of the registry, or a gated functor of the registry in compute_t<T>.
template <class G, class T>
CUACT_API void gated_forward(const G& op, GatedLayout layout, const T* in, T* out,
                             std::int64_t rows, std::int64_t hidden, cudaStream_t stream);

/// Packed layouts: din (in's layout) = the gradients of gate and up for dy ([rows, hidden]).
/// din may be in itself.
template <class G, class T>
CUACT_API void gated_backward(const G& op, GatedLayout layout, const T* in, const T* dy, T* din,
                              std::int64_t rows, std::int64_t hidden, cudaStream_t stream);

/// GatedLayout::separate: gate and up are two [rows, hidden] tensors. out may be gate or up.
template <class G, class T>
CUACT_API void gated_forward(const G& op, const T* gate, const T* up, T* out, std::int64_t rows,
                             std::int64_t hidden, cudaStream_t stream);

/// GatedLayout::separate: dgate and dup, [rows, hidden] each; dgate may be gate (or up), dup
/// may be up (or gate), never each other.
template <class G, class T>
CUACT_API void gated_backward(const G& op, const T* gate, const T* up, const T* dy, T* dgate,
                              T* dup, std::int64_t rows, std::int64_t hidden, cudaStream_t stream);

/// Any gated activation in compute type C: Gated<Op<C>> for every unary activation of the
/// registry, in registry order, then the gated functors (CUACT_GATED_ACTIVATIONS).
#define CUACT_DETAIL_GATED_BY_ALTERNATIVE(ENUM, value, Functor, name, kind, params, pytorch) \
  , Gated<Functor<C>>
#define CUACT_DETAIL_GATED_ALTERNATIVE(ENUM, value, Functor, name, kind, params, pytorch) \
  , Functor<C>
template <class C>
using AnyGatedActivation = typename detail::variant_of_rest<
    void CUACT_ACTIVATIONS(CUACT_DETAIL_GATED_BY_ALTERNATIVE)
        CUACT_GATED_ACTIVATIONS(CUACT_DETAIL_GATED_ALTERNATIVE)>::type;
#undef CUACT_DETAIL_GATED_ALTERNATIVE
#undef CUACT_DETAIL_GATED_BY_ALTERNATIVE

/// A gated activation layer for element type T and one layout: it holds the activation,
/// remembers the inputs of its last forward for the backward (pointers, not copies: they
/// must stay alive and unchanged until then), belongs to the device current when it was
/// made, and runs on the caller's streams, inside CUDA graphs too.
///
///   cuact::GatedActivationLayer<__nv_bfloat16> act(cuact::Swiglu<float>{},
///                                                   cuact::GatedLayout::gate_first);
///   act.forward(h, y, rows, hidden, stream);     // h: [rows, 2*hidden]
///   ...
///   act.backward(dy, h, stream);                 // dh over h itself (h is dead after)
template <class T>
class CUACT_API GatedActivationLayer {
 public:
  using param_t = compute_t<T>;

  /// op: Gated<Op<param_t>> (Swiglu<float>{}, Geglu<float>{...}, ...) or a gated functor
  /// (ClampedSwiglu<float>{1.702f, 7}). Checks op's parameters and the layout (throws
  /// cuact::invalid_argument naming "GatedActivationLayer").
  template <class G>
  GatedActivationLayer(const G& op, GatedLayout layout)
      : GatedActivationLayer(AnyGatedActivation<param_t>(op), layout, 0) {}

  /// Packed layouts: out = act(gate) * up from `in` ([rows, 2*hidden] or [rows, hidden, 2]);
  /// keeps in, rows and hidden.
  void forward(const T* in, T* out, std::int64_t rows, std::int64_t hidden,
               cudaStream_t stream);
  /// GatedLayout::separate: from gate and up; keeps them.
  void forward(const T* gate, const T* up, T* out, std::int64_t rows, std::int64_t hidden,
               cudaStream_t stream);
  /// Packed layouts: din (the input's layout) from the kept input and dy [rows, hidden];
  /// din may be the kept input itself.
  void backward(const T* dy, T* din, cudaStream_t stream) const;
  /// GatedLayout::separate: dgate and dup from the kept gate and up; each may be its input.
  void backward(const T* dy, T* dgate, T* dup, cudaStream_t stream) const;

  GatedLayout layout() const noexcept { return layout_; }
  const AnyGatedActivation<param_t>& functor() const noexcept { return op_; }
  int device() const noexcept { return device_; }

 private:
  GatedActivationLayer(AnyGatedActivation<param_t> op, GatedLayout layout, int);
  void expect_layout(const char* fn, bool separate) const;

  AnyGatedActivation<param_t> op_;
  GatedLayout layout_;
  int device_ = 0;
  const T* kept_gate_ = nullptr;  // the packed input, or the gate
  const T* kept_up_ = nullptr;
  std::int64_t rows_ = -1;  // -1: no forward yet
  std::int64_t hidden_ = 0;
};

}  // namespace cuact
