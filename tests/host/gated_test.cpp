// The gated activations on the CPU: the functors' math (against the unary functors they are
// built from, central differences and golden values), the element map of every layout and
// the kernel's row cursor (replayed exhaustively for small shapes), and the entry points'
// bad-input rules and messages (decided on the host before any CUDA call).
#include <cuact/gated.hpp>
#include <cuact/gated_ops.hpp>
#include <cuact/ops.hpp>

#include "cuda/gated_map.hpp"
#include "host/op_registry.hpp"
#include "tests/support/expect_invalid.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

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
  // Gradients are 0 where a clamp is active, and pass at the bounds (PyTorch's clamp).
  EXPECT_EQ(0.0, op.backward(7.5, 1.0, 1.0).gate);
  EXPECT_NE(0.0, op.backward(7.0, 1.0, 1.0).gate);
  EXPECT_EQ(0.0, op.backward(1.0, 7.5, 1.0).up);
  EXPECT_EQ(0.0, op.backward(1.0, -7.5, 1.0).up);
  EXPECT_NE(0.0, op.backward(1.0, -7.0, 1.0).up);
  EXPECT_NE(0.0, op.backward(7.5, 1.0, 1.0).up);  // the clamped gate still scales up's
  // NaN stays NaN, in the gradients too.
  EXPECT_TRUE(std::isnan(op.forward(kNaN, 1.0)));
  EXPECT_TRUE(std::isnan(op.forward(1.0, kNaN)));
  EXPECT_TRUE(std::isnan(op.backward(kNaN, 1.0, 1.0).gate));
  EXPECT_TRUE(std::isnan(op.backward(1.0, kNaN, 1.0).up));
  EXPECT_STREQ(ClampedSwiglu<float>::name, "clamped_swiglu");
}

/// Every input element of a layout is the gate or the up of exactly one output element, and
/// the kernel's row cursor, advanced by any grid stride, lands where division would.
TEST(GatedMap, EveryInputElementBelongsToExactlyOneOutputInEveryLayout) {
  for (std::int64_t rows : {1, 2, 5}) {
    for (std::int64_t hidden : {1, 3, 8, 13}) {
      for (int layout = 0; layout < 4; ++layout) {
        const bool packed = layout != 3;
        const std::int64_t row = packed ? 2 * hidden : hidden;
        const detail::GatedMap map{rows, hidden, row, row, layout == 2};
        // The pointers of host/gated.cpp's packed_launch: gate_first puts up at +hidden,
        // gate_second gate at +hidden; separate tensors are told apart by a large offset.
        const std::int64_t gate_base = layout == 1 ? hidden : 0;
        const std::int64_t up_base = layout == 0 ? hidden : (layout == 3 ? 1 << 20 : 0);
        std::vector<int> seen(packed ? 2 * rows * hidden : 2 * rows * hidden, 0);
        for (std::int64_t r = 0; r < rows; ++r) {
          for (std::int64_t c = 0; c < hidden; ++c) {
            const std::int64_t g = gate_base + map.gate_offset(r, c);
            const std::int64_t u = up_base + map.up_offset(r, c);
            const std::int64_t ui = layout == 3 ? rows * hidden + (u - (1 << 20)) : u;
            ASSERT_LT(g, static_cast<std::int64_t>(seen.size()));
            ASSERT_LT(ui, static_cast<std::int64_t>(seen.size()));
            ++seen[g];
            ++seen[ui];
            if (layout == 2) {
              EXPECT_EQ(u, g + 1);  // pairs
            }
          }
        }
        for (int s : seen) {
          ASSERT_EQ(s, 1) << "layout " << layout << ", rows " << rows << ", hidden " << hidden;
        }
      }
    }
  }
}

