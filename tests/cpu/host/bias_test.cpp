// Bias + activation on the host: every argument rule decided before the first CUDA call
// (outputs stay untouched), the named messages, and the workspace size's contract.
#include <cuact/bias.hpp>
#include <cuact/error.hpp>
#include <cuact/prelu.hpp>

#include "tests/support/expect_invalid.hpp"

#include <gtest/gtest.h>

#include <cuda_bf16.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace cuact {
namespace {

constexpr float kSentinel = 42.0f;

class BiasArguments : public ::testing::Test {
 protected:
  static constexpr std::int64_t kN = 24;
  ChannelShape shape{2, 3, 4};
  std::vector<float> x = std::vector<float>(kN, 1.0f);
  std::vector<float> dy = std::vector<float>(kN, 1.0f);
  std::vector<float> bias = std::vector<float>(3, 0.25f);
  std::vector<float> out = std::vector<float>(kN, kSentinel);
  std::vector<float> dbias = std::vector<float>(3, kSentinel);
  std::vector<unsigned char> workspace = std::vector<unsigned char>(1 << 16);

  void expect_invalid(const std::function<void()>& call, const std::string& message) {
    test::expect_invalid_argument(call, message);
    for (float v : out) {
      ASSERT_EQ(v, kSentinel) << "dx or y was written";
    }
    for (float v : dbias) {
      ASSERT_EQ(v, kSentinel) << "dbias was written";
    }
  }

