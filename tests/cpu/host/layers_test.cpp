// Layer construction rules that are decided without a GPU.
#include <cuact/error.hpp>
#include <cuact/layers.hpp>

#include "tests/support/expect_invalid.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace cuact {
namespace {

using test::expect_invalid_argument;

TEST(Activation, FactoriesCheckTheirParameterOnce) {
  EXPECT_THROW(Activation::leaky_relu(std::numeric_limits<double>::quiet_NaN()), invalid_argument);
  EXPECT_THROW(Activation::elu(std::numeric_limits<double>::infinity()), invalid_argument);
  expect_invalid_argument([] { Activation::celu(0.0); },
                          "Activation::celu: 'alpha' must be non-zero");
  EXPECT_EQ(Activation::leaky_relu().param(), 0.01);
  EXPECT_EQ(Activation::elu().param(), 1.0);
  EXPECT_STREQ(Activation::relu6().name(), "relu6");
  EXPECT_EQ(Activation::gelu().param(), 0.0);  // approximate = none
  EXPECT_EQ(Activation::gelu(GeluApproximate::tanh).param(), 1.0);
  EXPECT_FALSE(Activation::gelu().allows_grad_from_output());
  expect_invalid_argument([] { Activation::gelu(static_cast<GeluApproximate>(5)); },
                          "Activation::gelu: 'approximate' must be 0 (none) or 1 (tanh), got 5");
}

TEST(Activation, KnowsWhenTheBackwardCanUseTheOutput) {
  EXPECT_TRUE(Activation::relu().allows_grad_from_output());
  EXPECT_TRUE(Activation::leaky_relu(0.0).allows_grad_from_output());
  EXPECT_FALSE(Activation::leaky_relu(-0.1).allows_grad_from_output());
  EXPECT_TRUE(Activation::elu(0.5).allows_grad_from_output());
  EXPECT_FALSE(Activation::elu(-0.5).allows_grad_from_output());
  EXPECT_TRUE(Activation::selu().allows_grad_from_output());
  EXPECT_FALSE(Activation::celu(-1.0).allows_grad_from_output());
  EXPECT_TRUE(Activation::relu6().allows_grad_from_output());
}

TEST(Activation, IsMadeFromAnyFunctorWithTheSameRules) {
  EXPECT_EQ(Activation(LeakyRelu<double>{0.2}).kind(), Activation::Kind::leaky_relu);
  EXPECT_EQ(Activation(LeakyRelu<double>{0.2}).param(), 0.2);
  EXPECT_STREQ(Activation(Selu<double>{}).name(), "selu");
  EXPECT_EQ(Activation(Selu<double>{}).param(), 0.0);
  expect_invalid_argument([] { Activation(Celu<double>{0.0}); },
                          "Activation: 'alpha' must be non-zero");
}

TEST(ActivationLayer, ChecksTheParametersAgainInItsComputeTypeBeforeTouchingTheGpu) {
  // 1e-40 is a normal double but a float subnormal whose reciprocal overflows in float.
  const Activation celu = Activation::celu(1e-40);
  expect_invalid_argument([&] { ActivationLayer<float> layer(celu); },
                          "ActivationLayer: 'alpha' = 1e-40 is too small: 1/alpha overflows");
  expect_invalid_argument([] { ActivationLayer<float> layer(Activation::leaky_relu(1e300)); },
                          "ActivationLayer: 'negative_slope' = 1e+300 overflows float");
  // A non-zero double that rounds to 0 in float says so (not "must be non-zero").
  expect_invalid_argument([] { ActivationLayer<float> layer(Activation::celu(1e-300)); },
                          "ActivationLayer: 'alpha' = 1e-300 underflows float (rounds to 0)");
  expect_invalid_argument(
      [] {
        ActivationLayer<float> layer(LeakyRelu<float>{std::numeric_limits<float>::infinity()});
      },
      "ActivationLayer: 'negative_slope' must be finite, got inf");
}

TEST(ActivationLayer, RefusesASaveModeItsOpDoesNotAllowBeforeTouchingTheGpu) {
  expect_invalid_argument(
      [] { ActivationLayer<float> layer(Activation::elu(), Saved::mask); },
      "ActivationLayer: 'save' is Saved::mask, but elu's gradient depends on more than the "
      "branch each input took (ops with a mask: relu, leaky_relu, relu6, hardtanh, "
      "hardsigmoid, hardshrink, softshrink, threshold)");
  expect_invalid_argument(
      [] { ActivationLayer<__half> layer(Activation::gelu(), Saved::output); },
      "ActivationLayer: 'saved' is Saved::output, but gelu's gradient needs the input "
      "(Saved::input)");
  expect_invalid_argument(
      [] { ActivationLayer<double> layer(LeakyRelu<double>{-0.5}, Saved::output); },
      "ActivationLayer: 'saved' is Saved::output, which needs negative_slope >= 0 (got -0.5)");
  EXPECT_TRUE(Activation::hardsigmoid().has_mask());
  EXPECT_TRUE(Activation::leaky_relu(-2.0).has_mask());  // the bit holds for any slope
  EXPECT_FALSE(Activation::squared_relu().has_mask());
}

TEST(PreluLayer, RejectsAChannelCountBelowOneBeforeTouchingTheGpu) {
  expect_invalid_argument([] { PreluLayer<float> layer(0, nullptr); },
                          "PreluLayer: 'channels' must be >= 1, got 0");
}

}  // namespace
}  // namespace cuact
