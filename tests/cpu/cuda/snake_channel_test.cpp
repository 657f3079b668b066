// The Snake and SnakeBeta channel functors (cuda/snake_channel.hpp) on the CPU: a linear
// scale is learned_ops.hpp's functor itself, and with a log scale the forward is that of
// e^a and each gradient term is the derivative in the logarithm (central differences in
// double), which is what the kernels sum per channel.
#include "cuda/snake_channel.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace cuact::detail {
namespace {

/// Central difference of f at p with step h.
template <class Fn>
double derivative(Fn f, double p, double h = 1e-6) {
  return (f(p + h) - f(p - h)) / (2 * h);
}

TEST(SnakeChannel, LinearScaleIsTheFunctorItself) {
  const float alpha[] = {0.75f};
  const SnakeChannel<float> f{alpha, false};
  const auto ch = f.channel(0);
  float terms[1];
  for (const float x : {-3.0f, -0.1f, 0.0f, 0.4f, 2.5f}) {
    EXPECT_EQ(f.forward(ch, x), Snake<float>(0.75f).forward(x));
    EXPECT_EQ(f.backward(ch, x, 1.5f, terms), Snake<float>(0.75f).grad_from_input(x, 1.5f));
    EXPECT_EQ(terms[0], Snake<float>(0.75f).alpha_grad_term(x, 1.5f));
  }
}

TEST(SnakeChannel, LogScaleTermsAreTheDerivativesInTheLogarithm) {
  for (const double a : {-1.2, 0.0, 0.3}) {
    for (const double x : {-2.0, 0.25, 1.75}) {
      SCOPED_TRACE(::testing::Message() << "a " << a << ", x " << x);
      const double p[] = {a};
      const SnakeChannel<double> f{p, true};
      double terms[1];
      const double dy = 0.7;
      const double dx = f.backward(f.channel(0), x, dy, terms);
      EXPECT_DOUBLE_EQ(f.forward(f.channel(0), x), Snake<double>(std::exp(a)).forward(x));
      EXPECT_DOUBLE_EQ(dx, Snake<double>(std::exp(a)).grad_from_input(x, dy));
      const double want = dy * derivative(
                                   [&](double q) {
                                     const double pq[] = {q};
                                     const SnakeChannel<double> g{pq, true};
                                     return g.forward(g.channel(0), x);
                                   },
                                   a);
      EXPECT_NEAR(terms[0], want, 1e-8 * (1 + std::fabs(want)));
    }
  }
}

TEST(SnakeBetaChannel, LogScaleTermsAreTheDerivativesInTheLogarithms) {
  for (const double a : {-0.5, 0.4}) {
    for (const double b : {-0.7, 0.2}) {
      for (const double x : {-1.5, 0.6}) {
        SCOPED_TRACE(::testing::Message() << "a " << a << ", b " << b << ", x " << x);
        const double pa[] = {a};
        const double pb[] = {b};
        const SnakeBetaChannel<double> f{pa, pb, true};
        double terms[2];
        const double dy = -1.3;
        f.backward(f.channel(0), x, dy, terms);
        EXPECT_DOUBLE_EQ(f.forward(f.channel(0), x),
                         SnakeBeta<double>(std::exp(a), std::exp(b)).forward(x));
        const auto y_of = [&](double qa, double qb) {
          const double qa_[] = {qa};
          const double qb_[] = {qb};
          const SnakeBetaChannel<double> g{qa_, qb_, true};
          return g.forward(g.channel(0), x);
        };
        const double da = dy * derivative([&](double q) { return y_of(q, b); }, a);
        const double db = dy * derivative([&](double q) { return y_of(a, q); }, b);
        EXPECT_NEAR(terms[0], da, 1e-8 * (1 + std::fabs(da)));
        EXPECT_NEAR(terms[1], db, 1e-8 * (1 + std::fabs(db)));
      }
    }
  }
}

TEST(SnakeChannel, ASubnormalAlphaActsAsZero) {
  // 1/alpha overflows float: the functor takes alpha = 0, the limit y = x, dx = dy,
  // dalpha's term dy x^2.
  const float alpha[] = {1e-40f};
  const SnakeChannel<float> f{alpha, false};
  float terms[1];
  EXPECT_EQ(f.forward(f.channel(0), 3.0f), 3.0f);
  EXPECT_EQ(f.backward(f.channel(0), 3.0f, 2.0f, terms), 2.0f);
  EXPECT_EQ(terms[0], 18.0f);
}

}  // namespace
}  // namespace cuact::detail
