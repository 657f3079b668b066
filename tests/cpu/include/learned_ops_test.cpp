// The functors of learned_ops.hpp against expectations written apart from them: golden values
// from a 40-digit evaluation, the limits at alpha = 0, the edges, and central differences in
// double for the input gradient and every parameter's.
#include <cuact/learned_ops.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace cuact {
namespace {

constexpr double kInfD = std::numeric_limits<double>::infinity();
constexpr double kNaND = std::numeric_limits<double>::quiet_NaN();

void expect_relative(double want, double got, double rel) {
  EXPECT_NEAR(want, got, rel * std::fabs(want)) << "want " << want << ", got " << got;
}

TEST(SnakeMath, GoldenValues) {
  struct Row {
    double alpha, x, y, dx, dalpha;
  };
  const Row rows[] = {
      {1, 0.5, 0.7298488470659301413, 1.84147098480789650665, 0.190886645338018112027},
      {1, -2, -1.17317818956819404268, 1.75680249530792825137, -2.34042680104766246006},
      {0.5, 3, 4.98999249660044545727, 1.1411200080598672221, -3.13326494484168758194},
      {1e-3, 10, 10.0999966667111107937, 1.01999866669333307937, 99.9900002222200000127},
      {2, 1e-10, 1.0000000002e-10, 1.0000000004, 9.9999999999999999996e-21},
      {-1.5, 0.7, 0.198384631800047516126, 0.136790633351126229319, 0.0684207923028394370686},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(::testing::Message() << "alpha " << r.alpha << ", x " << r.x);
    const Snake<double> op{r.alpha};
    expect_relative(r.y, op.forward(r.x), 1e-15);
    // dx = dy (s + c)^2: where s + c is small (here t = -1.05) the sine's and cosine's ulp
    // grow relative to it.
    expect_relative(r.dx * -2.5, op.grad_from_input(r.x, -2.5), 1e-14);
    expect_relative(r.dalpha * 3.0, op.alpha_grad_term(r.x, 3.0), 1e-14);
  }
}

TEST(SnakeMath, AlphaZeroIsTheLimitNotADivisionByZero) {
  const Snake<double> zero{0.0};
  for (const double x : {-3.0, -0.0, 0.0, 1e-300, 2.5, 1e10}) {
    EXPECT_EQ(x, zero.forward(x)) << x;                       // x + alpha x^2 at alpha = 0
    EXPECT_EQ(1.5, zero.grad_from_input(x, 1.5)) << x;        // (sin 0 + cos 0)^2 = 1
    expect_relative(x * x * 2.0, zero.alpha_grad_term(x, 2.0), 1e-15);  // dy x^2
  }
  // The same limit from either side: alpha -> 0 is continuous.
  const double x = 1.7;
  expect_relative(Snake<double>{1e-9}.forward(x), zero.forward(x), 1e-8);
  expect_relative(Snake<double>{-1e-9}.alpha_grad_term(x, 1.0), zero.alpha_grad_term(x, 1.0),
                  1e-8);
  EXPECT_TRUE(std::isfinite(Snake<float>{0.0f}.alpha_grad_term(3.0f, 1.0f)));
}

TEST(SnakeMath, EdgesAndLargeInputs) {
  const Snake<double> op{1.0};
  EXPECT_EQ(0.0, op.forward(-0.0));  // +0, as BigVGAN's -0 + sin^2(-0)/alpha
  EXPECT_FALSE(std::signbit(op.forward(-0.0)));
  EXPECT_TRUE(std::isnan(op.forward(kInfD)));  // sin(inf), as BigVGAN
  EXPECT_TRUE(std::isnan(op.forward(kNaND)));
  EXPECT_TRUE(std::isnan(op.grad_from_input(kNaND, 1.0)));
  // Large x: the sin^2 term stays within 1/alpha, and dalpha's x^2 q does not overflow.
  const Snake<float> f{2.0f};
  const float big = 3.0e30f;
  EXPECT_LE(std::fabs(f.forward(big) - big), 1.0f * std::fabs(big) * 1e-7f);
  EXPECT_TRUE(std::isfinite(f.alpha_grad_term(big, 1.0f)));
  // The gradient (s + c)^2 is never negative, 0 only at its zeros.
  for (double x = -20; x <= 20; x += 0.013) {
    EXPECT_GE(op.grad_from_input(x, 1.0), 0.0) << x;
  }
  EXPECT_LT(op.grad_from_input(-M_PI / 4, 1.0), 1e-30);
}

TEST(SnakeBetaMath, GoldenValues) {
  struct Row {
    double alpha, beta, x, y, dx, dalpha, dbeta;
  };
  const Row rows[] = {
      {1, 2, 0.5, 0.61492442353296507065, 1.42073549240394825333, 0.210367746201974126663,
       -0.0574622117664825353249},
      {3, 0.25, -1.2, -0.41670262906450934201, -8.52401436618983662957, 3.80960574647593465183,
       -3.13318948374196263196},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(::testing::Message() << "alpha " << r.alpha << ", beta " << r.beta);
    // x = -1.2 is not a double: against the exact decimal, its rounding shows at 1e-15.
    const SnakeBeta<double> op{r.alpha, r.beta};
    expect_relative(r.y, op.forward(r.x), 1e-14);
    expect_relative(r.dx * 0.5, op.grad_from_input(r.x, 0.5), 1e-14);
    const auto t = op.param_grad_terms(r.x, -1.25);
    expect_relative(r.dalpha * -1.25, t.alpha, 1e-14);
    expect_relative(r.dbeta * -1.25, t.beta, 1e-14);
  }
  // alpha = 0: y = x, no parameter leaves a trace but dbeta's 0.
  const SnakeBeta<double> flat{0.0, 3.0};
  EXPECT_EQ(2.5, flat.forward(2.5));
  EXPECT_EQ(1.0, flat.grad_from_input(2.5, 1.0));
  EXPECT_EQ(0.0, flat.param_grad_terms(2.5, 1.0).alpha);
  EXPECT_TRUE(std::isnan(SnakeBeta<double>{}.forward(kInfD)));
}

/// Every gradient against a central difference of the forward in double: dx over x, and
/// each parameter's term over that parameter (the term is the parameter's gradient of one
/// element).
TEST(LearnedMath, GradientsMatchCentralDifferencesInDouble) {
  const double h = 1e-6;
  for (const double alpha : {1.0, 0.37, 4.5, -2.0, 1e-4}) {
    for (double x = -6.0; x <= 6.0; x += 0.0513) {
      const Snake<double> op{alpha};
      const double fd_x = (op.forward(x + h) - op.forward(x - h)) / (2 * h);
      EXPECT_NEAR(fd_x, op.grad_from_input(x, 1.0), 1e-7 * std::fmax(1.0, std::fabs(fd_x)))
          << "snake alpha " << alpha << ", x " << x;
      const double fd_a =
          (Snake<double>{alpha + h}.forward(x) - Snake<double>{alpha - h}.forward(x)) / (2 * h);
      EXPECT_NEAR(fd_a, op.alpha_grad_term(x, 1.0), 1e-6 * std::fmax(1.0, std::fabs(fd_a)))
          << "snake dalpha, alpha " << alpha << ", x " << x;
      for (const double beta : {1.0, -0.6, 3.0}) {
        const SnakeBeta<double> sb{alpha, beta};
        const double fdb_x = (sb.forward(x + h) - sb.forward(x - h)) / (2 * h);
        EXPECT_NEAR(fdb_x, sb.grad_from_input(x, 1.0), 1e-6 * std::fmax(1.0, std::fabs(fdb_x)))
            << "snakebeta alpha " << alpha << ", beta " << beta << ", x " << x;
        const auto terms = sb.param_grad_terms(x, 1.0);
        const double fdb_a = (SnakeBeta<double>{alpha + h, beta}.forward(x) -
                              SnakeBeta<double>{alpha - h, beta}.forward(x)) /
                             (2 * h);
        EXPECT_NEAR(fdb_a, terms.alpha, 1e-6 * std::fmax(1.0, std::fabs(fdb_a)));
        const double fdb_b = (SnakeBeta<double>{alpha, beta + h}.forward(x) -
                              SnakeBeta<double>{alpha, beta - h}.forward(x)) /
                             (2 * h);
        EXPECT_NEAR(fdb_b, terms.beta, 1e-6 * std::fmax(1.0, std::fabs(fdb_b)));
      }
    }
  }
}

}  // namespace
}  // namespace cuact

