// The gated functors on the CPU (gated_ops.hpp): Gated<Op> against the unary functors it is
// built from, every unary activation of the registry gating the same way, gradients against
// central differences, and ClampedSwiglu's golden values and clamps.
#include <cuact/gated.hpp>
#include <cuact/gated_ops.hpp>
#include <cuact/ops.hpp>

#include "host/op_registry.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

namespace cuact {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool same(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

template <class G>
void expect_gradients_match_central_differences(const G& op, double kink) {
  const double h = 1e-6;
  for (double g = -6.0; g <= 6.0; g += 0.173) {
    if (std::fabs(g - kink) < 1e-3) {
      continue;
    }
    for (double u : {-2.25, -0.3, 0.0, 1.7}) {  // none at a clamp of up (2.5 below)
      const auto d = op.backward(g, u, 1.0);
      const double dg = (op.forward(g + h, u) - op.forward(g - h, u)) / (2 * h);
      const double du = (op.forward(g, u + h) - op.forward(g, u - h)) / (2 * h);
      EXPECT_NEAR(dg, d.gate, 1e-7 * std::fmax(1.0, std::fabs(dg))) << "g = " << g << ", u = " << u;
      EXPECT_NEAR(du, d.up, 1e-7 * std::fmax(1.0, std::fabs(du))) << "g = " << g << ", u = " << u;
      const auto d2 = op.backward(g, u, -2.5);  // linear in dy
      EXPECT_DOUBLE_EQ(d.gate * -2.5, d2.gate);
      EXPECT_DOUBLE_EQ(d.up * -2.5, d2.up);
    }
  }
}

TEST(GatedMath, IsTheUnaryActivationOfTheGateTimesUp) {
  const Swiglu<double> swiglu;
  const Silu<double> silu;
  for (double g : {-3.0, -0.5, 0.0, 0.7, 4.0}) {
    for (double u : {-2.0, 0.0, 1.5}) {
      EXPECT_TRUE(same(silu.forward(g) * u, swiglu.forward(g, u)));
      const auto d = swiglu.backward(g, u, 0.75);
      EXPECT_TRUE(same(silu.grad_from_input(g, 0.75 * u), d.gate));
      EXPECT_TRUE(same(0.75 * silu.forward(g), d.up));
    }
  }
  EXPECT_STREQ(Swiglu<float>::name, "silu");
  EXPECT_EQ(Swiglu<float>::kind, OpKind::gated);
  // The activation's parameters and 16-bit forms come along.
  const Geglu<float> geglu_tanh{Gelu<float>{GeluApproximate::tanh}};
  EXPECT_EQ(geglu_tanh.forward(0.8f, 2.0f), GeluTanh<float>{}.forward(0.8f) * 2.0f);
  EXPECT_EQ(gated_forward_for<__half>(geglu_tanh, 0.8f, 2.0f),
            GeluTanh<float>{}.forward_16bit(0.8f) * 2.0f);
  EXPECT_EQ(gated_forward_for<float>(geglu_tanh, 0.8f, 2.0f), geglu_tanh.forward(0.8f, 2.0f));
}

/// Every unary activation of the registry as a gated one, in both compute types and for every
/// element type's form: act(g) * u and {act'(g) (dy u), dy act(g)} from the unary functor.
TEST(GatedMath, EveryUnaryActivationOfTheRegistryGatesTheSameWay) {
  int count = 0;
  detail::for_each_activation([&](auto tag) {
    using Tag = decltype(tag);
    const auto check = [&](auto c) {
      using C = decltype(c);
      const typename Tag::template type<C> act{};
      const Gated<typename Tag::template type<C>> gated{act};
      for (C g : {C(-3.5), C(-0.75), C(0), C(0.4), C(2.5), C(7)}) {
        for (C u : {C(-1.5), C(0.25), C(3)}) {
          const C dy = C(-0.6);
          EXPECT_TRUE(same(static_cast<double>(act.forward(g) * u),
                           static_cast<double>(gated_forward_for<C>(gated, g, u))))
              << Tag::info::name;
          const auto d = gated_backward_for<C>(gated, g, u, dy);
          EXPECT_TRUE(same(static_cast<double>(act.grad_from_input(g, dy * u)),
                           static_cast<double>(d.gate)))
              << Tag::info::name;
          EXPECT_TRUE(same(static_cast<double>(dy * act.forward(g)), static_cast<double>(d.up)))
              << Tag::info::name;
          if constexpr (std::is_same_v<C, float>) {  // the 16-bit types' forms
            EXPECT_TRUE(same(static_cast<double>(forward_for<__half>(act, g) * u),
                             static_cast<double>(gated_forward_for<__nv_bfloat16>(gated, g, u))))
                << Tag::info::name;
            const auto d16 = gated_backward_for<__half>(gated, g, u, dy);
            EXPECT_TRUE(same(static_cast<double>(grad_from_input_for<__half>(act, g, dy * u)),
                             static_cast<double>(d16.gate)))
                << Tag::info::name;
          }
        }
      }
    };
    check(0.0f);
    check(0.0);
    ++count;
  });
  EXPECT_GE(count, 17);
}

TEST(GatedMath, GradientsMatchCentralDifferences) {
  expect_gradients_match_central_differences(Swiglu<double>{}, 99.0);
  expect_gradients_match_central_differences(Glu<double>{}, 99.0);
  expect_gradients_match_central_differences(Geglu<double>{}, 99.0);
  expect_gradients_match_central_differences(Geglu<double>{Gelu<double>{GeluApproximate::tanh}},
                                             99.0);
  expect_gradients_match_central_differences(QuickGeglu<double>{}, 99.0);
  expect_gradients_match_central_differences(Reglu<double>{}, 0.0);
  expect_gradients_match_central_differences(ClampedSwiglu<double>{}, 99.0);
  expect_gradients_match_central_differences(ClampedSwiglu<double>{1.0, 2.5}, 2.5);
}

TEST(ClampedSwigluMath, GoldenValuesClampsAndTheirGradients) {
  const ClampedSwiglu<double> op;  // alpha 1.702, limit 7
  // (u + 1) g sigma(1.702 g), from a 30-digit evaluation.
  EXPECT_NEAR(2.0 * 0.84579576593282129571, op.forward(1.0, 1.0), 1e-15);
  // Above the limit the gate is 7; the up is clamped to [-7, 7].
  EXPECT_TRUE(same(op.forward(7.0, 10.0), op.forward(9.0, 7.0)));
  EXPECT_TRUE(same(op.forward(3.0, -7.0), op.forward(3.0, -8.0)));
  // A clamp passes the gradient strictly inside its bounds only (PyTorch >= 2.14's clamp):
  // 0 where it is active, at the bounds and for NaN.
  EXPECT_EQ(0.0, op.backward(7.5, 1.0, 1.0).gate);
  EXPECT_EQ(0.0, op.backward(7.0, 1.0, 1.0).gate);
  EXPECT_NE(0.0, op.backward(std::nextafter(7.0, 0.0), 1.0, 1.0).gate);
  EXPECT_EQ(0.0, op.backward(1.0, 7.5, 1.0).up);
  EXPECT_EQ(0.0, op.backward(1.0, -7.5, 1.0).up);
  EXPECT_EQ(0.0, op.backward(1.0, 7.0, 1.0).up);
  EXPECT_EQ(0.0, op.backward(1.0, -7.0, 1.0).up);
  EXPECT_NE(0.0, op.backward(1.0, std::nextafter(-7.0, 0.0), 1.0).up);
  EXPECT_NE(0.0, op.backward(7.5, 1.0, 1.0).up);  // the clamped gate still scales up's
  // The example: f32 g = -3.945745702367276e-4, u = 7, dy = -0.75 gives du = 0.
  EXPECT_EQ(0.0f, ClampedSwiglu<float>{}.backward(-3.945745702367276e-4f, 7.0f, -0.75f).up);
  // NaN stays NaN forward; a NaN input's own gradient is 0 (its clamp does not pass it), and
  // the other input's gradient, which it scales, NaN.
  EXPECT_TRUE(std::isnan(op.forward(kNaN, 1.0)));
  EXPECT_TRUE(std::isnan(op.forward(1.0, kNaN)));
  EXPECT_EQ(0.0, op.backward(kNaN, 1.0, 1.0).gate);
  EXPECT_TRUE(std::isnan(op.backward(kNaN, 1.0, 1.0).up));
  EXPECT_EQ(0.0, op.backward(1.0, kNaN, 1.0).up);
  EXPECT_TRUE(std::isnan(op.backward(1.0, kNaN, 1.0).gate));
  EXPECT_STREQ(ClampedSwiglu<float>::name, "clamped_swiglu");
}

/// Every input element of a layout is the gate or the up of exactly one output element, and
/// the kernel's row cursor, advanced by any grid stride, lands where division would.
}  // namespace
}  // namespace cuact
