// What a channelwise emulation test's cases exercise (the kernels and their vector and
// element paths, direct and chunked plans, the finish by warps and by blocks), so that a
// change of plans or routes that leaves one out fails the test instead of going untested.
// Shared by the PReLU, bias and Snake emulation tests.
#pragma once

#include "cuda/channelwise_dispatch.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>

namespace cuact::emulation {

struct ChannelwiseCoverage {
  bool route[3][2] = {};  // [ChannelwiseKernel][vector]
  bool direct = false;
  bool chunked = false;
  bool warp_finish = false;
  bool block_finish = false;

  /// A call of T planned by `plan` with x and dy at offset ox (elements past a 16-byte
  /// boundary) and the outputs at oo.
  template <class T>
  void add(const detail::ChannelwisePlan& plan, std::int64_t ox, std::int64_t oo) {
    using namespace detail;
    const std::size_t mx = static_cast<std::size_t>(ox) * sizeof(T) % 16;
    const std::size_t mo = static_cast<std::size_t>(oo) * sizeof(T) % 16;
    const ChannelwiseRoute r =
        channelwise_route(plan, mx == mo, static_cast<std::int64_t>(mx / sizeof(T)), kVecElems<T>);
    route[static_cast<int>(r.kernel)][r.vector ? 1 : 0] = true;
    (plan.direct ? direct : chunked) = true;
    if (!plan.direct) {
      (partials_layout(plan, r).per_channel() <= kChannelGradsWarpPartials ? warp_finish
                                                                           : block_finish) = true;
    }
  }
  void expect_all() const {
    using detail::ChannelwiseKernel;
    for (int k = 0; k < 3; ++k) {
      for (int v = 0; v < 2; ++v) {
        // The masked tiles exist only as a vector path.
        if (k != static_cast<int>(ChannelwiseKernel::channel_tiles_masked) || v == 1) {
          EXPECT_TRUE(route[k][v]) << "kernel " << k << (v ? " vector" : " element")
                                   << " path not exercised";
        }
      }
    }
    EXPECT_TRUE(direct) << "no direct plan";
    EXPECT_TRUE(chunked) << "no chunked plan";
    EXPECT_TRUE(warp_finish) << "no finish by warps";
    EXPECT_TRUE(block_finish) << "no finish by blocks";
  }
};

}  // namespace cuact::emulation
