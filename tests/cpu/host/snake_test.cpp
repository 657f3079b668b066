// Snake and SnakeBeta on the host: every argument rule that is decided before the first CUDA
// call (outputs stay untouched), and the workspace sizes.
#include <cuact/error.hpp>
#include <cuact/snake.hpp>

#include "tests/support/expect_invalid.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace cuact {
namespace {

constexpr float kSentinel = 42.0f;

class SnakeArguments : public ::testing::Test {
 protected:
  static constexpr std::int64_t kN = 24;
  ChannelShape shape{2, 3, 4};
  std::vector<float> x = std::vector<float>(kN, 1.0f);
  std::vector<float> dy = std::vector<float>(kN, 1.0f);
  std::vector<float> alpha = std::vector<float>(3, 1.0f);
  std::vector<float> beta = std::vector<float>(3, 1.0f);
  std::vector<float> out = std::vector<float>(kN, kSentinel);
  std::vector<float> dalpha = std::vector<float>(3, kSentinel);
  std::vector<float> dbeta = std::vector<float>(3, kSentinel);
  std::vector<unsigned char> workspace = std::vector<unsigned char>(1 << 16);
  static constexpr ParamScale kLinear = ParamScale::linear;

  void expect_invalid(const std::function<void()>& call, const std::string& message) {
    test::expect_invalid_argument(call, message);
    for (float v : out) {
      ASSERT_EQ(v, kSentinel) << "dx or y was written";
    }
    for (float v : dalpha) {
      ASSERT_EQ(v, kSentinel) << "dalpha was written";
    }
    for (float v : dbeta) {
      ASSERT_EQ(v, kSentinel) << "dbeta was written";
    }
  }
  void snake_bwd(const float* x_, const float* dy_, const float* alpha_, float* dx_,
                 float* dalpha_, ChannelShape s, void* ws, std::size_t ws_bytes,
                 ParamScale scale = kLinear, GradMode mode = GradMode::overwrite) {
    snake_backward(x_, dy_, alpha_, dx_, dalpha_, s, scale, mode, ws, ws_bytes, nullptr);
  }
  void beta_bwd(const float* x_, const float* dy_, const float* alpha_, const float* beta_,
                float* dx_, float* dalpha_, float* dbeta_, ChannelShape s, void* ws,
                std::size_t ws_bytes) {
    snakebeta_backward(x_, dy_, alpha_, beta_, dx_, dalpha_, dbeta_, s, kLinear,
                       GradMode::overwrite, ws, ws_bytes, nullptr);
  }
};

TEST_F(SnakeArguments, NullPointersAreRejectedByName) {
  expect_invalid(
      [&] { snake_forward<float>(nullptr, alpha.data(), out.data(), shape, kLinear, nullptr); },
      "snake_forward: 'x' is null but n = 24");
  expect_invalid(
      [&] { snake_forward<float>(x.data(), nullptr, out.data(), shape, kLinear, nullptr); },
      "snake_forward: 'alpha' is null but n = 24");
  expect_invalid(
      [&] {
        snakebeta_forward<float>(x.data(), alpha.data(), nullptr, out.data(), shape, kLinear,
                                 nullptr);
      },
      "snakebeta_forward: 'beta' is null but n = 24");
  expect_invalid(
      [&] {
        snakebeta_forward<float>(x.data(), alpha.data(), beta.data(), nullptr, shape, kLinear,
                                 nullptr);
      },
      "snakebeta_forward: 'y' is null but n = 24");
  expect_invalid(
      [&] {
        snake_bwd(x.data(), nullptr, alpha.data(), out.data(), dalpha.data(), shape,
                  workspace.data(), workspace.size());
      },
      "snake_backward: 'dy' is null but n = 24");
  // alpha is needed for dx and for dalpha alike.
  expect_invalid(
      [&] { snake_bwd(x.data(), dy.data(), nullptr, nullptr, dalpha.data(), shape,
                      workspace.data(), workspace.size()); },
      "snake_backward: 'alpha' is null but n = 24");
  expect_invalid(
      [&] { snake_bwd(x.data(), dy.data(), alpha.data(), out.data(), dalpha.data(), shape,
                      nullptr, 0); },
      "snake_backward: 'workspace' is null but dalpha is requested");
  expect_invalid(
      [&] {
        beta_bwd(x.data(), dy.data(), alpha.data(), beta.data(), out.data(), dalpha.data(),
                 dbeta.data(), shape, nullptr, 0);
      },
      "snakebeta_backward: 'workspace' is null but dalpha is requested");
}

TEST_F(SnakeArguments, NothingToComputeAndHalfTheParameterGradientsAreRejected) {
  expect_invalid(
      [&] { snake_bwd(x.data(), dy.data(), alpha.data(), nullptr, nullptr, shape, nullptr, 0); },
      "snake_backward: 'dx' and 'dalpha' are both null: nothing to compute");
  expect_invalid(
      [&] {
        beta_bwd(x.data(), dy.data(), alpha.data(), beta.data(), nullptr, nullptr, nullptr,
                 shape, nullptr, 0);
      },
      "snakebeta_backward: 'dx', 'dalpha' and 'dbeta' are all null: nothing to compute");
  expect_invalid(
      [&] {
        beta_bwd(x.data(), dy.data(), alpha.data(), beta.data(), out.data(), dalpha.data(),
                 nullptr, shape, workspace.data(), workspace.size());
      },
      "snakebeta_backward: 'dalpha' is not null but 'dbeta' is null: the parameter gradients "
      "are computed together (both or neither)");
  expect_invalid(
      [&] {
        beta_bwd(x.data(), dy.data(), alpha.data(), beta.data(), out.data(), nullptr,
                 dbeta.data(), shape, workspace.data(), workspace.size());
      },
      "snakebeta_backward: 'dalpha' is null but 'dbeta' is not null: the parameter gradients "
      "are computed together (both or neither)");
}

TEST_F(SnakeArguments, EmptyShapesAreNoOps) {
  EXPECT_NO_THROW(
      snake_forward<float>(nullptr, nullptr, nullptr, ChannelShape{0, 5, 7}, kLinear, nullptr));
  EXPECT_NO_THROW(snakebeta_backward<float>(nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
                                            nullptr, ChannelShape{4, 5, 0}, kLinear,
                                            GradMode::overwrite, nullptr, 0, nullptr));
  EXPECT_EQ(snake_backward_workspace_size<float>(ChannelShape{0, 3, 3}), 0u);
  EXPECT_EQ(snakebeta_backward_workspace_size<double>(ChannelShape{0, 3, 3}), 0u);
}

TEST_F(SnakeArguments, BadShapesScalesAndModesAreRejected) {
  expect_invalid(
      [&] {
        snake_forward(x.data(), alpha.data(), out.data(), ChannelShape{2, 0, 4}, kLinear,
                      nullptr);
      },
      "snake_forward: 'shape.channels' must be >= 1, got 0");
  const std::int64_t big = std::int64_t(1) << 31;
  expect_invalid(
      [&] {
        snakebeta_forward(x.data(), alpha.data(), beta.data(), out.data(),
                          ChannelShape{big, big, 4}, kLinear, nullptr);
      },
      "snakebeta_forward: 'shape' [2147483648, 2147483648, 4] overflows a 64-bit byte count");
  expect_invalid(
      [&] {
        snake_forward(x.data(), alpha.data(), out.data(), shape, static_cast<ParamScale>(2),
                      nullptr);
      },
      "snake_forward: 'scale' must be ParamScale::linear or ParamScale::log, got 2");
  expect_invalid(
      [&] {
        snake_bwd(x.data(), dy.data(), alpha.data(), out.data(), dalpha.data(), shape,
                  workspace.data(), workspace.size(), kLinear, static_cast<GradMode>(3));
      },
      "snake_backward: 'mode' must be GradMode::overwrite or GradMode::accumulate, got 3");
  EXPECT_THROW(snakebeta_backward_workspace_size<double>(ChannelShape{1, 0, 1}), invalid_argument);
}

TEST_F(SnakeArguments, AWorkspaceBelowTheLowerBoundIsRejected) {
  expect_invalid(
      [&] {
        beta_bwd(x.data(), dy.data(), alpha.data(), beta.data(), out.data(), dalpha.data(),
                 dbeta.data(), shape, workspace.data(), 100);
      },
      "snakebeta_backward: 'workspace_bytes' = 100 is too small: this call needs at least "
      "512 bytes (see snakebeta_backward_workspace_size)");
}

TEST_F(SnakeArguments, OverlapsOtherThanExactInPlaceAreRejected) {
  expect_invalid(
      [&] {
        snake_forward(out.data(), alpha.data(), out.data() + 2, shape, kLinear, nullptr);
      },
      "snake_forward: 'y' partially overlaps 'x' (only exactly the same buffer is allowed in "
      "place)");
  expect_invalid(
      [&] {
        snakebeta_forward(x.data(), alpha.data(), out.data() + 1, out.data(), shape, kLinear,
                          nullptr);
      },
      "snakebeta_forward: 'y' overlaps 'beta' (they must be separate buffers)");
  expect_invalid(
      [&] {
        beta_bwd(x.data(), dy.data(), alpha.data(), dbeta.data(), out.data(), dalpha.data(),
                 dbeta.data(), shape, workspace.data(), workspace.size());
      },
      "snakebeta_backward: 'dbeta' overlaps 'beta' (they must be separate buffers)");
  expect_invalid(
      [&] {
        beta_bwd(x.data(), dy.data(), alpha.data(), beta.data(), out.data(), dalpha.data(),
                 dalpha.data(), shape, workspace.data(), workspace.size());
      },
      "snakebeta_backward: 'dalpha' overlaps 'dbeta' (they must be separate buffers)");
}

TEST(SnakeWorkspace, TwoGradientsNeedMorePartialsThanOneAndAtMostTwice) {
  // A chunked plan (a shared parameter over 2^22 elements): partials per term.
  const ChannelShape s = ChannelShape::shared(std::int64_t(1) << 22);
  const std::size_t one = snake_backward_workspace_size<float>(s);
  const std::size_t two = snakebeta_backward_workspace_size<float>(s);
  EXPECT_GT(one, 0u);
  EXPECT_GT(two, one);
  EXPECT_LE(two, 2 * one);
  // A small tensor's plan is direct, but the call with a workspace still takes the lower
  // bound (so that a size asked once serves every shape up to it).
  EXPECT_EQ(snakebeta_backward_workspace_size<float>(ChannelShape{2, 3, 4}), 512u);
}

}  // namespace
}  // namespace cuact
