// The gated passes' dispatch (launch.hpp's launch_gated): the formula the activation's
// parameters select, and the vector or element path of the layout, templated on how a kernel
// is launched (see prelu_dispatch.hpp), so that the device and the CPU emulation run the same
// code.
#pragma once

#include "cuda/gated_kernels.cuh"
#include "cuda/launch.hpp"
#include "cuda/vector_io.cuh"

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

/// Whether the vector path applies: hidden a whole number of vectors and every pointer (and
/// so every row, whose strides are multiples of hidden) 16-byte aligned.
template <class T>
bool gated_vector_path(const GatedLaunch<T>& p, bool backward) {
  if (p.hidden % kVecElems<T> != 0) {
    return false;
  }
  bool aligned = is_vector_aligned(p.gate) && is_vector_aligned(p.out);
  if (!p.interleaved) {
    aligned = aligned && is_vector_aligned(p.up);
  }
  if (backward) {
    aligned = aligned && is_vector_aligned(p.dy);
    if (!p.interleaved) {
      aligned = aligned && is_vector_aligned(p.out2);
    }
  }
  return aligned;
}

template <class G, class T, bool kBackward, class Launcher>
void dispatch_gated_direction(const Launcher& launcher, const G& op, const GatedLaunch<T>& p) {
  const bool vector = gated_vector_path(p, kBackward);
  if (p.interleaved) {
    return vector ? dispatch_gated_width<G, T, kBackward, true, kVecElems<T>>(launcher, op, p)
                  : dispatch_gated_width<G, T, kBackward, true, 1>(launcher, op, p);
  }
  return vector ? dispatch_gated_width<G, T, kBackward, false, kVecElems<T>>(launcher, op, p)
                : dispatch_gated_width<G, T, kBackward, false, 1>(launcher, op, p);
}

/// launch.hpp's launch_gated, on `launcher`.
template <class G, class T, class Launcher>
void dispatch_gated(const Launcher& launcher, bool backward, const G& op, const GatedLaunch<T>& p) {
  if constexpr (gated_act_has_visit<G>::value) {
    // One kernel per formula the activation's parameters select (gelu: erf or tanh).
    op.act.visit([&](const auto& form) {
      dispatch_gated(launcher, backward, Gated<std::decay_t<decltype(form)>>{form}, p);
    });
  } else if (backward) {
    dispatch_gated_direction<G, T, true>(launcher, op, p);
  } else {
    dispatch_gated_direction<G, T, false>(launcher, op, p);
  }
}

}  // namespace cuact::detail