namespace cuact {
namespace {

TEST(DytMath, GoldenValues) {
  struct Row {
    double alpha, gamma, beta, x, y, dx, dalpha, dgamma;
  };
  // From a 40-digit evaluation of gamma tanh(alpha x) + beta and its derivatives.
  const Row rows[] = {
      {0.5, 1.0, 0.0, 0.8, 0.379948962255224904267, 0.427819393040588840515,
       0.684511028864942182822, 0.379948962255224904267},
      {2.0, -0.75, 0.25, -1.3, 0.99177055165082439346, -0.0327371965430177618533,
       0.0212791777529615459315, -0.989027402201099191279},
      {0.1, 3.0, -1.0, 20.0, 1.89208274022745067537, 0.0211952474559493363455,
       4.23904949118986703378, 0.96402758007581689179},
      {1.0, 1.0, 0.0, 1e-8, 9.99999999999999987589e-9, 1.0, 9.99999999999999920923e-9,
       9.99999999999999987589e-9},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(::testing::Message() << "alpha " << r.alpha << ", x " << r.x);
    const Dyt<double> op{r.alpha, r.gamma, r.beta};
    expect_relative(r.y, op.forward(r.x), 1e-14);
    const auto g = op.grads(r.x, -1.5);
    // 1 - th^2 = (1 - th)(1 + th) carries th's rounding times |th|/(1 - |th|) (90 at
    // th = -0.989), as PyTorch's tanh_backward 1 - y*y does: relative 1e-13 there.
    const double conditioning = 1 + std::fabs(r.dgamma) / (1 - std::fabs(r.dgamma));
    expect_relative(r.dx * -1.5, g.dx, 1e-15 * conditioning + 1e-15);
    expect_relative(r.dalpha * -1.5, g.alpha, 1e-15 * conditioning + 1e-15);
    expect_relative(r.dgamma * -1.5, g.gamma, 1e-14);
    EXPECT_EQ(g.beta, -1.5);
  }
}

TEST(DytMath, GradientsMatchCentralDifferencesAndInfinitiesSaturate) {
  const double h = 1e-6;
  for (const double alpha : {0.5, 2.0, -0.3}) {
    for (double x = -5.0; x <= 5.0; x += 0.0917) {
      const Dyt<double> op{alpha, 1.25, -0.5};
      const auto g = op.grads(x, 1.0);
      const double fd_x = (op.forward(x + h) - op.forward(x - h)) / (2 * h);
      EXPECT_NEAR(fd_x, g.dx, 1e-7 * std::fmax(1.0, std::fabs(fd_x))) << alpha << " " << x;
      const double fd_a =
          (Dyt<double>{alpha + h, 1.25, -0.5}.forward(x) - Dyt<double>{alpha - h, 1.25, -0.5}.forward(x)) /
          (2 * h);
      EXPECT_NEAR(fd_a, g.alpha, 1e-7 * std::fmax(1.0, std::fabs(fd_a))) << alpha << " " << x;
      const double fd_g =
          (Dyt<double>{alpha, 1.25 + h, -0.5}.forward(x) - Dyt<double>{alpha, 1.25 - h, -0.5}.forward(x)) /
          (2 * h);
      EXPECT_NEAR(fd_g, g.gamma, 1e-7) << alpha << " " << x;
    }
  }
  const Dyt<float> op{0.5f, 2.0f, 1.0f};
  EXPECT_EQ(op.forward(std::numeric_limits<float>::infinity()), 3.0f);
  EXPECT_EQ(op.forward(-std::numeric_limits<float>::infinity()), -1.0f);
  EXPECT_EQ(op.grads(std::numeric_limits<float>::infinity(), 1.0f).dx, 0.0f);
  EXPECT_TRUE(std::isnan(op.forward(std::numeric_limits<float>::quiet_NaN())));
}

}  // namespace
}  // namespace cuact
