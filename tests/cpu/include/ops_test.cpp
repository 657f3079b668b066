// The functors of ops.hpp against expectations written independently of them: a golden
// table from the spec (values from a 40-digit evaluation), a long-double evaluation of each
// formula over a grid, finite differences in double, and gradient-from-output against
// gradient-from-input.
#include <cuact/ops.hpp>

#include "tests/support/ulp.hpp"

#include <gtest/gtest.h>

#include <math.h>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

namespace cuact {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kDenorm = 1e-40f;  // a float subnormal
constexpr double kInfD = std::numeric_limits<double>::infinity();
constexpr double kNaND = std::numeric_limits<double>::quiet_NaN();

// Spec constants, restated here rather than read from the functor under test.
constexpr long double kSeluAlpha = 1.6732632423543772848170429916717L;
constexpr long double kSeluScale = 1.0507009873554804934193349852946L;

::testing::AssertionResult same_float(float expected, float actual, std::uint64_t max_ulp = 0) {
  const std::uint64_t d = reference::ulp_distance(expected, actual);
  if (d <= max_ulp) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "expected " << expected << " (bits 0x" << std::hex << reference::bits_of(expected)
         << "), got " << actual << " (bits 0x" << reference::bits_of(actual) << std::dec << "), "
         << d << " ulp apart";
}

bool sign_bit(float v) { return std::signbit(v); }

/// The same double, bit for bit (so -0 differs from +0).
bool same_double(double expected, double actual) {
  return std::memcmp(&expected, &actual, sizeof expected) == 0;
}


TEST(ReluMath, ForwardFollowsTheSpecAtZeroNanInfinityAndSubnormals) {
  const Relu<float> op;
  EXPECT_TRUE(same_float(0.0f, op.forward(-0.0f)));  // -0 gives +0
  EXPECT_FALSE(sign_bit(op.forward(-0.0f)));
  EXPECT_TRUE(same_float(0.0f, op.forward(0.0f)));
  EXPECT_TRUE(same_float(0.0f, op.forward(-1.0f)));
  EXPECT_TRUE(same_float(2.5f, op.forward(2.5f)));
  EXPECT_TRUE(std::isnan(op.forward(kNaN)));
  EXPECT_TRUE(same_float(kInf, op.forward(kInf)));
  EXPECT_TRUE(same_float(0.0f, op.forward(-kInf)));
  EXPECT_TRUE(same_float(kDenorm, op.forward(kDenorm)));
  EXPECT_TRUE(same_float(0.0f, op.forward(-kDenorm)));
  EXPECT_TRUE(same_float(3e38f, op.forward(3e38f)));
}

TEST(ReluMath, GradientIsZeroAtZeroAndPassesDyForNan) {
  const Relu<float> op;
  EXPECT_TRUE(same_float(0.0f, op.grad_from_input(0.0f, 3.0f)));
  EXPECT_TRUE(same_float(0.0f, op.grad_from_input(-0.0f, 3.0f)));
  EXPECT_TRUE(same_float(3.0f, op.grad_from_input(kDenorm, 3.0f)));
  EXPECT_TRUE(same_float(0.0f, op.grad_from_input(-kDenorm, 3.0f)));
  EXPECT_TRUE(same_float(3.0f, op.grad_from_input(kNaN, 3.0f)));
  EXPECT_TRUE(same_float(3.0f, op.grad_from_input(kInf, 3.0f)));
  EXPECT_TRUE(same_float(0.0f, op.grad_from_input(-kInf, 3.0f)));
  EXPECT_TRUE(op.allows_grad_from_output());
}

TEST(LeakyReluMath, ForwardAndGradientTakeTheNegativeSideAtZero) {
  const LeakyRelu<float> op{0.25f};
  EXPECT_TRUE(same_float(-0.5f, op.forward(-2.0f)));
  EXPECT_TRUE(same_float(2.0f, op.forward(2.0f)));
  EXPECT_TRUE(same_float(-0.0f, op.forward(-0.0f)));  // -0 * 0.25
  EXPECT_TRUE(same_float(0.0f, op.forward(0.0f)));
  EXPECT_TRUE(std::isnan(op.forward(kNaN)));
  EXPECT_TRUE(same_float(-kInf, op.forward(-kInf)));
  EXPECT_TRUE(same_float(0.75f, op.grad_from_input(0.0f, 3.0f)));  // left side at 0
  EXPECT_TRUE(same_float(3.0f, op.grad_from_input(1.0f, 3.0f)));
  EXPECT_TRUE(same_float(0.75f, op.grad_from_input(kNaN, 3.0f)));  // NaN: dy * s
  EXPECT_TRUE(same_float(-0.02f, LeakyRelu<float>{0.01f}.forward(-2.0f)));
}

TEST(LeakyReluMath, GradientFromOutputIsAllowedOnlyForNonNegativeSlope) {
  EXPECT_TRUE(LeakyRelu<float>{0.0f}.allows_grad_from_output());
  EXPECT_TRUE(LeakyRelu<float>{0.01f}.allows_grad_from_output());
  EXPECT_FALSE(LeakyRelu<float>{-0.01f}.allows_grad_from_output());
}

TEST(EluMath, ForwardUsesExpm1AndKeepsTinyInputsExact) {
  const auto op = Elu<double>::elu(1.0);
  EXPECT_DOUBLE_EQ(-0.6321205588285576784, op.forward(-1.0));
  EXPECT_DOUBLE_EQ(2.0, op.forward(2.0));
  // exp(x) - 1 would give -9.99999993922529e-09 here; expm1 keeps every digit.
  EXPECT_DOUBLE_EQ(-9.99999995000000016667e-9, op.forward(-1e-8));
  EXPECT_DOUBLE_EQ(-1.0, op.forward(-std::numeric_limits<double>::infinity()));
  EXPECT_TRUE(std::isnan(op.forward(std::numeric_limits<double>::quiet_NaN())));
  EXPECT_TRUE(std::signbit(op.forward(-0.0)));  // expm1(-0) = -0
  EXPECT_DOUBLE_EQ(-0.47510646581606802851, Elu<double>::elu(0.5).forward(-3.0));
}

TEST(EluMath, GradientAtZeroIsTheLeftSideAndNanPassesDyScaled) {
  const auto op = Elu<double>::elu(1.0);
  EXPECT_DOUBLE_EQ(3.0, op.grad_from_input(0.0, 3.0));  // alpha * exp(0)
  EXPECT_DOUBLE_EQ(3.0 * 0.36787944117144232160, op.grad_from_input(-1.0, 3.0));
  EXPECT_DOUBLE_EQ(3.0, op.grad_from_input(std::numeric_limits<double>::quiet_NaN(), 3.0));
  EXPECT_DOUBLE_EQ(0.0, op.grad_from_input(-std::numeric_limits<double>::infinity(), 3.0));
  EXPECT_TRUE(op.allows_grad_from_output());
  EXPECT_TRUE(Elu<double>::elu(0.0).allows_grad_from_output());
  EXPECT_FALSE(Elu<double>::elu(-0.5).allows_grad_from_output());
}

TEST(SeluMath, UsesTheFixedAlphaAndScale) {
  const auto op = Elu<double>::selu();
  EXPECT_DOUBLE_EQ(-1.1113307378125627618, op.forward(-1.0));
  EXPECT_DOUBLE_EQ(2.1014019747109609868, op.forward(2.0));
  EXPECT_DOUBLE_EQ(1.7580993408473768599, op.grad_from_input(0.0, 1.0));
  EXPECT_DOUBLE_EQ(0.64676860303481409814, op.grad_from_input(-1.0, 1.0));
  EXPECT_DOUBLE_EQ(1.0507009873554804934, op.grad_from_input(1.0, 1.0));
  EXPECT_TRUE(op.allows_grad_from_output());
}

TEST(SeluMath, TheRegistryFunctorIsTheEluFamilyWithFixedConstants) {
  const Selu<double> op;
  EXPECT_STREQ(Selu<double>::name, "selu");
  EXPECT_DOUBLE_EQ(static_cast<double>(kSeluAlpha), op.alpha);
  EXPECT_DOUBLE_EQ(static_cast<double>(kSeluScale), op.scale);
  EXPECT_DOUBLE_EQ(-1.1113307378125627618, op.forward(-1.0));
  EXPECT_TRUE(op.allows_grad_from_output());
}

TEST(CeluMath, TheRegistryFunctorScalesTheInputByOneOverAlpha) {
  const Celu<double> op{2.0};
  EXPECT_STREQ(Celu<double>::name, "celu");
  EXPECT_DOUBLE_EQ(0.5, op.input_scale);
  EXPECT_DOUBLE_EQ(-0.78693868057473315279, op.forward(-1.0));
  EXPECT_DOUBLE_EQ(0.60653065971263342360, op.grad_from_input(-1.0, 1.0));
  EXPECT_DOUBLE_EQ(1.0, Celu<double>{}.alpha);  // PyTorch's default
  EXPECT_FALSE(Celu<double>{-2.0}.allows_grad_from_output());
  EXPECT_STREQ(Celu<double>::grad_from_output_rule, "alpha > 0");
}

TEST(CeluMath, ScalesTheInputByOneOverAlpha) {
  const auto op = Elu<double>::celu(2.0);
  EXPECT_DOUBLE_EQ(-0.78693868057473315279, op.forward(-1.0));
  EXPECT_DOUBLE_EQ(0.60653065971263342360, op.grad_from_input(-1.0, 1.0));
  EXPECT_DOUBLE_EQ(5.0, op.forward(5.0));
  EXPECT_TRUE(op.allows_grad_from_output());
  EXPECT_FALSE(Elu<double>::celu(-2.0).allows_grad_from_output());
}

TEST(Relu6Math, ClampsToZeroAndSixAndKeepsNan) {
  const Relu6<float> op;
  EXPECT_TRUE(same_float(0.0f, op.forward(-0.0f)));
  EXPECT_FALSE(sign_bit(op.forward(-0.0f)));
  EXPECT_TRUE(same_float(0.0f, op.forward(-3.0f)));
  EXPECT_TRUE(same_float(5.5f, op.forward(5.5f)));
  EXPECT_TRUE(same_float(6.0f, op.forward(6.0f)));
  EXPECT_TRUE(same_float(6.0f, op.forward(7.0f)));
  EXPECT_TRUE(same_float(6.0f, op.forward(kInf)));
  EXPECT_TRUE(same_float(0.0f, op.forward(-kInf)));
  EXPECT_TRUE(std::isnan(op.forward(kNaN)));
  EXPECT_TRUE(same_float(kDenorm, op.forward(kDenorm)));
}

TEST(Relu6Math, GradientIsZeroAtBothEdgesAndPassesDyForNan) {
  const Relu6<float> op;
  EXPECT_TRUE(same_float(0.0f, op.grad_from_input(0.0f, 3.0f)));
  EXPECT_TRUE(same_float(0.0f, op.grad_from_input(6.0f, 3.0f)));
  EXPECT_TRUE(same_float(3.0f, op.grad_from_input(5.999f, 3.0f)));
  EXPECT_TRUE(same_float(3.0f, op.grad_from_input(kDenorm, 3.0f)));
  EXPECT_TRUE(same_float(3.0f, op.grad_from_input(kNaN, 3.0f)));
  EXPECT_TRUE(op.allows_grad_from_output());
}

TEST(HardtanhMath, ClampsToItsBoundsAndKeepsNanAndSignedZero) {
  const Hardtanh<float> op;  // PyTorch's defaults: -1, 1
  EXPECT_TRUE(same_float(-1.0f, op.forward(-3.0f)));
  EXPECT_TRUE(same_float(-1.0f, op.forward(-1.0f)));
  EXPECT_TRUE(same_float(-0.5f, op.forward(-0.5f)));
  EXPECT_TRUE(same_float(-0.0f, op.forward(-0.0f)));  // inside the bounds: unchanged
  EXPECT_TRUE(same_float(kDenorm, op.forward(kDenorm)));
  EXPECT_TRUE(same_float(1.0f, op.forward(1.0f)));
  EXPECT_TRUE(same_float(1.0f, op.forward(kInf)));
  EXPECT_TRUE(same_float(-1.0f, op.forward(-kInf)));
  EXPECT_TRUE(std::isnan(op.forward(kNaN)));
  const Hardtanh<float> wide{-2.5f, 7.0f};
  EXPECT_TRUE(same_float(-2.5f, wide.forward(-2.6f)));
  EXPECT_TRUE(same_float(6.5f, wide.forward(6.5f)));
  EXPECT_TRUE(same_float(7.0f, wide.forward(7.25f)));
}

TEST(HardtanhMath, GradientIsZeroAtAndBeyondTheBoundsAndPassesDyForNan) {
  const Hardtanh<float> op{-2.0f, 3.0f};
  EXPECT_TRUE(same_float(0.0f, op.grad_from_input(-2.0f, 5.0f)));
  EXPECT_TRUE(same_float(0.0f, op.grad_from_input(3.0f, 5.0f)));
  EXPECT_TRUE(same_float(0.0f, op.grad_from_input(-7.0f, 5.0f)));
  EXPECT_TRUE(same_float(0.0f, op.grad_from_input(kInf, 5.0f)));
  EXPECT_TRUE(same_float(5.0f, op.grad_from_input(-1.999f, 5.0f)));
  EXPECT_TRUE(same_float(5.0f, op.grad_from_input(2.999f, 5.0f)));
  EXPECT_TRUE(same_float(5.0f, op.grad_from_input(0.0f, 5.0f)));
  EXPECT_TRUE(same_float(5.0f, op.grad_from_input(kNaN, 5.0f)));
  EXPECT_TRUE(op.allows_grad_from_output());
}

// Golden values of the smooth activations: 40-digit evaluations, written out here.
TEST(SigmoidMath, GoldenValuesEdgesAndTheGradientFromBothSides) {
  const Sigmoid<double> op;
  EXPECT_DOUBLE_EQ(0.5, op.forward(0.0));
  EXPECT_DOUBLE_EQ(0.73105857863000487925, op.forward(1.0));
  EXPECT_DOUBLE_EQ(0.047425873177566780879, op.forward(-3.0));
  EXPECT_DOUBLE_EQ(1.0, op.forward(std::numeric_limits<double>::infinity()));
  EXPECT_EQ(0.0, op.forward(-std::numeric_limits<double>::infinity()));
  EXPECT_TRUE(std::isnan(op.forward(std::numeric_limits<double>::quiet_NaN())));
  EXPECT_GT(Sigmoid<float>{}.forward(-100.0f), 0.0f);  // subnormal, not flushed to 0
  EXPECT_NEAR(3.7200759760208359630e-44, Sigmoid<float>{}.forward(-100.0f), 1.5e-45);
  EXPECT_DOUBLE_EQ(0.25 * 3.0, op.grad_from_input(0.0, 3.0));
  EXPECT_DOUBLE_EQ(0.19661193324148185254, op.grad_from_input(1.0, 1.0));
  EXPECT_DOUBLE_EQ(0.19661193324148185254, op.grad_from_input(-1.0, 1.0));
  EXPECT_EQ(0.0, op.grad_from_input(std::numeric_limits<double>::infinity(), 1.0));
  EXPECT_DOUBLE_EQ(2.0 * 0.5 * 0.5, op.grad_from_output(0.5, 2.0));
  EXPECT_TRUE(op.allows_grad_from_output());
}

TEST(TanhMath, GoldenValuesEdgesAndTheGradientFromBothSides) {
  const Tanh<double> op;
  EXPECT_DOUBLE_EQ(0.76159415595576488812, op.forward(1.0));
  EXPECT_DOUBLE_EQ(-0.99505475368673045133, op.forward(-3.0));
  EXPECT_TRUE(std::signbit(op.forward(-0.0)));
  EXPECT_DOUBLE_EQ(-1.0, op.forward(-std::numeric_limits<double>::infinity()));
  EXPECT_DOUBLE_EQ(1e-300, op.forward(1e-300));
  EXPECT_DOUBLE_EQ(2.0, op.grad_from_input(0.0, 2.0));
  EXPECT_DOUBLE_EQ(0.41997434161402606939, op.grad_from_input(1.0, 1.0));
  EXPECT_DOUBLE_EQ(0.0098660371654401912732, op.grad_from_input(-3.0, 1.0));
  EXPECT_EQ(0.0, op.grad_from_input(std::numeric_limits<double>::infinity(), 1.0));
  EXPECT_DOUBLE_EQ(1.0 - 0.25, op.grad_from_output(0.5, 1.0));
  const Tanh<float> f;
  EXPECT_TRUE(same_float(0.76159418f, f.forward_16bit(1.0f), 8));
  EXPECT_TRUE(std::isnan(f.forward_16bit(kNaN)));
}

TEST(SiluMath, GoldenValuesEdgesAndTheGradientThroughItsZero) {
  const Silu<double> op;
  EXPECT_DOUBLE_EQ(0.0, op.forward(0.0));
  EXPECT_DOUBLE_EQ(0.73105857863000487925, op.forward(1.0));
  EXPECT_DOUBLE_EQ(-0.14227761953270034264, op.forward(-3.0));
  EXPECT_TRUE(std::isnan(op.forward(-std::numeric_limits<double>::infinity())));  // as PyTorch
  EXPECT_DOUBLE_EQ(std::numeric_limits<double>::infinity(),
                   op.forward(std::numeric_limits<double>::infinity()));
  EXPECT_DOUBLE_EQ(0.5, op.grad_from_input(0.0, 1.0));
  EXPECT_DOUBLE_EQ(0.92767051187148673179, op.grad_from_input(1.0, 1.0));
  EXPECT_DOUBLE_EQ(-0.088104106015169617069, op.grad_from_input(-3.0, 1.0));
  EXPECT_NEAR(0.0, op.grad_from_input(-1.2784645427610738, 1.0), 1e-16);  // its zero
  EXPECT_FALSE(has_grad_from_output_v<Silu<double>>);
}

TEST(QuickGeluMath, GoldenValuesAndTheGradientThroughItsZero) {
  const QuickGelu<double> op;
  EXPECT_DOUBLE_EQ(0.0, op.forward(0.0));
  EXPECT_DOUBLE_EQ(0.84579576593282129571, op.forward(1.0));
  EXPECT_DOUBLE_EQ(-0.018071309707785966513, op.forward(-3.0));
  EXPECT_DOUBLE_EQ(0.5, op.grad_from_input(0.0, 1.0));
  EXPECT_DOUBLE_EQ(1.0677796065563340566, op.grad_from_input(1.0, 1.0));
  EXPECT_NEAR(0.0, op.grad_from_input(-1.2784645427610738 / 1.702, 1.0), 1e-15);
  EXPECT_FALSE(has_grad_from_output_v<QuickGelu<double>>);
}

TEST(MishMath, GoldenValuesEdgesAndTheGradientThroughItsZero) {
  const Mish<double> op;
  EXPECT_DOUBLE_EQ(0.0, op.forward(0.0));
  EXPECT_DOUBLE_EQ(0.86509838826731034612, op.forward(1.0));
  EXPECT_DOUBLE_EQ(-0.14564746127562458731, op.forward(-3.0));
  EXPECT_DOUBLE_EQ(25.0, op.forward(25.0));
  EXPECT_DOUBLE_EQ(std::numeric_limits<double>::infinity(),
                   op.forward(std::numeric_limits<double>::infinity()));
  EXPECT_TRUE(std::isnan(op.forward(std::numeric_limits<double>::quiet_NaN())));
  EXPECT_DOUBLE_EQ(0.6, op.grad_from_input(0.0, 1.0));
  EXPECT_DOUBLE_EQ(1.0490362200997921591, op.grad_from_input(1.0, 1.0));
  EXPECT_DOUBLE_EQ(-0.093393114532320835573, op.grad_from_input(-3.0, 1.0));
  EXPECT_DOUBLE_EQ(2.0, op.grad_from_input(30.0, 2.0));
  EXPECT_NEAR(0.0, op.grad_from_input(-1.1924312145154952, 1.0), 1e-15);
  EXPECT_FALSE(has_grad_from_output_v<Mish<double>>);
}

// Golden values from a 30-digit evaluation (mpmath): x Phi(x), Phi(x) + x phi(x), and the
// tanh form's x sigma(2u) and its derivative. The f64 contract is 8 ulp (tanh: the rounding
// of u, 87 units at x = -10, moves y by 2^-46): compared relatively.
void expect_relative(double want, double got, double rel) {
  EXPECT_NEAR(want, got, rel * std::fabs(want)) << "want " << want;
}

TEST(GeluMath, ErfFormGoldenValuesTailsAndEdges) {
  const Gelu<double> op;  // approximate = none
  EXPECT_EQ(GeluApproximate::none, op.approximate);
  EXPECT_TRUE(same_double(0.0, op.forward(0.0)));
  EXPECT_TRUE(same_double(-0.0, op.forward(-0.0)));
  expect_relative(0.84134474606854294859, op.forward(1.0), 1e-15);
  expect_relative(-0.00404969409489028358, op.forward(-3.0), 1e-15);
  expect_relative(-7.619853024160526066e-23, op.forward(-10.0), 1e-15);
  expect_relative(-1.4720141781444561179e-196, op.forward(-30.0), 1e-15);
  EXPECT_TRUE(same_double(-0.0, op.forward(-50.0)));
  EXPECT_EQ(kInfD, op.forward(kInfD));
  EXPECT_TRUE(std::isnan(op.forward(-kInfD)));  // -inf * 0, as in PyTorch
  EXPECT_TRUE(std::isnan(op.forward(kNaND)));
  EXPECT_DOUBLE_EQ(0.5, op.grad_from_input(0.0, 1.0));
  expect_relative(1.0833154705876862984, op.grad_from_input(1.0, 1.0), 1e-15);
  expect_relative(-0.011945647204183927, op.grad_from_input(-3.0, 1.0), 1e-15);
  expect_relative(-7.6184000964648140857e-22, op.grad_from_input(-10.0, 1.0), 1e-15);
  EXPECT_NEAR(0.0, op.grad_from_input(-0.75179152469356445746, 1.0), 1e-15);
  EXPECT_EQ(-2.0, op.grad_from_input(kInfD, -2.0));  // the limits at +-inf
  EXPECT_EQ(0.0, op.grad_from_input(-kInfD, -2.0));
  EXPECT_TRUE(std::isnan(op.grad_from_input(kNaND, 1.0)));
  // float: the same values, within its contract.
  const Gelu<float> f;
  expect_relative(0.84134474606854294859, f.forward(1.0f), 1e-6);
  expect_relative(-7.619853024160526066e-23, f.forward(-10.0f), 1e-6);
  EXPECT_EQ(kInf, f.forward(kInf));
  EXPECT_EQ(1.0f, f.grad_from_input(kInf, 1.0f));
  EXPECT_FALSE(has_grad_from_output_v<Gelu<double>>);
}

TEST(GeluMath, TanhFormGoldenValuesTailsAndEdges) {
  const Gelu<double> op{GeluApproximate::tanh};
  EXPECT_TRUE(same_double(-0.0, op.forward(-0.0)));
  expect_relative(0.84119199060827670478, op.forward(1.0), 1e-15);
  expect_relative(-0.0036373920817730188378, op.forward(-3.0), 1e-15);
  expect_relative(-1.2040923482098059937e-37, op.forward(-10.0), 1e-13);
  EXPECT_EQ(kInfD, op.forward(kInfD));
  EXPECT_TRUE(std::isnan(op.forward(-kInfD)));
  EXPECT_EQ(1e300, op.forward(1e300));  // x^3 overflows: sigma(+inf) = 1
  EXPECT_DOUBLE_EQ(0.5, op.grad_from_input(0.0, 1.0));
  expect_relative(1.0829640838457825551, op.grad_from_input(1.0, 1.0), 1e-15);
  expect_relative(-0.011584166630969726204, op.grad_from_input(-3.0, 1.0), 1e-15);
  expect_relative(-2.7576380638540316073e-36, op.grad_from_input(-10.0, 1.0), 1e-13);
  EXPECT_NEAR(0.0, op.grad_from_input(-0.75246142207101625849, 1.0), 1e-15);
  EXPECT_EQ(-2.0, op.grad_from_input(kInfD, -2.0));
  EXPECT_EQ(-2.0, op.grad_from_input(1e300, -2.0));
  EXPECT_EQ(0.0, op.grad_from_input(-kInfD, -2.0));
  EXPECT_TRUE(std::isnan(op.grad_from_input(kNaND, 1.0)));
  // Without the cancellation of 1 + tanh(u): PyTorch's float formula is 0 here.
  const Gelu<float> f{GeluApproximate::tanh};
  expect_relative(-1.2040923482098059937e-37, f.forward(-10.0f), 1e-5);
}

TEST(SoftplusMath, GoldenValuesTheThresholdAndBeta) {
  const Softplus<double> op;  // beta = 1, threshold = 20
  EXPECT_EQ(1.0, op.beta);
  EXPECT_EQ(20.0, op.threshold);
  expect_relative(0.69314718055994530942, op.forward(0.0), 1e-15);
  expect_relative(1.313261687518222834, op.forward(1.0), 1e-15);
  expect_relative(0.048587351573742058759, op.forward(-3.0), 1e-15);
  expect_relative(1.928749847963917783e-22, op.forward(-50.0), 1e-15);
  expect_relative(20.000000002061153622, op.forward(20.0), 1e-15);  // not above the threshold
  EXPECT_EQ(20.5, op.forward(20.5));  // x itself above it
  EXPECT_EQ(kInfD, op.forward(kInfD));
  EXPECT_TRUE(same_double(0.0, op.forward(-kInfD)));
  EXPECT_TRUE(std::isnan(op.forward(kNaND)));
  expect_relative(0.73105857863000487925 * -2.0, op.grad_from_input(1.0, -2.0), 1e-15);
  EXPECT_EQ(-2.0, op.grad_from_input(20.5, -2.0));
  EXPECT_TRUE(std::isnan(op.grad_from_input(kNaND, 1.0)));
  // beta: log1p(e^(x beta))/beta, and the threshold applies to x*beta.
  const Softplus<double> b2{2.0, 20.0};
  expect_relative(1.0634640055214862482, b2.forward(1.0), 1e-15);
  EXPECT_EQ(15.0, b2.forward(15.0));  // 30 > 20
  const Softplus<double> neg{-0.5, 20.0};
  expect_relative(-0.402826555965504819, neg.forward(3.0), 1e-15);
  expect_relative(0.18242552380635634039, neg.grad_from_input(3.0, 1.0), 1e-15);
  // A threshold PyTorch's exp(x*beta) would overflow below: still finite here.
  const Softplus<float> high{1.0f, 200.0f};
  EXPECT_TRUE(same_float(150.0f, high.forward(150.0f)));
  EXPECT_EQ(1.0f, high.grad_from_input(150.0f, 1.0f));
  EXPECT_FALSE(has_grad_from_output_v<Softplus<double>>);
}

TEST(GeluMath, ParameterSelectsTheFormAndVisitCallsIt) {
  int which = -1;
  Gelu<float>{}.visit([&](const auto& form) {
    which = std::is_same_v<std::decay_t<decltype(form)>, GeluErf<float>> ? 0 : 1;
  });
  EXPECT_EQ(0, which);
  Gelu<float>{GeluApproximate::tanh}.visit([&](const auto& form) {
    which = std::is_same_v<std::decay_t<decltype(form)>, GeluTanh<float>> ? 1 : 0;
  });
  EXPECT_EQ(1, which);
  for (float x : {-4.0f, -0.75f, 0.3f, 2.0f}) {
    EXPECT_EQ(GeluErf<float>{}.forward(x), Gelu<float>{}.forward(x));
    EXPECT_EQ(GeluTanh<float>{}.grad_from_input(x, 1.5f),
              Gelu<float>{GeluApproximate::tanh}.grad_from_input(x, 1.5f));
    EXPECT_EQ(GeluErf<float>{}.forward_16bit(x), Gelu<float>{}.forward_16bit(x));
  }
}

TEST(HardsigmoidMath, ClampsTheLineThroughOneHalfAndTakesTheGradientInsideOnly) {
  const Hardsigmoid<float> op;
  EXPECT_TRUE(same_float(0.0f, op.forward(-3.0f)));
  EXPECT_TRUE(same_float(0.0f, op.forward(-kInf)));
  EXPECT_TRUE(same_float(0.5f, op.forward(0.0f)));
  EXPECT_TRUE(same_float(1.0f, op.forward(3.0f)));
  EXPECT_TRUE(same_float(1.0f, op.forward(kInf)));
  EXPECT_TRUE(same_float(4.5f / 6.0f, op.forward(1.5f)));
  EXPECT_TRUE(std::isnan(op.forward(kNaN)));
  EXPECT_TRUE(same_float(0.0f, op.grad_from_input(-3.0f, 6.0f)));
  EXPECT_TRUE(same_float(0.0f, op.grad_from_input(3.0f, 6.0f)));
  EXPECT_TRUE(same_float(0.0f, op.grad_from_input(kNaN, 6.0f)));
  EXPECT_TRUE(same_float(6.0f * (1.0f / 6.0f), op.grad_from_input(2.9f, 6.0f)));
  EXPECT_TRUE(same_float(0.0f, op.grad_from_output(1.0f, 6.0f)));
  EXPECT_TRUE(same_float(0.0f, op.grad_from_output(0.0f, 6.0f)));
  // The one float below 3 whose x + 3 rounds to 6: y = 1, so from the output the gradient
  // is 0 while from the input it is dy/6 (documented).
  EXPECT_TRUE(same_float(1.0f, op.forward(2.99999976f)));
  EXPECT_TRUE(same_float(0.0f, op.grad_from_output(op.forward(2.99999976f), 6.0f)));
}

TEST(HardswishMath, FollowsPyTorchsBranchesAndKeepsHugeInputs) {
  const Hardswish<float> op;
  EXPECT_TRUE(same_float(-0.0f, op.forward(-3.0f)));  // -3 * 0 / 6
  EXPECT_TRUE(same_float(-0.0f, op.forward(-4.0f)));  // -4 * 0 / 6
  EXPECT_TRUE(same_float(4.0f, op.forward(4.0f)));
  EXPECT_TRUE(same_float(1.0f * 4.0f / 6.0f, op.forward(1.0f)));
  EXPECT_TRUE(same_float(3e38f, op.forward(3e38f)));  // PyTorch: inf (x*6 overflows)
  EXPECT_TRUE(std::isnan(op.forward(-kInf)));          // -inf * 0, as PyTorch
  EXPECT_TRUE(same_float(0.0f, op.grad_from_input(-3.5f, 2.0f)));
  // PyTorch >= 2.8: the open interval (-3, 3); 0 at -3, dy at 3.
  EXPECT_TRUE(same_float(0.0f, op.grad_from_input(-3.0f, 2.0f)));
  EXPECT_TRUE(same_float(2.0f * (-2.5f / 3.0f + 0.5f), op.grad_from_input(-2.5f, 2.0f)));
  EXPECT_TRUE(same_float(2.0f, op.grad_from_input(3.0f, 2.0f)));
  EXPECT_TRUE(same_float(2.0f * (std::nextafter(3.0f, 0.0f) / 3.0f + 0.5f),
                         op.grad_from_input(std::nextafter(3.0f, 0.0f), 2.0f)));
  EXPECT_TRUE(same_float(0.0f, op.grad_from_input_16bit(-3.0f, 2.0f)));
  EXPECT_TRUE(same_float(2.0f, op.grad_from_input_16bit(3.0f, 2.0f)));
  EXPECT_TRUE(same_float(2.0f, op.grad_from_input(3.5f, 2.0f)));
  EXPECT_TRUE(same_float(2.0f, op.grad_from_input(kNaN, 2.0f)));
}

TEST(SquaredReluMath, SquaresThePositiveSide) {
  const SquaredRelu<float> op;
  EXPECT_TRUE(same_float(0.0f, op.forward(-2.0f)));
  EXPECT_TRUE(same_float(0.0f, op.forward(-0.0f)));
  EXPECT_TRUE(same_float(6.25f, op.forward(2.5f)));
  EXPECT_TRUE(std::isnan(op.forward(kNaN)));
  EXPECT_TRUE(same_float(0.0f, op.grad_from_input(0.0f, 3.0f)));
  EXPECT_TRUE(same_float(15.0f, op.grad_from_input(2.5f, 3.0f)));
  EXPECT_TRUE(same_float(3e38f, op.grad_from_input(1.5e38f, 1.0f)));  // no overflow in 2*x
  EXPECT_FALSE(has_grad_from_output_v<SquaredRelu<float>>);
}

TEST(HardshrinkMath, ZeroesTheClosedBandAndPassesEverythingElse) {
  const Hardshrink<float> op;  // PyTorch's default: lambd = 0.5
  EXPECT_EQ(0.5f, op.lambd);
  EXPECT_TRUE(same_float(0.0f, op.forward(0.5f)));   // the bounds are inside
  EXPECT_TRUE(same_float(0.0f, op.forward(-0.5f)));
  EXPECT_TRUE(same_float(0.0f, op.forward(-0.0f)));  // +0, PyTorch's scalar_t(0)
  EXPECT_TRUE(same_float(0.0f, op.forward(0.25f)));
  EXPECT_TRUE(same_float(0.50000006f, op.forward(0.50000006f)));
  EXPECT_TRUE(same_float(-0.50000006f, op.forward(-0.50000006f)));
  EXPECT_TRUE(same_float(-kInf, op.forward(-kInf)));
  EXPECT_TRUE(std::isnan(op.forward(kNaN)));
  EXPECT_TRUE(same_float(0.0f, op.grad_from_input(0.5f, 3.0f)));
  EXPECT_TRUE(same_float(3.0f, op.grad_from_input(0.50000006f, 3.0f)));
  EXPECT_TRUE(same_float(3.0f, op.grad_from_input(kNaN, 3.0f)));  // NaN passes dy
  EXPECT_TRUE(same_float(3.0f, op.grad_from_input(kInf, 3.0f)));
  // A negative lambd zeroes nothing, as in PyTorch; the gradient from y is then refused.
  const Hardshrink<float> negative{-1.0f};
  EXPECT_TRUE(same_float(0.25f, negative.forward(0.25f)));
  EXPECT_TRUE(same_float(3.0f, negative.grad_from_input(0.0f, 3.0f)));
  EXPECT_TRUE(op.allows_grad_from_output());
  EXPECT_TRUE(Hardshrink<float>{0.0f}.allows_grad_from_output());
  EXPECT_FALSE(negative.allows_grad_from_output());
  EXPECT_FALSE(Hardshrink<float>{kNaN}.allows_grad_from_output());
}

TEST(SoftshrinkMath, ShrinksTowardZeroByLambdAndKeepsNan) {
  const Softshrink<double> op;  // lambd = 0.5
  EXPECT_EQ(0.5, op.lambd);
  EXPECT_TRUE(same_double(0.0, op.forward(0.5)));
  EXPECT_TRUE(same_double(0.0, op.forward(-0.5)));
  EXPECT_TRUE(same_double(0.0, op.forward(-0.25)));  // +0, PyTorch's scalar_t(0)
  EXPECT_TRUE(same_double(1.5, op.forward(2.0)));
  EXPECT_TRUE(same_double(-1.5, op.forward(-2.0)));
  EXPECT_TRUE(same_double(0x1p-53, op.forward(0.5 + 0x1p-53)));  // exact past the bound
  EXPECT_TRUE(same_double(kInfD, op.forward(kInfD)));
  EXPECT_TRUE(same_double(-kInfD, op.forward(-kInfD)));
  EXPECT_TRUE(std::isnan(op.forward(kNaND)));  // NaN stays NaN (PyTorch's _isnan test)
  EXPECT_TRUE(same_double(0.0, op.grad_from_input(-0.5, 2.0)));
  EXPECT_TRUE(same_double(2.0, op.grad_from_input(-0.5 - 0x1p-53, 2.0)));
  EXPECT_TRUE(same_double(2.0, op.grad_from_input(kNaND, 2.0)));
  const Softshrink<float> zero{0.0f};  // lambd = 0: the identity but at 0
  EXPECT_TRUE(same_float(kDenorm, zero.forward(kDenorm)));
  EXPECT_TRUE(same_float(0.0f, zero.forward(-0.0f)));
  EXPECT_TRUE(same_float(0.0f, zero.grad_from_input(0.0f, 1.0f)));
  EXPECT_FALSE(has_grad_from_output_v<Softshrink<float>>);
}

TEST(TanhshrinkMath, GoldenValuesWithoutCancellationNearZero) {
  const Tanhshrink<double> op;
  expect_relative(0.238405844044235111881, op.forward(1.0), 1e-15);
  expect_relative(-2.00494524631326954867, op.forward(-3.0), 1e-15);
  expect_relative(0.0050813375962908707222, op.forward(0.25), 1e-15);
  // x - tanh(x) in double keeps 6 digits of these; the series all of them.
  expect_relative(3.33333200000053968232e-10, op.forward(0.001), 1e-15);
  expect_relative(-3.33333200000053968232e-10, op.forward(-0.001), 1e-15);
  expect_relative(1e-300 / 3, op.forward(1e-100), 1e-15);
  // The half-argument form either side of the series' end at h = 1/2, and either side of
  // the switch to x - tanh(x) at 1.
  expect_relative(0.0378828427399902414977, op.forward(0.5), 1e-15);
  expect_relative(0.0378828427399902286845, op.forward(0.49999999999999994), 1e-15);
  expect_relative(0.238405844044235111881, op.forward(1.0), 1e-15);
  expect_relative(0.238405844044235047486, op.forward(0.99999999999999988898), 1e-15);
  expect_relative(19.0000000000000000085, op.forward(20.0), 1e-15);
  EXPECT_TRUE(same_double(0.0, op.forward(-0.0)));  // PyTorch's -0 - tanh(-0) = +0
  EXPECT_TRUE(same_double(kInfD, op.forward(kInfD)));
  EXPECT_TRUE(same_double(-kInfD, op.forward(-kInfD)));
  EXPECT_TRUE(std::isnan(op.forward(kNaND)));
  expect_relative(0.580025658385973930606 * -2.0, op.grad_from_input(1.0, -2.0), 1e-15);
  expect_relative(9.99999333333711110914e-7, op.grad_from_input(0.001, 1.0), 1e-15);
  expect_relative(1e-200, op.grad_from_input(1e-100, 1.0), 1e-15);  // no underflow of t^2
  EXPECT_EQ(1.5, op.grad_from_input(kInfD, 1.5));
  const Tanhshrink<float> f;
  EXPECT_TRUE(same_float(3.3333320e-10f, f.forward(0.001f), 2));
  EXPECT_TRUE(same_float(0.23840584f, f.forward(1.0f), 4));
  EXPECT_TRUE(same_float(0.58002566f, f.grad_from_input_16bit(1.0f, 1.0f), 64));
  EXPECT_FALSE(has_grad_from_output_v<Tanhshrink<float>>);
}

TEST(SoftsignMath, GoldenValuesAndItsLimitsAtInfinity) {
  const Softsign<double> op;
  EXPECT_TRUE(same_double(0.75, op.forward(3.0)));
  EXPECT_TRUE(same_double(-0.5, op.forward(-1.0)));
  EXPECT_TRUE(same_double(-0.0, op.forward(-0.0)));
  EXPECT_TRUE(same_double(1e-300, op.forward(1e-300)));
  EXPECT_TRUE(same_double(1.0, op.forward(1e300)));
  EXPECT_TRUE(same_double(1.0, op.forward(kInfD)));  // PyTorch's inf/inf gives NaN
  EXPECT_TRUE(same_double(-1.0, op.forward(-kInfD)));
  EXPECT_TRUE(std::isnan(op.forward(kNaND)));
  EXPECT_TRUE(same_double(0.25, op.grad_from_input(1.0, 1.0)));
  EXPECT_TRUE(same_double(-3.0 / 16.0, op.grad_from_input(-3.0, -3.0)));
  expect_relative(2.0 / 2.25, op.grad_from_input(-0.5, 2.0), 1e-16);
  EXPECT_TRUE(same_double(0.0, op.grad_from_input(kInfD, 1.0)));
  expect_relative(1e-200, op.grad_from_input(1e100, 1.0), 1e-15);  // no overflow of q^2
  EXPECT_TRUE(std::isnan(op.grad_from_input(kNaND, 1.0)));
  // The 16-bit form: +-1 far out and at +-inf (|x| clamped before the reciprocal), -0 kept.
  const Softsign<float> f;
  EXPECT_EQ(1.0f, f.forward_16bit(3.0e38f));
  EXPECT_EQ(-1.0f, f.forward_16bit(-kInf));
  EXPECT_TRUE(std::signbit(f.forward_16bit(-0.0f)));
  EXPECT_TRUE(std::isnan(f.forward_16bit(kNaN)));
  EXPECT_TRUE(same_float(0.75f, f.forward_16bit(3.0f)));
  EXPECT_FALSE(has_grad_from_output_v<Softsign<float>>);
}

TEST(LogSigmoidMath, GoldenValuesWithoutOverflowAtEitherEnd) {
  const LogSigmoid<double> op;
  expect_relative(-0.693147180559945309417, op.forward(0.0), 1e-15);
  expect_relative(-0.313261687518222834049, op.forward(1.0), 1e-15);
  expect_relative(-3.04858735157374205876, op.forward(-3.0), 1e-15);
  expect_relative(-1.92874984796391778291e-22, op.forward(50.0), 1e-15);
  expect_relative(-9.35762296883973677938e-14, op.forward(30.0), 1e-15);
  EXPECT_EQ(-50.0, op.forward(-50.0));
  EXPECT_EQ(-1e300, op.forward(-1e300));
  EXPECT_TRUE(same_double(-kInfD, op.forward(-kInfD)));
  EXPECT_TRUE(same_double(0.0, op.forward(kInfD)));
  EXPECT_TRUE(std::isnan(op.forward(kNaND)));
  expect_relative(0.268941421369995120749 * 3.0, op.grad_from_input(1.0, 3.0), 1e-15);
  expect_relative(0.952574126822433219121, op.grad_from_input(-3.0, 1.0), 1e-15);
  expect_relative(1.92874984796391778302e-22, op.grad_from_input(50.0, 1.0), 1e-15);
  EXPECT_EQ(0.5, op.grad_from_input(0.0, 1.0));
  EXPECT_EQ(1.0, op.grad_from_input(-kInfD, 1.0));
  EXPECT_EQ(0.0, op.grad_from_input(kInfD, 1.0));
  const LogSigmoid<float> f;  // no overflow of e^-x in float either
  EXPECT_TRUE(same_float(-100.0f, f.forward(-100.0f)));
  EXPECT_TRUE(same_float(1.0f, f.grad_from_input(-100.0f, 1.0f)));
  EXPECT_GT(f.grad_from_input(100.0f, 1.0f), 0.0f);  // e^-100: subnormal, not 0
  EXPECT_FALSE(has_grad_from_output_v<LogSigmoid<float>>);
}

TEST(ThresholdMath, ReplacesAtAndBelowTheThresholdAndKeepsNan) {
  const Threshold<float> op{1.0f, -7.0f};
  EXPECT_TRUE(same_float(-7.0f, op.forward(1.0f)));
  EXPECT_TRUE(same_float(-7.0f, op.forward(-kInf)));
  EXPECT_TRUE(same_float(1.0000001f, op.forward(1.0000001f)));
  EXPECT_TRUE(same_float(kInf, op.forward(kInf)));
  EXPECT_TRUE(std::isnan(op.forward(kNaN)));
  EXPECT_TRUE(same_float(0.0f, op.grad_from_input(1.0f, 2.0f)));
  EXPECT_TRUE(same_float(2.0f, op.grad_from_input(1.0000001f, 2.0f)));
  EXPECT_TRUE(same_float(2.0f, op.grad_from_input(kNaN, 2.0f)));
  // cuact's defaults, 0 and 0, make it relu (PyTorch's F.threshold has none).
  const Threshold<float> relu_like;
  EXPECT_EQ(0.0f, relu_like.threshold);
  EXPECT_EQ(0.0f, relu_like.value);
  for (const float x : {-2.0f, -0.0f, 0.0f, kDenorm, 3.0f, kNaN}) {
    EXPECT_EQ(reference::bits_of(Relu<float>{}.forward(x)),
              reference::bits_of(relu_like.forward(x)))
        << x;
  }
  EXPECT_FALSE(has_grad_from_output_v<Threshold<float>>);
}

TEST(MaskBits, FollowTheSpecsBranchesAtTheEdgesSignedZeroAndNan) {
  // Bit set: the pass-through branch, as docs/semantics.md states each op's gradient rule.
  const Relu<float> relu;
  EXPECT_FALSE(relu.mask_bit(0.0f));
  EXPECT_FALSE(relu.mask_bit(-0.0f));
  EXPECT_FALSE(relu.mask_bit(-kInf));
  EXPECT_TRUE(relu.mask_bit(kDenorm));
  EXPECT_TRUE(relu.mask_bit(kNaN));  // NaN lets dy through
  const LeakyRelu<float> leaky{0.2f};
  EXPECT_FALSE(leaky.mask_bit(0.0f));
  EXPECT_FALSE(leaky.mask_bit(kNaN));  // NaN takes the negative side: dy * slope
  EXPECT_TRUE(leaky.mask_bit(kDenorm));
  EXPECT_EQ(leaky.grad_from_mask_bit(false, 2.0f), 0.4f);
  EXPECT_EQ(leaky.grad_from_mask_bit(true, 2.0f), 2.0f);
  const Relu6<float> relu6;
  EXPECT_FALSE(relu6.mask_bit(0.0f));
  EXPECT_FALSE(relu6.mask_bit(6.0f));
  EXPECT_TRUE(relu6.mask_bit(5.9999995f));
  EXPECT_TRUE(relu6.mask_bit(kNaN));
  const Hardtanh<double> hardtanh{-2.0, 0.5};
  EXPECT_FALSE(hardtanh.mask_bit(-2.0));
  EXPECT_FALSE(hardtanh.mask_bit(0.5));
  EXPECT_TRUE(hardtanh.mask_bit(-1.9999999));
  EXPECT_TRUE(hardtanh.mask_bit(kNaND));
  const Hardsigmoid<float> hardsigmoid;
  EXPECT_FALSE(hardsigmoid.mask_bit(-3.0f));
  EXPECT_FALSE(hardsigmoid.mask_bit(3.0f));
  EXPECT_TRUE(hardsigmoid.mask_bit(2.9999998f));
  EXPECT_FALSE(hardsigmoid.mask_bit(kNaN));  // NaN gives gradient 0
  EXPECT_EQ(hardsigmoid.grad_from_mask_bit(true, 6.0f), 6.0f * float(1.0 / 6.0));
  const Hardshrink<float> hardshrink{0.25f};
  EXPECT_FALSE(hardshrink.mask_bit(0.25f));
  EXPECT_FALSE(hardshrink.mask_bit(-0.25f));
  EXPECT_TRUE(hardshrink.mask_bit(-0.25000003f));
  EXPECT_TRUE(hardshrink.mask_bit(kNaN));  // NaN passes dy
  const Softshrink<float> softshrink{0.25f};
  EXPECT_FALSE(softshrink.mask_bit(0.0f));
  EXPECT_TRUE(softshrink.mask_bit(0.25000003f));
  EXPECT_TRUE(softshrink.mask_bit(kNaN));
  const Threshold<double> threshold{-1.0, 5.0};
  EXPECT_FALSE(threshold.mask_bit(-1.0));
  EXPECT_TRUE(threshold.mask_bit(-0.9999999));
  EXPECT_TRUE(threshold.mask_bit(kNaND));
  static_assert(has_mask_v<Hardshrink<float>> && has_mask_v<Softshrink<float>> &&
                has_mask_v<Threshold<float>>);
  static_assert(!has_mask_v<Tanhshrink<float>> && !has_mask_v<Softsign<float>> &&
                !has_mask_v<LogSigmoid<float>>);
  // Only the ops whose gradient is dy times a branch's slope have a mask.
  static_assert(has_mask_v<Relu<float>> && has_mask_v<Hardsigmoid<double>>);
  static_assert(!has_mask_v<Elu<float>> && !has_mask_v<SquaredRelu<float>> &&
                !has_mask_v<Hardswish<float>> && !has_mask_v<Prelu<float>>);
}

/// Over every 16-bit input and a few dy, the gradient from the mask bit is the gradient from
/// the input bit for bit (NaN payloads included), for each op with a mask.
template <class Op>
void expect_mask_gradient_is_input_gradient(const Op& op) {
  for (std::uint32_t bits = 0; bits <= 0xFFFF; ++bits) {
    const std::uint32_t widened = bits << 16;  // a bf16 is the top half of a float
    float x = 0.0f;
    std::memcpy(&x, &widened, sizeof x);
    for (const float dy : {1.5f, -0.0f, kNaN, -3.0e38f}) {
      const float a = op.grad_from_input(x, dy);
      const float b = op.grad_from_mask_bit(op.mask_bit(x), dy);
      ASSERT_EQ(reference::bits_of(a), reference::bits_of(b)) << Op::name << " at " << x;
    }
  }
}

TEST(MaskBits, GradientFromTheBitIsTheGradientFromTheInputForEveryBf16Input) {
  expect_mask_gradient_is_input_gradient(Relu<float>{});
  expect_mask_gradient_is_input_gradient(LeakyRelu<float>{-0.2f});
  expect_mask_gradient_is_input_gradient(Relu6<float>{});
  expect_mask_gradient_is_input_gradient(Hardtanh<float>{-0.5f, 2.0f});
  expect_mask_gradient_is_input_gradient(Hardsigmoid<float>{});
  expect_mask_gradient_is_input_gradient(Hardshrink<float>{});
  expect_mask_gradient_is_input_gradient(Hardshrink<float>{-0.75f});
  expect_mask_gradient_is_input_gradient(Softshrink<float>{1.5f});
  expect_mask_gradient_is_input_gradient(Threshold<float>{0.3f, 20.0f});
}

TEST(PreluMath, MatchesLeakyReluWithTheChannelAlphaAndSumsOnlyTheNegativeSide) {
  const Prelu<float> op{0.25f};
  EXPECT_TRUE(same_float(-0.5f, op.forward(-2.0f)));
  EXPECT_TRUE(same_float(2.0f, op.forward(2.0f)));
  EXPECT_TRUE(same_float(0.75f, op.grad_from_input(0.0f, 3.0f)));
  EXPECT_TRUE(same_float(3.0f, op.grad_from_input(1.0f, 3.0f)));
  EXPECT_TRUE(same_float(-6.0f, op.alpha_grad_term(-2.0f, 3.0f)));
  EXPECT_TRUE(same_float(0.0f, op.alpha_grad_term(2.0f, 3.0f)));
  EXPECT_TRUE(same_float(0.0f, op.alpha_grad_term(0.0f, 3.0f)));
  EXPECT_TRUE(std::isnan(op.alpha_grad_term(kNaN, 3.0f)));  // a NaN poisons its channel's sum
  EXPECT_FALSE(op.allows_grad_from_output());
}


struct LongDoubleElu {
  long double alpha, scale, input_scale;
  long double forward(long double x) const {
    return x > 0 ? x * scale : alpha * scale * ::expm1l(x * input_scale);
  }
  long double grad(long double x) const {
    return x > 0 ? scale : alpha * scale * input_scale * ::expl(x * input_scale);
  }
};

std::vector<double> grid(double lo, double hi, int steps) {
  std::vector<double> xs;
  for (int i = 0; i <= steps; ++i) {
    xs.push_back(lo + (hi - lo) * i / steps);
  }
  // Tiny and huge magnitudes, where naive formulas fail.
  for (double x : {1e-30, -1e-30, 1e-12, -1e-12, 1e-300, -1e-300, 80.0, -80.0, 700.0, -700.0}) {
    xs.push_back(x);
  }
  return xs;
}

void expect_elu_family_matches_long_double(const Elu<double>& op64, const Elu<float>& op32,
                                           const LongDoubleElu& ref) {
  for (double x : grid(-20.0, 20.0, 4001)) {
    const long double fwd = ref.forward(x);
    const long double grad = ref.grad(x);
    EXPECT_LE(reference::ulp_distance(static_cast<double>(fwd), op64.forward(x)), 2u)
        << "x = " << x;
    EXPECT_LE(reference::ulp_distance(static_cast<double>(grad), op64.grad_from_input(x, 1.0)), 2u)
        << "x = " << x;
    // Float: the reference is evaluated at the float input itself. The gradient is a product
    // of four rounded factors, hence one more ulp.
    const auto xf = static_cast<float>(x);
    const long double xl = xf;
    EXPECT_LE(reference::ulp_distance(static_cast<float>(ref.forward(xl)), op32.forward(xf)), 2u)
        << "x = " << xf;
    EXPECT_LE(
        reference::ulp_distance(static_cast<float>(ref.grad(xl)), op32.grad_from_input(xf, 1.f)),
        3u)
        << "x = " << xf;
  }
}

TEST(EluMath, MatchesALongDoubleEvaluationWithin2UlpInDoubleAndFloat) {
  expect_elu_family_matches_long_double(Elu<double>::elu(1.0), Elu<float>::elu(1.0f),
                                        {1.0L, 1.0L, 1.0L});
  expect_elu_family_matches_long_double(Elu<double>::elu(0.3), Elu<float>::elu(0.3f),
                                        {0.3L, 1.0L, 1.0L});
}

TEST(SeluMath, MatchesALongDoubleEvaluationWithin2UlpInDoubleAndFloat) {
  expect_elu_family_matches_long_double(Elu<double>::selu(), Elu<float>::selu(),
                                        {kSeluAlpha, kSeluScale, 1.0L});
}

TEST(CeluMath, MatchesALongDoubleEvaluationWithin2UlpInDoubleAndFloat) {
  expect_elu_family_matches_long_double(Elu<double>::celu(0.5), Elu<float>::celu(0.5f),
                                        {0.5L, 1.0L, 2.0L});
}


template <class Op>
void expect_gradient_matches_central_difference(const Op& op, double kink_lo, double kink_hi) {
  const double h = 1e-6;
  for (double x = -12.0; x <= 12.0; x += 0.0371) {
    if (std::fabs(x - kink_lo) < 1e-3 || std::fabs(x - kink_hi) < 1e-3) {
      continue;  // the difference quotient straddles a kink
    }
    const double fd = (op.forward(x + h) - op.forward(x - h)) / (2 * h);
    const double g = op.grad_from_input(x, 1.0);
    EXPECT_NEAR(fd, g, 1e-7 * std::fmax(1.0, std::fabs(g))) << "x = " << x;
    // The gradient is linear in dy.
    EXPECT_DOUBLE_EQ(g * -2.5, op.grad_from_input(x, -2.5)) << "x = " << x;
  }
}

TEST(ActivationMath, GradientsMatchCentralDifferencesInDouble) {
  expect_gradient_matches_central_difference(Relu<double>{}, 0.0, 0.0);
  expect_gradient_matches_central_difference(LeakyRelu<double>{0.01}, 0.0, 0.0);
  expect_gradient_matches_central_difference(LeakyRelu<double>{-0.3}, 0.0, 0.0);
  expect_gradient_matches_central_difference(Elu<double>::elu(1.0), 0.0, 0.0);
  expect_gradient_matches_central_difference(Elu<double>::elu(0.4), 0.0, 0.0);
  expect_gradient_matches_central_difference(Elu<double>::selu(), 0.0, 0.0);
  expect_gradient_matches_central_difference(Elu<double>::celu(2.5), 0.0, 0.0);
  expect_gradient_matches_central_difference(Elu<double>::celu(-1.5), 0.0, 0.0);
  expect_gradient_matches_central_difference(Relu6<double>{}, 0.0, 6.0);
  expect_gradient_matches_central_difference(Hardtanh<double>{}, -1.0, 1.0);
  expect_gradient_matches_central_difference(Hardtanh<double>{-0.5, 4.25}, -0.5, 4.25);
  expect_gradient_matches_central_difference(Sigmoid<double>{}, 0.0, 0.0);
  expect_gradient_matches_central_difference(Tanh<double>{}, 0.0, 0.0);
  expect_gradient_matches_central_difference(Silu<double>{}, 0.0, 0.0);
  expect_gradient_matches_central_difference(QuickGelu<double>{}, 0.0, 0.0);
  expect_gradient_matches_central_difference(Mish<double>{}, 0.0, 0.0);
  expect_gradient_matches_central_difference(Gelu<double>{}, 0.0, 0.0);
  expect_gradient_matches_central_difference(Gelu<double>{GeluApproximate::tanh}, 0.0, 0.0);
  expect_gradient_matches_central_difference(Softplus<double>{}, 0.0, 0.0);
  expect_gradient_matches_central_difference(Softplus<double>{-1.5, 4.0}, -4.0 / 1.5, 0.0);
  expect_gradient_matches_central_difference(Hardsigmoid<double>{}, -3.0, 3.0);
  expect_gradient_matches_central_difference(Hardswish<double>{}, -3.0, 3.0);
  expect_gradient_matches_central_difference(SquaredRelu<double>{}, 0.0, 0.0);
  expect_gradient_matches_central_difference(Prelu<double>{0.2}, 0.0, 0.0);
  expect_gradient_matches_central_difference(Hardshrink<double>{}, -0.5, 0.5);
  expect_gradient_matches_central_difference(Hardshrink<double>{2.0}, -2.0, 2.0);
  expect_gradient_matches_central_difference(Softshrink<double>{}, -0.5, 0.5);
  expect_gradient_matches_central_difference(Softshrink<double>{0.0}, 0.0, 0.0);
  expect_gradient_matches_central_difference(Tanhshrink<double>{}, 0.0, 0.0);
  expect_gradient_matches_central_difference(Softsign<double>{}, 0.0, 0.0);
  expect_gradient_matches_central_difference(LogSigmoid<double>{}, 0.0, 0.0);
  expect_gradient_matches_central_difference(Threshold<double>{1.5, -4.0}, 1.5, 1.5);
}


template <class Op>
void expect_output_gradient_equals_input_gradient(const Op& op, double lo, double rel_tol) {
  ASSERT_TRUE(op.allows_grad_from_output());
  std::vector<double> xs = grid(lo, 12.0, 2401);
  xs.insert(xs.end(), {0.0, -0.0, 6.0, std::numeric_limits<double>::quiet_NaN(),
                       std::numeric_limits<double>::infinity()});
  for (double x : xs) {
    if (x < lo) {
      continue;
    }
    const double dy = -1.75;
    const double from_x = op.grad_from_input(x, dy);
    const double from_y = op.grad_from_output(op.forward(x), dy);
    if (std::isnan(from_x) && std::isnan(from_y)) {
      continue;
    }
    if (rel_tol == 0) {
      EXPECT_EQ(reference::ulp_distance(from_x, from_y), 0u) << "x = " << x;
    } else {
      EXPECT_NEAR(from_x, from_y, rel_tol * std::fmax(1.0, std::fabs(from_x))) << "x = " << x;
    }
  }
}

TEST(ActivationMath, GradientFromOutputEqualsGradientFromInputWhereAllowed) {
  const double lo = -std::numeric_limits<double>::infinity();
  expect_output_gradient_equals_input_gradient(Relu<double>{}, lo, 0);
  expect_output_gradient_equals_input_gradient(Relu6<double>{}, lo, 0);
  expect_output_gradient_equals_input_gradient(LeakyRelu<double>{0.01}, lo, 0);
  expect_output_gradient_equals_input_gradient(LeakyRelu<double>{0.0}, lo, 0);
  expect_output_gradient_equals_input_gradient(Hardtanh<double>{}, lo, 0);
  expect_output_gradient_equals_input_gradient(Hardtanh<double>{-0.5, 4.25}, lo, 0);
  expect_output_gradient_equals_input_gradient(Hardsigmoid<double>{}, lo, 0);
  expect_output_gradient_equals_input_gradient(Hardshrink<double>{}, lo, 0);
  expect_output_gradient_equals_input_gradient(Hardshrink<double>{0.0}, lo, 0);
  expect_output_gradient_equals_input_gradient(Hardshrink<double>{3.5}, lo, 0);
  // From y, sigmoid's and tanh's gradients (PyTorch's dy*(1 - y)*y, dy*(1 - y*y)) lose the
  // digits 1 - y cancels for large |x|; to x = 12 double keeps 12 digits.
  expect_output_gradient_equals_input_gradient(Sigmoid<double>{}, -12.0, 1e-11);
  expect_output_gradient_equals_input_gradient(Tanh<double>{}, -6.0, 1e-10);
  // The elu family cancels in y + alpha*scale for very negative x (see ops.hpp); down to
  // x = -5 double keeps about 13 digits.
  expect_output_gradient_equals_input_gradient(Elu<double>::elu(1.0), -5.0, 1e-12);
  expect_output_gradient_equals_input_gradient(Elu<double>::elu(0.0), -5.0, 1e-12);
  expect_output_gradient_equals_input_gradient(Elu<double>::selu(), -5.0, 1e-12);
  expect_output_gradient_equals_input_gradient(Elu<double>::celu(0.75), -5.0, 1e-12);
}

}  // namespace
}  // namespace cuact
