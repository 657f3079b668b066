// The C API: status codes and their text, the thread's last error message, and argument
// errors reported as statuses (never as exceptions), without a GPU.
#include <cuact/cuact.h>
#include <cuact/dyt.hpp>
#include <cuact/snake.hpp>

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace {

TEST(CApi, StatusStringsNameEveryStatus) {
  EXPECT_STREQ(cuact_status_string(CUACT_STATUS_SUCCESS), "success");
  EXPECT_STREQ(cuact_status_string(CUACT_STATUS_INVALID_ARGUMENT), "invalid argument");
  EXPECT_STREQ(cuact_status_string(CUACT_STATUS_CUDA_ERROR), "CUDA error");
  EXPECT_STREQ(cuact_status_string(CUACT_STATUS_INTERNAL_ERROR), "internal error");
  EXPECT_STREQ(cuact_status_string(static_cast<cuact_status>(99)), "unknown status");
}

TEST(CApi, ArgumentErrorsBecomeStatusesWithTheCppMessage) {
  std::vector<float> y(4, 7.0f);
  EXPECT_EQ(
      cuact_activation_forward(CUACT_RELU, 0.0, CUACT_DTYPE_F32, nullptr, y.data(), 4, nullptr),
      CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(), "relu_forward: 'x' is null but n = 4");
  EXPECT_EQ(cuact_activation_forward(CUACT_LEAKY_RELU, 1e300, CUACT_DTYPE_F32, y.data(), y.data(),
                                     4, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);  // 1e300 is infinite as a float
  EXPECT_STREQ(cuact_last_error(), "leaky_relu_forward: 'negative_slope' = 1e+300 overflows float");
  EXPECT_EQ(cuact_activation_backward(CUACT_ELU, -1.0, CUACT_SAVED_OUTPUT, CUACT_DTYPE_BF16,
                                      y.data(), y.data(), y.data(), 2, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(),
               "elu_backward: 'saved' is Saved::output, which needs alpha >= 0 (got -1)");
  const double tanh_form[] = {CUACT_GELU_APPROXIMATE_TANH};
  EXPECT_EQ(cuact_activation_param_count(CUACT_GELU), 1);
  EXPECT_STREQ(cuact_activation_param_name(CUACT_GELU, 0), "approximate");
  EXPECT_EQ(cuact_activation_param_default(CUACT_GELU, 0), CUACT_GELU_APPROXIMATE_NONE);
  const double bad_form[] = {3.0};
  EXPECT_EQ(cuact_activation_forward_params(CUACT_GELU, bad_form, 1, CUACT_DTYPE_BF16, y.data(),
                                            y.data(), 4, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(),
               "gelu_forward: 'approximate' must be 0 (none) or 1 (tanh), got 3");
  EXPECT_EQ(cuact_activation_backward_params(CUACT_GELU, tanh_form, 1, CUACT_SAVED_OUTPUT,
                                             CUACT_DTYPE_F32, y.data(), y.data(), y.data(), 4,
                                             nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(),
               "gelu_backward: 'saved' is Saved::output, but gelu's gradient needs the input "
               "(Saved::input)");
  EXPECT_EQ(y, std::vector<float>(4, 7.0f));
}

TEST(CApi, GatedCallsTakeAnyUnaryActivationOrAGatedOneWithCheckedArguments) {
  std::vector<float> buf(64, 7.0f);
  float* p = buf.data();
  // A packed layout passes its tensor as gate; up must be NULL.
  EXPECT_EQ(cuact_gated_forward(CUACT_SILU, nullptr, 0, CUACT_GATED_GATE_FIRST, CUACT_DTYPE_F32,
                                p, p + 32, p + 16, 2, 4, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(),
               "cuact_gated_forward: 'up' must be NULL with a packed layout (the packed tensor "
               "is passed as 'gate')");
  // The activation's parameters, named by the gated function.
  const double bad_gelu[] = {2.0};
  EXPECT_EQ(cuact_gated_forward(CUACT_GELU, bad_gelu, 1, CUACT_GATED_INTERLEAVED,
                                CUACT_DTYPE_BF16, p, nullptr, p + 40, 2, 4, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(),
               "gelu_gated_forward: 'approximate' must be 0 (none) or 1 (tanh), got 2");
  const double limit_zero[] = {1.702, 0.0};
  EXPECT_EQ(cuact_gated_backward(CUACT_CLAMPED_SWIGLU, limit_zero, 2, CUACT_GATED_SEPARATE,
                                 CUACT_DTYPE_F64, p, p + 8, p + 16, p + 24, p + 32, 1, 4,
                                 nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(), "clamped_swiglu_backward: 'limit' must be > 0, got 0");
  EXPECT_EQ(cuact_gated_backward(CUACT_RELU, nullptr, 0, CUACT_GATED_GATE_SECOND,
                                 CUACT_DTYPE_F32, p, nullptr, p + 16, p + 24, p + 40, 2, 4,
                                 nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(),
               "cuact_gated_backward: 'dup' must be NULL with a packed layout (the packed tensor "
               "is passed as 'gate')");
  EXPECT_EQ(cuact_gated_forward(static_cast<cuact_activation>(99), nullptr, 0,
                                CUACT_GATED_SEPARATE, CUACT_DTYPE_F32, p, p + 8, p + 16, 2, 4,
                                nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(), "cuact_gated_forward: 'op' = 99 is not a valid value");
  EXPECT_EQ(cuact_gated_forward(CUACT_SILU, nullptr, 0, static_cast<cuact_gated_layout>(5),
                                CUACT_DTYPE_F32, p, p + 8, p + 16, 2, 4, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(), "cuact_gated_forward: 'layout' = 5 is not a valid value");
  // The gated ones describe themselves too.
  EXPECT_STREQ(cuact_activation_name(CUACT_CLAMPED_SWIGLU), "clamped_swiglu");
  EXPECT_EQ(cuact_activation_param_count(CUACT_CLAMPED_SWIGLU), 2);
  EXPECT_STREQ(cuact_activation_param_name(CUACT_CLAMPED_SWIGLU, 1), "limit");
  EXPECT_EQ(cuact_activation_param_default(CUACT_CLAMPED_SWIGLU, 1), 7.0);
  EXPECT_EQ(cuact_activation_accuracy_ulp(CUACT_CLAMPED_SWIGLU, 0), 6);
  EXPECT_EQ(cuact_activation_accuracy_ulp(CUACT_CLAMPED_SWIGLU, 2), -1);
  // A gated one through the unary API says where it belongs.
  EXPECT_EQ(cuact_activation_forward(CUACT_CLAMPED_SWIGLU, 0.0, CUACT_DTYPE_F32, p, p + 8, 8,
                                     nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(),
               "cuact_activation_forward: 'clamped_swiglu' is a gated activation (gate and up): "
               "use cuact_gated_forward/cuact_gated_backward");
  // Nothing to do.
  EXPECT_EQ(cuact_gated_forward(CUACT_SILU, nullptr, 0, CUACT_GATED_SEPARATE, CUACT_DTYPE_F16,
                                nullptr, nullptr, nullptr, 0, 4096, nullptr),
            CUACT_STATUS_SUCCESS);
  EXPECT_EQ(buf, std::vector<float>(64, 7.0f));
}

TEST(CApi, MasksForTheOpsThatHaveThemAndAClearRefusalForTheOthers) {
  EXPECT_EQ(cuact_activation_has_mask(CUACT_RELU), 1);
  EXPECT_EQ(cuact_activation_has_mask(CUACT_HARDSIGMOID), 1);
  EXPECT_EQ(cuact_activation_has_mask(CUACT_GELU), 0);
  EXPECT_EQ(cuact_activation_has_mask(CUACT_CLAMPED_SWIGLU), 0);
  EXPECT_EQ(cuact_activation_has_mask(static_cast<cuact_activation>(99)), 0);
  EXPECT_EQ(cuact_mask_words(0), 0);
  EXPECT_EQ(cuact_mask_words(-5), 0);
  EXPECT_EQ(cuact_mask_words(33), 2);
  EXPECT_EQ(cuact_mask_words(int64_t{1} << 40), int64_t{1} << 35);
  std::vector<float> y(4, 7.0f);
  std::vector<uint32_t> mask(1, 0u);
  EXPECT_EQ(cuact_activation_forward_mask(CUACT_ELU, nullptr, 0, CUACT_DTYPE_F32, y.data(),
                                          y.data(), mask.data(), 4, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(),
               "elu_forward_mask: elu's gradient depends on more than the branch each input "
               "took, so it has no mask (ops with a mask: relu, leaky_relu, relu6, hardtanh, "
               "hardsigmoid, hardshrink, softshrink, threshold)");
  EXPECT_EQ(cuact_activation_backward(CUACT_SILU, 0.0, CUACT_SAVED_MASK, CUACT_DTYPE_F16,
                                      mask.data(), y.data(), y.data(), 4, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(),
               "silu_backward: 'saved' is CUACT_SAVED_MASK, but silu's gradient depends on more "
               "than the branch each input took (ops with a mask: relu, leaky_relu, relu6, "
               "hardtanh, hardsigmoid, hardshrink, softshrink, threshold)");
  EXPECT_EQ(cuact_activation_forward_mask(CUACT_RELU, nullptr, 0, CUACT_DTYPE_F32, y.data(),
                                          y.data(), nullptr, 4, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(), "relu_forward_mask: 'mask' is null but n = 4");
  const double slope[] = {0.5};
  EXPECT_EQ(cuact_activation_backward_params(CUACT_LEAKY_RELU, slope, 1, CUACT_SAVED_MASK,
                                             CUACT_DTYPE_F32, nullptr, y.data(), y.data(), 4,
                                             nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(), "leaky_relu_backward_mask: 'mask' is null but n = 4");
  // The C++ backward that takes a tensor refuses Saved::mask.
  EXPECT_EQ(cuact_activation_backward(CUACT_RELU, 0.0, static_cast<cuact_saved>(7),
                                      CUACT_DTYPE_F32, y.data(), y.data(), y.data(), 4, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(y, std::vector<float>(4, 7.0f));
  EXPECT_EQ(mask, std::vector<uint32_t>(1, 0u));
}

TEST(CApi, RReluChecksItsBoundsAndSaved) {
  std::vector<float> y(4, 7.0f);
  EXPECT_EQ(cuact_rrelu_forward(CUACT_DTYPE_BF16, y.data(), y.data(), 4, 0.5, 0.25, 1, 1, 2,
                                nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(), "rrelu_forward: 'lower' = 0.5 must not exceed 'upper' = 0.25");
  EXPECT_EQ(cuact_rrelu_backward(CUACT_DTYPE_F32, y.data(), y.data(), y.data(), 4, 0.1, 1e300, 1,
                                 1, 2, CUACT_SAVED_OUTPUT, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(), "rrelu_backward: 'upper' = 1e+300 overflows float");
  EXPECT_EQ(cuact_rrelu_backward(CUACT_DTYPE_F64, y.data(), y.data(), y.data(), 4, 0.1, 0.2, 0,
                                 1, 2, CUACT_SAVED_MASK, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(y, std::vector<float>(4, 7.0f));
}

TEST(CApi, UnknownEnumValuesAreInvalidArguments) {
  float v = 0;
  EXPECT_EQ(cuact_activation_forward(static_cast<cuact_activation>(99), 0.0, CUACT_DTYPE_F32, &v,
                                     &v, 1, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(), "cuact_activation_forward: 'op' = 99 is not a valid value");
  EXPECT_EQ(
      cuact_activation_forward(CUACT_RELU, 0.0, static_cast<cuact_dtype>(9), &v, &v, 1, nullptr),
      CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(), "cuact_activation_forward: 'dtype' = 9 is not a valid value");
  EXPECT_EQ(cuact_activation_backward(CUACT_RELU, 0.0, static_cast<cuact_saved>(5), CUACT_DTYPE_F64,
                                      &v, &v, &v, 0, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(),
               "relu_backward: 'saved' must be Saved::input or Saved::output, got 5");
}

TEST(CApi, PreluErrorsAndNoOps) {
  EXPECT_EQ(cuact_prelu_forward(CUACT_DTYPE_F16, nullptr, nullptr, nullptr, 2, 0, 3, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(), "prelu_forward: 'shape.channels' must be >= 1, got 0");
  EXPECT_EQ(cuact_prelu_backward(CUACT_DTYPE_F32, nullptr, nullptr, nullptr, nullptr, nullptr, 0, 4,
                                 4, 1, nullptr, 0, nullptr),
            CUACT_STATUS_SUCCESS);
  EXPECT_EQ(cuact_prelu_backward_workspace_size(CUACT_DTYPE_F32, 1, 1, 1, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  size_t bytes = 123;
  EXPECT_EQ(cuact_prelu_backward_workspace_size(CUACT_DTYPE_F32, 0, 1, 1, &bytes),
            CUACT_STATUS_SUCCESS);
  EXPECT_EQ(bytes, 0u);
}

TEST(CApi, SnakeCallsCheckTheScaleTheShapeAndTheBuffers) {
  std::vector<float> x(24, 1.0f), alpha(3, 1.0f), out(24, 42.0f), dalpha(3, 42.0f);
  EXPECT_EQ(cuact_snake_forward(CUACT_DTYPE_F32, nullptr, alpha.data(), out.data(), 2, 3, 4,
                                CUACT_PARAM_SCALE_LINEAR, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(), "snake_forward: 'x' is null but n = 24");
  // An int that names no scale is refused, not undefined.
  EXPECT_EQ(cuact_snakebeta_forward(CUACT_DTYPE_BF16, x.data(), alpha.data(), alpha.data(),
                                    out.data(), 2, 3, 4, cuact_param_scale{7}, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(),
               "snakebeta_forward: 'scale' must be ParamScale::linear or ParamScale::log, got 7");
  EXPECT_EQ(cuact_snake_backward(CUACT_DTYPE_F32, x.data(), x.data(), alpha.data(), nullptr,
                                 nullptr, 2, 3, 4, CUACT_PARAM_SCALE_LOG, 0, nullptr, 0, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(),
               "snake_backward: 'dx' and 'dalpha' are both null: nothing to compute");
  EXPECT_EQ(cuact_snakebeta_backward(CUACT_DTYPE_F32, x.data(), x.data(), alpha.data(),
                                     alpha.data(), out.data(), dalpha.data(), nullptr, 2, 3, 4,
                                     CUACT_PARAM_SCALE_LINEAR, 1, nullptr, 0, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(),
               "snakebeta_backward: 'dalpha' is not null but 'dbeta' is null: the parameter "
               "gradients are computed together (both or neither)");
  EXPECT_EQ(cuact_snakebeta_backward(CUACT_DTYPE_F64, nullptr, nullptr, nullptr, nullptr, nullptr,
                                     nullptr, nullptr, 0, 4, 4, CUACT_PARAM_SCALE_LINEAR, 0,
                                     nullptr, 0, nullptr),
            CUACT_STATUS_SUCCESS);
  for (const float v : out) {
    ASSERT_EQ(v, 42.0f);
  }
  EXPECT_EQ(cuact_snake_backward_workspace_size(CUACT_DTYPE_F32, 1, 1, 1, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  size_t bytes = 0, expected = 1;
  EXPECT_EQ(cuact_snakebeta_backward_workspace_size(CUACT_DTYPE_F16, 1, 1, 1 << 22, &bytes),
            CUACT_STATUS_SUCCESS);
  expected = cuact::snakebeta_backward_workspace_size<__half>(cuact::ChannelShape{1, 1, 1 << 22});
  EXPECT_EQ(bytes, expected);
  EXPECT_EQ(cuact_snake_backward_workspace_size(CUACT_DTYPE_F16, 1, 1, 1 << 22, &bytes),
            CUACT_STATUS_SUCCESS);
  EXPECT_EQ(bytes, cuact::snake_backward_workspace_size<__half>(cuact::ChannelShape{1, 1, 1 << 22}));
}

TEST(CApi, DytCallsCheckTheGradientsAndTheWorkspace) {
  std::vector<float> x(24, 1.0f), p(8, 1.0f), out(24, 42.0f);
  EXPECT_EQ(cuact_dyt_forward(CUACT_DTYPE_F32, x.data(), nullptr, p.data(), p.data() + 4,
                              out.data(), 8, 3, 1, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(), "dyt_forward: 'alpha' is null but n = 24");
  EXPECT_EQ(cuact_dyt_backward(CUACT_DTYPE_BF16, x.data(), x.data(), p.data(), p.data(),
                               out.data(), nullptr, p.data(), nullptr, 8, 3, 1, 0, nullptr, 0,
                               nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(),
               "dyt_backward: 'dalpha', 'dgamma' and 'dbeta' must all be null or all be given, "
               "got dgamma alone");
  for (const float v : out) {
    ASSERT_EQ(v, 42.0f);
  }
  size_t bytes = 0;
  EXPECT_EQ(cuact_dyt_backward_workspace_size(CUACT_DTYPE_F64, 8, 3, 1, &bytes),
            CUACT_STATUS_SUCCESS);
  EXPECT_EQ(bytes, cuact::dyt_backward_workspace_size<double>(cuact::ChannelShape{8, 3, 1}));
  EXPECT_EQ(cuact_dyt_backward_workspace_size(CUACT_DTYPE_F64, 8, 3, 1, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
}

TEST(CApi, BiasCallsCheckTheActivationTheShapeAndTheBuffers) {
  std::vector<float> x(24, 1.0f), bias(3, 0.5f), out(24, 42.0f);
  const double slope = -0.1;
  // The C++ entry point's messages, named after the activation.
  EXPECT_EQ(cuact_bias_forward(CUACT_RELU, nullptr, 0, CUACT_DTYPE_F32, nullptr, bias.data(),
                               out.data(), 2, 3, 4, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(), "relu_bias_forward: 'x' is null but n = 24");
  EXPECT_EQ(cuact_bias_forward(CUACT_GELU, nullptr, 0, CUACT_DTYPE_BF16, x.data(), nullptr,
                               out.data(), 2, 0, 4, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(), "gelu_bias_forward: 'shape.channels' must be >= 1, got 0");
  EXPECT_EQ(cuact_bias_backward(CUACT_LEAKY_RELU, &slope, 1, CUACT_SAVED_OUTPUT, CUACT_DTYPE_F32,
                                x.data(), x.data(), nullptr, out.data(), nullptr, nullptr, 2, 3,
                                4, 0, nullptr, 0, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(),
               "leaky_relu_bias_backward: 'saved' is Saved::output, which needs negative_slope "
               ">= 0 (got -0.1)");
  EXPECT_EQ(cuact_bias_backward(CUACT_RELU, nullptr, 0, CUACT_SAVED_INPUT, CUACT_DTYPE_F32,
                                x.data(), x.data(), bias.data(), nullptr, nullptr, nullptr, 2, 3,
                                4, 0, nullptr, 0, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(),
               "relu_bias_backward: 'dx', 'dbias' and 'y' are all null: nothing to compute");
  // The bias alone: its own names.
  EXPECT_EQ(cuact_bias_add(CUACT_DTYPE_F32, x.data(), nullptr, out.data(), 2, 3, 4, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(), "bias_add: 'bias' is null but n = 24");
  EXPECT_EQ(cuact_bias_grad(CUACT_DTYPE_F64, x.data(), nullptr, 2, 3, 4, 0, nullptr, 0, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(), "bias_grad: 'dbias' is null: nothing to compute");
  EXPECT_EQ(cuact_bias_grad(static_cast<cuact_dtype>(9), x.data(), bias.data(), 2, 3, 4, 1,
                            nullptr, 0, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(), "cuact_bias_grad: 'dtype' = 9 is not a valid value");
  // A gated activation has no bias form here.
  EXPECT_EQ(cuact_bias_forward(CUACT_CLAMPED_SWIGLU, nullptr, 0, CUACT_DTYPE_F32, x.data(),
                               bias.data(), out.data(), 2, 3, 4, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(),
               "cuact_bias_forward: 'clamped_swiglu' is a gated activation (gate and up): use "
               "cuact_gated_forward/cuact_gated_backward");
  for (float v : out) {
    ASSERT_EQ(v, 42.0f) << "an output was written";
  }
  // The workspace: the shape's and dtype's alone, as PReLU's; 0 for an empty shape.
  size_t bytes = 0, prelu_bytes = 1;
  EXPECT_EQ(cuact_bias_backward_workspace_size(CUACT_DTYPE_F16, 4096, 96, 1, &bytes),
            CUACT_STATUS_SUCCESS);
  EXPECT_EQ(cuact_prelu_backward_workspace_size(CUACT_DTYPE_F16, 4096, 96, 1, &prelu_bytes),
            CUACT_STATUS_SUCCESS);
  EXPECT_EQ(bytes, prelu_bytes);
  EXPECT_GT(bytes, 0u);
  EXPECT_EQ(cuact_bias_backward_workspace_size(CUACT_DTYPE_F32, 1, 1, 1, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(), "cuact_bias_backward_workspace_size: 'bytes' is null");
  EXPECT_EQ(cuact_bias_backward_workspace_size(CUACT_DTYPE_F32, 0, 1, 1, &bytes),
            CUACT_STATUS_SUCCESS);
  EXPECT_EQ(bytes, 0u);
}

TEST(CApi, TheLastErrorIsPerThread) {
  float v = 0;
  ASSERT_EQ(cuact_activation_forward(CUACT_RELU, 0.0, CUACT_DTYPE_F32, nullptr, &v, 1, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  std::string other;
  std::thread([&] { other = cuact_last_error(); }).join();
  EXPECT_EQ(other, "");
  EXPECT_STREQ(cuact_last_error(), "relu_forward: 'x' is null but n = 1");
}

}  // namespace