TEST(GatedMap, TheRowCursorAdvancesAsDivisionWould) {
  for (std::int64_t hidden : {1, 2, 7, 64, 1000, 4096}) {
    for (std::int64_t step : {1, 8, 255, 4096, 33792, 1 << 20}) {
      for (std::int64_t start : {0, 3, 511}) {
        detail::RowCursor at = detail::RowCursor::at(start, hidden);
        std::int64_t e = start;
        for (int i = 0; i < 200; ++i) {
          ASSERT_EQ(at.row, e / hidden);
          ASSERT_EQ(at.column, e % hidden);
          at.advance(step / hidden, step % hidden, hidden);
          e += step;
        }
      }
    }
  }
  // Past 2^31 elements.
  detail::RowCursor at = detail::RowCursor::at(0, 14336);
  const std::int64_t step = 132LL * 4 * 256 * 8;
  std::int64_t e = 0;
  for (int i = 0; i < 4000; ++i) {
    at.advance(step / 14336, step % 14336, 14336);
    e += step;
  }
  EXPECT_GT(e, std::int64_t{1} << 31);
  EXPECT_EQ(at.row, e / 14336);
  EXPECT_EQ(at.column, e % 14336);
}

/// The kernel's walk, replayed for every thread of small grids: every vector exactly once,
/// each cursor at its vector's first output, the unrolled groups strided by the grid.
TEST(GatedMap, TheKernelsWalkVisitsEveryVectorOnceAtItsRowAndColumn) {
  for (const int vec : {1, 2, 4, 8}) {
    for (const std::int64_t hidden : {8, 24, 4096}) {
      if (hidden % vec != 0) {
        continue;
      }
      for (const std::int64_t rows : {1, 3, 50}) {
        const std::int64_t vectors = rows * hidden / vec;
        for (const std::int64_t stride : {256, 512, 768}) {  // 1 to 3 blocks of 256 threads
          std::vector<int> seen(static_cast<std::size_t>(vectors), 0);
          const auto visit = [&](const detail::RowCursor& at) {
            const std::int64_t e = at.row * hidden + at.column;
            ASSERT_EQ(e % vec, 0);
            ASSERT_LT(at.column, hidden);
            ASSERT_LT(e / vec, vectors);
            ++seen[static_cast<std::size_t>(e / vec)];
          };
          for (std::int64_t t = 0; t < stride; ++t) {
            std::int64_t expected = t;  // the vectors thread t must see, in order
            detail::walk_gated_vectors<4>(
                t, stride, vectors, vec, hidden,
                [&](const detail::RowCursor(&cursors)[4]) {
                  for (const auto& at : cursors) {
                    ASSERT_EQ(at.row * hidden + at.column, expected * vec);
                    visit(at);
                    expected += stride;
                  }
                },
                [&](const detail::RowCursor& at) {
                  ASSERT_EQ(at.row * hidden + at.column, expected * vec);
                  visit(at);
                  expected += stride;
                });
          }
          for (int count : seen) {
            ASSERT_EQ(count, 1) << "vec " << vec << ", hidden " << hidden << ", rows " << rows
                                << ", stride " << stride;
          }
        }
      }
    }
  }
}

class GatedArguments : public ::testing::Test {
 protected:
  static constexpr float kSentinel = 42.0f;
  std::vector<float> in = std::vector<float>(64, 1.0f);
  std::vector<float> dy = std::vector<float>(32, 1.0f);
  std::vector<float> out = std::vector<float>(64, kSentinel);

  void expect_invalid(const std::function<void()>& call, const std::string& message) {
    test::expect_invalid_argument(call, message);
    for (float v : out) {
      ASSERT_EQ(v, kSentinel) << "an output was written";
    }
  }
};

