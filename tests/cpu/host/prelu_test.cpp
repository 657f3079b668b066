// PReLU on the host: shape helpers, the CPU reference of the alpha gradient, and every
// argument rule that is decided before the first CUDA call (outputs stay untouched).
#include <cuact/error.hpp>
#include <cuact/prelu.hpp>

#include "tests/support/reference.hpp"

#include "tests/support/expect_invalid.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace cuact {
namespace {

TEST(PreluShape, HelpersDescribeEachLayoutAsOuterChannelsInner) {
  const auto nchw = PreluShape::nchw(2, 3, 4, 5);
  EXPECT_EQ(nchw.outer, 2);
  EXPECT_EQ(nchw.channels, 3);
  EXPECT_EQ(nchw.inner, 20);
  const auto nhwc = PreluShape::nhwc(2, 4, 5, 3);
  EXPECT_EQ(nhwc.outer, 40);
  EXPECT_EQ(nhwc.channels, 3);
  EXPECT_EQ(nhwc.inner, 1);
  const auto matrix = PreluShape::matrix(7, 9);
  EXPECT_EQ(matrix.outer, 7);
  EXPECT_EQ(matrix.channels, 9);
  EXPECT_EQ(matrix.inner, 1);
  const auto shared = PreluShape::shared(11);
  EXPECT_EQ(shared.numel(), 11);
  EXPECT_EQ(shared.channels, 1);
  EXPECT_EQ(nchw.numel(), 120);
}

TEST(PreluShape, HelpersRejectOverflowingAndNegativeDimensions) {
  const std::int64_t big = std::int64_t(1) << 40;
  EXPECT_THROW(PreluShape::nchw(1, 1, big, big), invalid_argument);
  EXPECT_THROW(PreluShape::nhwc(big, big, 1, 1), invalid_argument);
  EXPECT_THROW(PreluShape::nchw(1, 1, -2, 3), invalid_argument);
}

TEST(PreluReference, ComputesDxAndTheAlphaGradientPerChannelForNchwAndNhwc) {
  // [outer = 2, channels = 2, inner = 2]: channel of element i is (i / 2) % 2.
  const std::vector<float> x = {-1, 2, -3, 4, 5, -6, 0, -8};
  const std::vector<float> dy = {1, 1, 2, 2, 3, 3, 4, 4};
  const std::vector<float> alpha = {0.5f, -0.25f};
  std::vector<float> dx(8);
  const auto g =
      reference::prelu_backward(x.data(), dy.data(), alpha.data(), dx.data(), PreluShape{2, 2, 2});
  // Channel 0: elements 0, 1, 4, 5 -> x <= 0 at 0 (-1*1) and 5 (-6*3).
  EXPECT_DOUBLE_EQ(g.sum[0], -1.0 - 18.0);
  EXPECT_DOUBLE_EQ(g.abs_sum[0], 19.0);
  // Channel 1: elements 2, 3, 6, 7 -> -3*2, 0*4 (x == 0 counts, adds 0), -8*4.
  EXPECT_DOUBLE_EQ(g.sum[1], -6.0 - 32.0);
  const std::vector<float> expected_dx = {0.5f, 1, -0.5f, 2, 3, 1.5f, -1, -1};
  EXPECT_EQ(dx, expected_dx);

  // The same values as NHWC [outer = 4, channels = 2, inner = 1]: channel = i % 2.
  const auto h = reference::prelu_backward<float>(x.data(), dy.data(), alpha.data(), nullptr,
                                                  PreluShape::matrix(4, 2));
  EXPECT_DOUBLE_EQ(h.sum[0], -1.0 - 6.0 + 0.0);  // elements 0, 2, 4, 6
  EXPECT_DOUBLE_EQ(h.sum[1], -18.0 - 32.0);      // elements 1, 3, 5, 7
}

TEST(PreluReference, ForwardAppliesEachChannelsAlpha) {
  const std::vector<double> x = {-2, -2, -2, 3};
  const std::vector<double> alpha = {0.1, 0.2};
  std::vector<double> y(4);
  reference::prelu_forward(x.data(), alpha.data(), y.data(), PreluShape{1, 2, 2});
  EXPECT_EQ(y, (std::vector<double>{-0.2, -0.2, -0.4, 3}));
}

constexpr float kSentinel = 42.0f;

class PreluArguments : public ::testing::Test {
 protected:
  static constexpr std::int64_t kN = 24;
  PreluShape shape{2, 3, 4};
  std::vector<float> x = std::vector<float>(kN, 1.0f);
  std::vector<float> dy = std::vector<float>(kN, 1.0f);
  std::vector<float> alpha = std::vector<float>(3, 0.25f);
  std::vector<float> out = std::vector<float>(kN, kSentinel);
  std::vector<float> dalpha = std::vector<float>(3, kSentinel);
  std::vector<unsigned char> workspace = std::vector<unsigned char>(1 << 16);

  void expect_invalid(const std::function<void()>& call, const std::string& message) {
    test::expect_invalid_argument(call, message);
    for (float v : out) {
      ASSERT_EQ(v, kSentinel) << "dx or y was written";
    }
    for (float v : dalpha) {
      ASSERT_EQ(v, kSentinel) << "dalpha was written";
    }
  }

