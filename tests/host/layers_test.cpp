// Layer construction rules that are decided without a GPU.
#include <cuact/error.hpp>
#include <cuact/layers.hpp>

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace cuact {
namespace {

TEST(Activation, FactoriesCheckTheirParameterOnce) {
  EXPECT_THROW(Activation::leaky_relu(std::numeric_limits<double>::quiet_NaN()), invalid_argument);
  EXPECT_THROW(Activation::elu(std::numeric_limits<double>::infinity()), invalid_argument);
  EXPECT_THROW(Activation::celu(0.0), invalid_argument);
  try {
    Activation::celu(0.0);
  } catch (const invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "Activation::celu: 'alpha' must be non-zero");
  }
  EXPECT_EQ(Activation::leaky_relu().param(), 0.01);
  EXPECT_EQ(Activation::elu().param(), 1.0);
  EXPECT_STREQ(Activation::relu6().name(), "relu6");
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

TEST(PreluLayer, RejectsAChannelCountBelowOneBeforeTouchingTheGpu) {
  try {
    PreluLayer<float> layer(0, nullptr);
    FAIL() << "a layer with 0 channels was made";
  } catch (const invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "PreluLayer: 'channels' must be >= 1, got 0");
  }
}

}  // namespace
}  // namespace cuact
