// The gated passes' dispatch (launch.hpp's launch_gated): the formula the activation's
// parameters select, and the vector or element path of the layout, templated on how a kernel
// is launched (see channelwise_dispatch.hpp), so that the device and the CPU emulation run the same
// code.
#pragma once

#include "cuda/gated_kernels.cuh"
#include "cuda/launch.hpp"
#include "cuda/template_choice.hpp"
#include "cuda/vector_access.hpp"

#include <cuact/gated_ops.hpp>
#include <cuact/types.hpp>

#include <cstdint>
#include <type_traits>

namespace cuact::detail {

template <class G, class T, bool kBackward, bool kInterleaved, int kVec, class Launcher>
void dispatch_gated_width(const Launcher& launcher, const G& op, const GatedLaunch<T>& p) {
  const std::int64_t vectors = p.rows * p.hidden / kVec;
  launcher.template resident<gated_kernel<G, T, kBackward, kInterleaved, kVec>, kGatedThreads>(
      (vectors + kGatedThreads - 1) / kGatedThreads, op, p);
}

/// Whether the vector path applies: hidden a whole number of vectors and every tensor (and
/// so every row, whose strides are multiples of hidden) 16-byte aligned.
template <class T>
bool gated_vector_path(const GatedLaunch<T>& p, bool backward) {
  const bool planar = !p.interleaved;
  return p.hidden % kVecElems<T> == 0 &&
         vector_access<T>({p.gate, planar ? p.up : nullptr, p.out, backward ? p.dy : nullptr,
                           backward && planar ? p.out2 : nullptr})
             .aligned();
}

/// launch.hpp's launch_gated, on `launcher`.
template <class G, class T, class Launcher>
void dispatch_gated(const Launcher& launcher, bool backward, const G& op, const GatedLaunch<T>& p) {
  if constexpr (gated_act_has_visit<G>::value) {
    // One kernel per formula the activation's parameters select (gelu: erf or tanh).
    op.act.visit([&](const auto& form) {
      dispatch_gated(launcher, backward, Gated<std::decay_t<decltype(form)>>{form}, p);
    });
  } else {
    with_flags(
        [&](auto backward_pass, auto interleaved, auto vectors) {
          dispatch_gated_width<G, T, decltype(backward_pass)::value, decltype(interleaved)::value,
                               decltype(vectors)::value ? kVecElems<T> : 1>(launcher, op, p);
        },
        backward, p.interleaved, gated_vector_path(p, backward));
  }
}

}  // namespace cuact::detail