TEST_F(GatedArguments, BadShapesLayoutsPointersAndParametersAreRejectedByName) {
  const Swiglu<float> op;
  expect_invalid(
      [&] { gated_forward(op, GatedLayout::separate, in.data(), out.data(), 2, 4, nullptr); },
      "silu_gated_forward: 'layout' is GatedLayout::separate, which takes gate and up as two "
      "tensors (the gated_forward/gated_backward overloads with gate and up)");
  expect_invalid(
      [&] {
        gated_forward(op, static_cast<GatedLayout>(7), in.data(), out.data(), 2, 4, nullptr);
      },
      "silu_gated_forward: 'layout' must be GatedLayout::gate_first, gate_second, interleaved "
      "or separate, got 7");
  expect_invalid(
      [&] { gated_forward(op, GatedLayout::gate_first, in.data(), out.data(), -1, 4, nullptr); },
      "silu_gated_forward: 'rows' and 'hidden' must be >= 0, got -1 and 4");
  expect_invalid(
      [&] {
        gated_forward(op, GatedLayout::gate_first, in.data(), out.data(), std::int64_t{1} << 40,
                      std::int64_t{1} << 40, nullptr);
      },
      "silu_gated_forward: 'rows' x 2 'hidden' = 1099511627776 x 2 x 1099511627776 elements of 4 "
      "bytes overflow a 64-bit byte count");
  expect_invalid(
      [&] {
        gated_forward(op, GatedLayout::interleaved, static_cast<const float*>(nullptr),
                      out.data(), 2, 4, nullptr);
      },
      "silu_gated_forward: 'in' is null but n = 8");
  // The output [2, 4] starts inside the packed input [2, 8].
  expect_invalid(
      [&] {
        gated_forward(op, GatedLayout::gate_first, out.data(), out.data() + 4, 2, 4, nullptr);
      },
      "silu_gated_forward: 'out' overlaps 'in' (they must be separate buffers)");
  expect_invalid(
      [&] {
        gated_backward(op, GatedLayout::gate_second, in.data(), dy.data(), in.data() + 1, 2, 4,
                       nullptr);
      },
      "silu_gated_backward: 'din' partially overlaps 'in' (only exactly the same buffer is "
      "allowed in place)");
  expect_invalid(
      [&] {
        gated_backward(op, GatedLayout::interleaved, in.data(), out.data() + 8, out.data(), 2, 4,
                       nullptr);
      },
      "silu_gated_backward: 'din' overlaps 'dy' (they must be separate buffers)");
}

TEST_F(GatedArguments, SeparateTensorsMayBeOverwrittenExactlyButNotShared) {
  const Reglu<float> op;
  const float* gate = in.data();
  const float* up = in.data() + 8;
  expect_invalid(
      [&] { gated_forward(op, gate, up, in.data() + 4, 2, 4, nullptr); },
      "relu_gated_forward: 'out' partially overlaps 'gate' (only exactly the same buffer is "
      "allowed in place)");
  expect_invalid(
      [&] {
        gated_backward(op, gate, up, dy.data(), out.data(), out.data(), 2, 4, nullptr);
      },
      "relu_gated_backward: 'dgate' overlaps 'dup' (they must be separate buffers)");
  expect_invalid(
      [&] {
        gated_backward(op, gate, up, dy.data(), out.data(), static_cast<float*>(nullptr), 2, 4,
                       nullptr);
      },
      "relu_gated_backward: 'dup' is null but n = 8");
}

TEST_F(GatedArguments, ParametersFollowTheirRules) {
  expect_invalid(
      [&] {
        gated_forward(ClampedSwiglu<float>{1.702f, 0.0f}, GatedLayout::interleaved, in.data(),
                      out.data(), 2, 4, nullptr);
      },
      "clamped_swiglu_forward: 'limit' must be > 0, got 0");
  expect_invalid(
      [&] {
        gated_backward(ClampedSwiglu<float>{std::numeric_limits<float>::infinity(), 7.0f},
                       in.data(), in.data() + 8, dy.data(), out.data(), out.data() + 8, 2, 4,
                       nullptr);
      },
      "clamped_swiglu_backward: 'alpha' must be finite, got inf");
  expect_invalid(
      [&] {
        gated_forward(Geglu<float>{Gelu<float>{static_cast<GeluApproximate>(3)}},
                      GatedLayout::gate_first, in.data(), out.data(), 2, 4, nullptr);
      },
      "gelu_gated_forward: 'approximate' must be 0 (none) or 1 (tanh), got 3");
  // Nothing to do, but the parameters are still checked.
  expect_invalid(
      [&] {
        gated_forward(Gated<Celu<float>>{Celu<float>{0.0f}}, GatedLayout::gate_first,
                      static_cast<const float*>(nullptr), static_cast<float*>(nullptr), 0, 4,
                      nullptr);
      },
      "celu_gated_forward: 'alpha' must be non-zero");
  EXPECT_NO_THROW(gated_forward(Swiglu<float>{}, GatedLayout::gate_first,
                                static_cast<const float*>(nullptr), static_cast<float*>(nullptr),
                                0, 4, nullptr));
}

}  // namespace
}  // namespace cuact
