// The gated entry points' bad-input rules and messages (host/gated.cpp), decided on the host
// before any CUDA call: shapes, layouts, pointers, overlaps and parameters.
#include <cuact/gated.hpp>
#include <cuact/gated_ops.hpp>

#include "tests/support/expect_invalid.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace cuact {
namespace {

class GatedArguments : public ::testing::Test {
 protected:
  static constexpr float kSentinel = 42.0f;
  std::vector<float> in = std::vector<float>(64, 1.0f);
  std::vector<float> dy = std::vector<float>(32, 1.0f);
  std::vector<float> out = std::vector<float>(64, kSentinel);

  void expect_invalid(const std::function<void()>& call, const std::string& message) {
    test::expect_invalid_argument(call, message);
    for (float v : out) {
      ASSERT_EQ(v, kSentinel) << "an output was written";
    }
  }
};

TEST_F(GatedArguments, BadShapesLayoutsPointersAndParametersAreRejectedByName) {
  const Swiglu<float> op;
  expect_invalid(
      [&] { gated_forward(op, GatedLayout::separate, in.data(), out.data(), 2, 4, nullptr); },
      "silu_gated_forward: 'layout' is GatedLayout::separate, which takes gate and up as two "
      "tensors (the gated_forward/gated_backward overloads with gate and up)");
  expect_invalid(
      [&] { gated_forward(op, static_cast<GatedLayout>(7), in.data(), out.data(), 2, 4, nullptr); },
      "silu_gated_forward: 'layout' must be GatedLayout::gate_first, gate_second, interleaved "
      "or separate, got 7");
  expect_invalid(
      [&] { gated_forward(op, GatedLayout::gate_first, in.data(), out.data(), -1, 4, nullptr); },
      "silu_gated_forward: 'rows' and 'hidden' must be >= 0, got -1 and 4");
  expect_invalid(
      [&] {
        gated_forward(op, GatedLayout::gate_first, in.data(), out.data(), std::int64_t{1} << 40,
                      std::int64_t{1} << 40, nullptr);
      },
      "silu_gated_forward: 'rows' x 2 'hidden' = 1099511627776 x 2 x 1099511627776 elements of 4 "
      "bytes overflow a 64-bit byte count");
  expect_invalid(
      [&] {
        gated_forward(op, GatedLayout::interleaved, static_cast<const float*>(nullptr), out.data(),
                      2, 4, nullptr);
      },
      "silu_gated_forward: 'in' is null but n = 8");
  // The output [2, 4] starts inside the packed input [2, 8].
  expect_invalid(
      [&] {
        gated_forward(op, GatedLayout::gate_first, out.data(), out.data() + 4, 2, 4, nullptr);
      },
      "silu_gated_forward: 'out' overlaps 'in' (they must be separate buffers)");
  expect_invalid(
      [&] {
        gated_backward(op, GatedLayout::gate_second, in.data(), dy.data(), in.data() + 1, 2, 4,
                       nullptr);
      },
      "silu_gated_backward: 'din' partially overlaps 'in' (only exactly the same buffer is "
      "allowed in place)");
  expect_invalid(
      [&] {
        gated_backward(op, GatedLayout::interleaved, in.data(), out.data() + 8, out.data(), 2, 4,
                       nullptr);
      },
      "silu_gated_backward: 'din' overlaps 'dy' (they must be separate buffers)");
}

TEST_F(GatedArguments, SeparateTensorsMayBeOverwrittenExactlyButNotShared) {
  const Reglu<float> op;
  const float* gate = in.data();
  const float* up = in.data() + 8;
  expect_invalid(
      [&] { gated_forward(op, gate, up, in.data() + 4, 2, 4, nullptr); },
      "relu_gated_forward: 'out' partially overlaps 'gate' (only exactly the same buffer is "
      "allowed in place)");
  expect_invalid(
      [&] { gated_backward(op, gate, up, dy.data(), out.data(), out.data(), 2, 4, nullptr); },
      "relu_gated_backward: 'dgate' overlaps 'dup' (they must be separate buffers)");
  expect_invalid(
      [&] {
        gated_backward(op, gate, up, dy.data(), out.data(), static_cast<float*>(nullptr), 2, 4,
                       nullptr);
      },
      "relu_gated_backward: 'dup' is null but n = 8");
}

TEST_F(GatedArguments, ParametersFollowTheirRules) {
  expect_invalid(
      [&] {
        gated_forward(ClampedSwiglu<float>{1.702f, 0.0f}, GatedLayout::interleaved, in.data(),
                      out.data(), 2, 4, nullptr);
      },
      "clamped_swiglu_forward: 'limit' must be > 0, got 0");
  expect_invalid(
      [&] {
        gated_backward(ClampedSwiglu<float>{std::numeric_limits<float>::infinity(), 7.0f},
                       in.data(), in.data() + 8, dy.data(), out.data(), out.data() + 8, 2, 4,
                       nullptr);
      },
      "clamped_swiglu_backward: 'alpha' must be finite, got inf");
  expect_invalid(
      [&] {
        gated_forward(Geglu<float>{Gelu<float>{static_cast<GeluApproximate>(3)}},
                      GatedLayout::gate_first, in.data(), out.data(), 2, 4, nullptr);
      },
      "gelu_gated_forward: 'approximate' must be 0 (none) or 1 (tanh), got 3");
  // Nothing to do, but the parameters are still checked.
  expect_invalid(
      [&] {
        gated_forward(Gated<Celu<float>>{Celu<float>{0.0f}}, GatedLayout::gate_first,
                      static_cast<const float*>(nullptr), static_cast<float*>(nullptr), 0, 4,
                      nullptr);
      },
      "celu_gated_forward: 'alpha' must be non-zero");
  EXPECT_NO_THROW(gated_forward(Swiglu<float>{}, GatedLayout::gate_first,
                                static_cast<const float*>(nullptr), static_cast<float*>(nullptr), 0,
                                4, nullptr));
}

}  // namespace
}  // namespace cuact