  template <class Op>
  void backward(const Op& op, const float* v, const float* dy_, const float* bias_, float* dx,
                float* dbias_, float* y, Saved saved, void* ws, std::size_t ws_bytes,
                ChannelShape s) {
    bias_backward(op, v, dy_, bias_, dx, dbias_, y, s, saved, GradMode::overwrite, ws, ws_bytes,
                  nullptr);
  }
  void backward(const float* v, const float* dy_, const float* bias_, float* dx, float* dbias_,
                float* y, Saved saved = Saved::input) {
    backward(Relu<float>{}, v, dy_, bias_, dx, dbias_, y, saved, workspace.data(),
             workspace.size(), shape);
  }
};

TEST_F(BiasArguments, NullPointersAreRejectedByTheActivationsName) {
  expect_invalid([&] { bias_forward<Relu, float>(Relu<float>{}, nullptr, bias.data(), out.data(),
                                                 shape, nullptr); },
                 "relu_bias_forward: 'x' is null but n = 24");
  expect_invalid([&] { bias_forward(Gelu<float>{}, x.data(), nullptr, out.data(), shape,
                                    nullptr); },
                 "gelu_bias_forward: 'bias' is null but n = 24");
  expect_invalid([&] { bias_forward(Silu<float>{}, x.data(), bias.data(), nullptr, shape,
                                    nullptr); },
                 "silu_bias_forward: 'y' is null but n = 24");
  expect_invalid([&] { backward(nullptr, dy.data(), bias.data(), out.data(), nullptr, nullptr); },
                 "relu_bias_backward: 'v' is null but n = 24");
  expect_invalid([&] { backward(x.data(), nullptr, bias.data(), out.data(), nullptr, nullptr); },
                 "relu_bias_backward: 'dy' is null but n = 24");
  // From the input, x + b needs the bias.
  expect_invalid([&] { backward(x.data(), dy.data(), nullptr, out.data(), nullptr, nullptr); },
                 "relu_bias_backward: 'bias' is null but n = 24");
  expect_invalid(
      [&] {
        backward(Relu<float>{}, x.data(), dy.data(), bias.data(), nullptr, dbias.data(), nullptr,
                 Saved::input, nullptr, 0, shape);
      },
      "relu_bias_backward: 'workspace' is null but dbias is requested");
}

TEST_F(BiasArguments, ABackwardThatComputesNothingIsRejected) {
  expect_invalid([&] { backward(x.data(), dy.data(), bias.data(), nullptr, nullptr, nullptr); },
                 "relu_bias_backward: 'dx', 'dbias' and 'y' are all null: nothing to compute");
}

TEST_F(BiasArguments, EmptyShapesAreNoOps) {
  const ChannelShape empty{0, 3, 4};
  const auto forward_empty = [&] {
    bias_forward<Relu, float>(Relu<float>{}, nullptr, nullptr, nullptr, empty, nullptr);
  };
  EXPECT_NO_THROW(forward_empty());
  EXPECT_NO_THROW(backward(Relu<float>{}, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
                           Saved::input, nullptr, 0, empty));
  EXPECT_EQ(bias_backward_workspace_size<float>(empty), 0u);
}

TEST_F(BiasArguments, SavedOutputRulesFollowTheActivation) {
  // y is the saved tensor from the output: there is nothing to recompute.
  expect_invalid(
      [&] {
        backward(x.data(), dy.data(), nullptr, out.data(), nullptr, out.data() + 12,
                 Saved::output);
      },
      "relu_bias_backward: 'y' is not null but saved is Saved::output: y is the saved tensor, "
      "nothing to recompute");
  expect_invalid(
      [&] {
        backward(Gelu<float>{}, x.data(), dy.data(), bias.data(), out.data(), nullptr, nullptr,
                 Saved::output, nullptr, 0, shape);
      },
      "gelu_bias_backward: 'saved' is Saved::output, but gelu's gradient needs the input "
      "(Saved::input)");
  expect_invalid(
      [&] {
        backward(LeakyRelu<float>{-0.1f}, x.data(), dy.data(), bias.data(), out.data(), nullptr,
                 nullptr, Saved::output, nullptr, 0, shape);
      },
      "leaky_relu_bias_backward: 'saved' is Saved::output, which needs negative_slope >= 0 "
      "(got -0.1)");
}

TEST_F(BiasArguments, TheActivationsParametersAreChecked) {
  expect_invalid([&] { bias_forward(Celu<float>{0.0f}, x.data(), bias.data(), out.data(), shape,
                                    nullptr); },
                 "celu_bias_forward: 'alpha' must be non-zero");
  expect_invalid(
      [&] {
        backward(Gelu<float>{static_cast<GeluApproximate>(2)}, x.data(), dy.data(), bias.data(),
                 out.data(), nullptr, nullptr, Saved::input, nullptr, 0, shape);
      },
      "gelu_bias_backward: 'approximate' must be 0 (none) or 1 (tanh), got 2");
}

TEST_F(BiasArguments, BadShapesAndModesAreRejected) {
  expect_invalid(
      [&] { bias_forward(Relu<float>{}, x.data(), bias.data(), out.data(), ChannelShape{2, 0, 4},
                         nullptr); },
      "relu_bias_forward: 'shape.channels' must be >= 1, got 0");
  expect_invalid(
      [&] {
        backward(Relu<float>{}, x.data(), dy.data(), bias.data(), out.data(), nullptr, nullptr,
                 Saved::input, nullptr, 0, ChannelShape{-1, 3, 4});
      },
      "relu_bias_backward: 'shape.outer' and 'shape.inner' must be >= 0, got -1 and 4");
  const std::int64_t big = std::int64_t(1) << 31;
  expect_invalid(
      [&] { bias_forward(Relu<float>{}, x.data(), bias.data(), out.data(),
                         ChannelShape{big, big, 4}, nullptr); },
      "relu_bias_forward: 'shape' [2147483648, 2147483648, 4] overflows a 64-bit byte count");
  expect_invalid(
      [&] {
        bias_backward(Relu<float>{}, x.data(), dy.data(), bias.data(), out.data(), dbias.data(),
                      nullptr, shape, Saved::input, static_cast<GradMode>(3), workspace.data(),
                      workspace.size(), nullptr);
      },
      "relu_bias_backward: 'mode' must be GradMode::overwrite or GradMode::accumulate, got 3");
  EXPECT_THROW(bias_backward_workspace_size<double>(ChannelShape{1, 0, 1}), invalid_argument);
}

TEST_F(BiasArguments, AWorkspaceBelowTheExactSizeIsRejectedBeforeTouchingTheGpu) {
  const std::size_t needed = bias_backward_workspace_size<float>(shape);
  ASSERT_GT(needed, 0u);
  expect_invalid(
      [&] {
        backward(Relu<float>{}, x.data(), dy.data(), bias.data(), out.data(), dbias.data(),
                 nullptr, Saved::input, workspace.data(), needed - 1, shape);
      },
      "relu_bias_backward: 'workspace_bytes' = " + std::to_string(needed - 1) +
          " is too small: this call needs at least " + std::to_string(needed) +
          " bytes (see bias_backward_workspace_size)");
}

TEST_F(BiasArguments, OverlapsOtherThanExactInPlaceAreRejected) {
  expect_invalid(
      [&] { bias_forward(Relu<float>{}, out.data(), bias.data(), out.data() + 2, shape,
                         nullptr); },
      "relu_bias_forward: 'y' partially overlaps 'x' (only exactly the same buffer is allowed in "
      "place)");
  expect_invalid(
      [&] { bias_forward(Relu<float>{}, x.data(), out.data() + 1, out.data(), shape, nullptr); },
      "relu_bias_forward: 'y' overlaps 'bias' (they must be separate buffers)");
  expect_invalid(
      [&] { backward(x.data(), out.data() + 5, bias.data(), out.data(), nullptr, nullptr); },
      "relu_bias_backward: 'dx' partially overlaps 'dy' (only exactly the same buffer is allowed "
      "in place)");
  expect_invalid(
      [&] { backward(x.data(), dy.data(), dbias.data(), out.data(), dbias.data(), nullptr); },
      "relu_bias_backward: 'dbias' overlaps 'bias' (they must be separate buffers)");
  // dx and y are both outputs: they must be apart even though each may sit on v.
  expect_invalid([&] { backward(x.data(), dy.data(), bias.data(), out.data(), nullptr,
                                out.data()); },
                 "relu_bias_backward: 'dx' overlaps 'y' (they must be separate buffers)");
  std::vector<unsigned char> big_out(4096);
  expect_invalid(
      [&] {
        backward(Relu<float>{}, x.data(), dy.data(), bias.data(),
                 reinterpret_cast<float*>(big_out.data()), dbias.data(), nullptr, Saved::input,
                 big_out.data() + 8, 1024, shape);
      },
      "relu_bias_backward: 'workspace' overlaps 'dx' (they must be separate buffers)");
}

TEST(BiasWorkspaceSize, IsAFunctionOfTheShapeAndTypeAloneAndMatchesPrelus) {
  // The same partition as PReLU's alpha gradient (one term per channel, as dalpha), and
  // independent of the device: it is asked for with no GPU here.
  for (const ChannelShape s : {ChannelShape::matrix(4096, 96), ChannelShape::nchw(4, 3, 130, 130),
                               ChannelShape::shared(300001), ChannelShape::nhwc(2, 7, 7, 5)}) {
    EXPECT_EQ(bias_backward_workspace_size<float>(s), prelu_backward_workspace_size<float>(s));
    EXPECT_EQ(bias_backward_workspace_size<__nv_bfloat16>(s),
              prelu_backward_workspace_size<__nv_bfloat16>(s));
    EXPECT_EQ(bias_backward_workspace_size<double>(s), prelu_backward_workspace_size<double>(s));
    EXPECT_GT(bias_backward_workspace_size<float>(s), 0u);
  }
}

TEST_F(BiasArguments, TheNamedFunctionsPassTheirParametersInRegistryOrder) {
  expect_invalid([&] { celu_bias_forward(x.data(), bias.data(), out.data(), shape, 0.0f,
                                         nullptr); },
                 "celu_bias_forward: 'alpha' must be non-zero");
  expect_invalid(
      [&] {
        gelu_bias_backward(x.data(), dy.data(), bias.data(), out.data(), dbias.data(), nullptr,
                           shape, static_cast<GeluApproximate>(2), Saved::input,
                           GradMode::overwrite, workspace.data(), workspace.size(), nullptr);
      },
      "gelu_bias_backward: 'approximate' must be 0 (none) or 1 (tanh), got 2");
  expect_invalid(
      [&] {
        leaky_relu_bias_backward(x.data(), dy.data(), bias.data(), out.data(), nullptr, nullptr,
                                 shape, -0.5f, Saved::output, GradMode::overwrite, nullptr);
      },
      "leaky_relu_bias_backward: 'saved' is Saved::output, which needs negative_slope >= 0 "
      "(got -0.5)");
  expect_invalid([&] { relu_bias_forward<float>(nullptr, bias.data(), out.data(), shape,
                                                nullptr); },
                 "relu_bias_forward: 'x' is null but n = 24");
}

TEST_F(BiasArguments, TheBiasAloneChecksItsArgumentsUnderItsOwnNames) {
  expect_invalid([&] { bias_add<float>(nullptr, bias.data(), out.data(), shape, nullptr); },
                 "bias_add: 'x' is null but n = 24");
  expect_invalid([&] { bias_add(x.data(), nullptr, out.data(), shape, nullptr); },
                 "bias_add: 'bias' is null but n = 24");
  expect_invalid([&] { bias_add(out.data(), bias.data(), out.data() + 2, shape, nullptr); },
                 "bias_add: 'y' partially overlaps 'x' (only exactly the same buffer is allowed "
                 "in place)");
  expect_invalid([&] { bias_add(x.data(), bias.data(), out.data(), ChannelShape{2, 0, 4},
                                nullptr); },
                 "bias_add: 'shape.channels' must be >= 1, got 0");
  const std::size_t needed = bias_backward_workspace_size<float>(shape);
  const auto grad = [&](const float* dy_, float* dbias_, void* ws, std::size_t bytes,
                        GradMode mode = GradMode::overwrite) {
    bias_grad(dy_, dbias_, shape, mode, ws, bytes, nullptr);
  };
  expect_invalid([&] { grad(nullptr, dbias.data(), workspace.data(), needed); },
                 "bias_grad: 'dy' is null but n = 24");
  expect_invalid([&] { grad(dy.data(), nullptr, workspace.data(), needed); },
                 "bias_grad: 'dbias' is null: nothing to compute");
  expect_invalid([&] { grad(dy.data(), dbias.data(), nullptr, 0); },
                 "bias_grad: 'workspace' is null but dbias is requested");
  expect_invalid([&] { grad(dy.data(), dbias.data(), workspace.data(), needed - 1); },
                 "bias_grad: 'workspace_bytes' = " + std::to_string(needed - 1) +
                     " is too small: this call needs at least " + std::to_string(needed) +
                     " bytes (see bias_backward_workspace_size)");
  expect_invalid([&] { grad(dy.data(), dbias.data(), workspace.data(), needed,
                            static_cast<GradMode>(2)); },
                 "bias_grad: 'mode' must be GradMode::overwrite or GradMode::accumulate, got 2");
  expect_invalid([&] { grad(dy.data(), dy.data() + 4, workspace.data(), needed); },
                 "bias_grad: 'dbias' overlaps 'dy' (they must be separate buffers)");
  expect_invalid(
      [&] { grad(dy.data(), dbias.data(), reinterpret_cast<unsigned char*>(dy.data()), needed); },
      "bias_grad: 'workspace' overlaps 'dy' (they must be separate buffers)");
  // Empty shapes are no-ops, null pointers and all.
  EXPECT_NO_THROW(bias_add<float>(nullptr, nullptr, nullptr, ChannelShape{0, 3, 4}, nullptr));
  EXPECT_NO_THROW(bias_grad<float>(nullptr, nullptr, ChannelShape{2, 3, 0}, GradMode::overwrite,
                                   nullptr));
}

}  // namespace
}  // namespace cuact