  void backward(const float* x_, const float* dy_, const float* alpha_, float* dx_, float* dalpha_,
                PreluShape s, void* ws, std::size_t ws_bytes) {
    prelu_backward(x_, dy_, alpha_, dx_, dalpha_, s, GradMode::overwrite, ws, ws_bytes, nullptr);
  }
};

TEST_F(PreluArguments, NullPointersAreRejectedByName) {
  expect_invalid([&] { prelu_forward<float>(nullptr, alpha.data(), out.data(), shape, nullptr); },
                 "prelu_forward: 'x' is null but n = 24");
  expect_invalid([&] { prelu_forward<float>(x.data(), nullptr, out.data(), shape, nullptr); },
                 "prelu_forward: 'alpha' is null but n = 24");
  expect_invalid([&] { prelu_forward<float>(x.data(), alpha.data(), nullptr, shape, nullptr); },
                 "prelu_forward: 'y' is null but n = 24");
  expect_invalid(
      [&] {
        backward(x.data(), nullptr, alpha.data(), out.data(), dalpha.data(), shape,
                 workspace.data(), workspace.size());
      },
      "prelu_backward: 'dy' is null but n = 24");
  expect_invalid(
      [&] { backward(x.data(), dy.data(), nullptr, out.data(), nullptr, shape, nullptr, 0); },
      "prelu_backward: 'alpha' is null but n = 24");
  expect_invalid(
      [&] {
        backward(x.data(), dy.data(), alpha.data(), nullptr, dalpha.data(), shape, nullptr, 0);
      },
      "prelu_backward: 'workspace' is null but dalpha is requested");
}

TEST_F(PreluArguments, EmptyShapesAndNoRequestedOutputAreNoOps) {
  EXPECT_NO_THROW(prelu_forward<float>(nullptr, nullptr, nullptr, PreluShape{0, 5, 7}, nullptr));
  EXPECT_NO_THROW(
      backward(nullptr, nullptr, nullptr, nullptr, nullptr, PreluShape{4, 5, 0}, nullptr, 0));
  // Neither dx nor dalpha asked for: nothing to do, whatever the inputs.
  EXPECT_NO_THROW(backward(nullptr, nullptr, nullptr, nullptr, nullptr, shape, nullptr, 0));
  EXPECT_EQ(prelu_backward_workspace_size<float>(PreluShape{0, 3, 3}), 0u);
}

TEST_F(PreluArguments, BadShapesAreRejected) {
  expect_invalid(
      [&] {
        prelu_forward(x.data(), alpha.data(), out.data(), PreluShape{2, 0, 4}, nullptr);
      },
      "prelu_forward: 'shape.channels' must be >= 1, got 0");
  expect_invalid(
      [&] {
        backward(x.data(), dy.data(), alpha.data(), out.data(), dalpha.data(), PreluShape{-1, 3, 4},
                 workspace.data(), workspace.size());
      },
      "prelu_backward: 'shape.outer' and 'shape.inner' must be >= 0, got -1 and 4");
  const std::int64_t big = std::int64_t(1) << 31;
  expect_invalid(
      [&] {
        prelu_forward(x.data(), alpha.data(), out.data(), PreluShape{big, big, 4}, nullptr);
      },
      "prelu_forward: 'shape' [2147483648, 2147483648, 4] overflows a 64-bit byte count");
  EXPECT_THROW(prelu_backward_workspace_size<double>(PreluShape{1, 0, 1}), invalid_argument);
}

TEST_F(PreluArguments, AnUnknownGradModeIsRejected) {
  expect_invalid(
      [&] {
        prelu_backward(x.data(), dy.data(), alpha.data(), out.data(), dalpha.data(), shape,
                       static_cast<GradMode>(3), workspace.data(), workspace.size(), nullptr);
      },
      "prelu_backward: 'mode' must be GradMode::overwrite or GradMode::accumulate, got 3");
}

TEST_F(PreluArguments, AWorkspaceBelowTheLowerBoundIsRejectedBeforeTouchingTheGpu) {
  expect_invalid(
      [&] {
        backward(x.data(), dy.data(), alpha.data(), out.data(), dalpha.data(), shape,
                 workspace.data(), 100);
      },
      "prelu_backward: 'workspace_bytes' = 100 is too small: this call needs at least 512 "
      "bytes (see prelu_backward_workspace_size)");
}

TEST_F(PreluArguments, OverlapsOtherThanExactInPlaceAreRejected) {
  expect_invalid(
      [&] { prelu_forward(out.data(), alpha.data(), out.data() + 2, shape, nullptr); },
      "prelu_forward: 'y' partially overlaps 'x' (only exactly the same buffer is allowed in "
      "place)");
  expect_invalid([&] { prelu_forward(x.data(), out.data() + 1, out.data(), shape, nullptr); },
                 "prelu_forward: 'y' overlaps 'alpha' (they must be separate buffers)");
  expect_invalid(
      [&] {
        backward(x.data(), out.data() + 5, alpha.data(), out.data(), nullptr, shape, nullptr, 0);
      },
      "prelu_backward: 'dx' partially overlaps 'dy' (only exactly the same buffer is allowed "
      "in place)");
  expect_invalid(
      [&] {
        backward(x.data(), dy.data(), dalpha.data(), out.data(), dalpha.data(), shape,
                 workspace.data(), workspace.size());
      },
      "prelu_backward: 'dalpha' overlaps 'alpha' (they must be separate buffers)");
  expect_invalid(
      [&] {
        backward(x.data(), dy.data(), alpha.data(), out.data(), dalpha.data(), shape, out.data(),
                 64);
      },
      "prelu_backward: 'workspace_bytes' = 64 is too small: this call needs at least 512 "
      "bytes (see prelu_backward_workspace_size)");
  std::vector<unsigned char> big_out(4096);
  expect_invalid(
      [&] {
        backward(x.data(), dy.data(), alpha.data(), reinterpret_cast<float*>(big_out.data()),
                 dalpha.data(), shape, big_out.data() + 8, 1024);
      },
      "prelu_backward: 'workspace' overlaps 'dx' (they must be separate buffers)");
}

}  // namespace
}  // namespace cuact
