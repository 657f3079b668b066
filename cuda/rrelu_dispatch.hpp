// RReLU's training passes' dispatch (launch.hpp's launch_rrelu): the elementwise dispatch
// with RReLU's indexed adapter (rrelu_adapter.cuh), templated on how a kernel is launched
// (see channelwise_dispatch.hpp), so that the device and the CPU emulation run the same code.
#pragma once

#include "cuda/elementwise_dispatch.hpp"
#include "cuda/rrelu_adapter.cuh"
#include "cuda/template_choice.hpp"

#include <cuact/rrelu.hpp>
#include <cuact/types.hpp>

#include <cstdint>

namespace cuact::detail {

/// The forward (v = x) or the backward (v = x or y, and dy) over n > 0 elements.
template <class T, class Launcher>
void dispatch_rrelu(const Launcher& launcher, bool backward, const RRelu<compute_t<T>>& op,
                    const RReluKey& key, const RReluKey* key_device, std::uint64_t offset_delta,
                    const T* v, const T* dy, T* out, std::int64_t n) {
  with_flags(
      [&](auto backward_pass) {
        constexpr bool kBackward = decltype(backward_pass)::value;
        const RReluTraining<T, kBackward> f{op, key, key_device, offset_delta};
        if constexpr (kBackward) {
          dispatch_elementwise<RReluTraining<T, true>, T, 2>(launcher, f, {v, dy}, out, n);
        } else {
          dispatch_elementwise<RReluTraining<T, false>, T, 1>(launcher, f, {v}, out, n);
        }
      },
      backward);
}

}  // namespace cuact::detail
