// Every bad-input rule of the elementwise entry points throws cuact::invalid_argument with a
// message naming the function, the argument and the rule, before anything touches a GPU;
// the outputs keep their contents. Runs without a GPU: every rule here is decided on the
// host before the first CUDA call.
#include <cuact/activations.hpp>
#include <cuact/mask.hpp>
#include <cuact/error.hpp>

#include "host/argument_checks.hpp"
#include "tests/support/expect_invalid.hpp"

#include <gtest/gtest.h>

#include <cuda_runtime_api.h>

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace cuact {
namespace {

constexpr float kSentinel = 42.0f;
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

class ElementwiseArguments : public ::testing::Test {
 protected:
  std::vector<float> x = std::vector<float>(16, 1.0f);
  std::vector<float> dy = std::vector<float>(16, 1.0f);
  std::vector<float> out = std::vector<float>(16, kSentinel);

  void expect_invalid(const std::function<void()>& call, const std::string& message) {
    test::expect_invalid_argument(call, message);
    for (float v : out) {
      ASSERT_EQ(v, kSentinel) << "an output was written";
    }
  }
};

TEST_F(ElementwiseArguments, NullPointersWithElementsAreRejectedByName) {
  expect_invalid([&] { relu_forward<float>(nullptr, out.data(), 5, nullptr); },
                 "relu_forward: 'x' is null but n = 5");
  expect_invalid([&] { relu_forward<float>(x.data(), nullptr, 5, nullptr); },
                 "relu_forward: 'y' is null but n = 5");
  expect_invalid(
      [&] { relu_backward<float>(nullptr, dy.data(), out.data(), 3, Saved::input, nullptr); },
      "relu_backward: 'v' is null but n = 3");
  expect_invalid(
      [&] { elu_backward<float>(x.data(), nullptr, out.data(), 3, 1.0f, Saved::input, nullptr); },
      "elu_backward: 'dy' is null but n = 3");
  expect_invalid(
      [&] { relu6_backward<float>(x.data(), dy.data(), nullptr, 3, Saved::output, nullptr); },
      "relu6_backward: 'dx' is null but n = 3");
}

TEST_F(ElementwiseArguments, ZeroElementsIsANoOpWhateverThePointers) {
  EXPECT_NO_THROW(relu_forward<float>(nullptr, nullptr, 0, nullptr));
  EXPECT_NO_THROW(selu_backward<double>(nullptr, nullptr, nullptr, 0, Saved::output, nullptr));
  EXPECT_NO_THROW(leaky_relu_forward<__half>(nullptr, nullptr, 0, 0.01f, nullptr));
  EXPECT_NO_THROW(
      celu_backward<__nv_bfloat16>(nullptr, nullptr, nullptr, 0, 2.0f, Saved::input, nullptr));
}

TEST_F(ElementwiseArguments, ParametersAreCheckedEvenForZeroElements) {
  expect_invalid([&] { leaky_relu_forward<float>(nullptr, nullptr, 0, kNaN, nullptr); },
                 "leaky_relu_forward: 'negative_slope' must be finite, got nan");
  expect_invalid([&] { elu_forward<float>(nullptr, nullptr, 0, -kInf, nullptr); },
                 "elu_forward: 'alpha' must be finite, got -inf");
}

TEST_F(ElementwiseArguments, NegativeAndOverflowingCountsAreRejected) {
  expect_invalid([&] { relu_forward(x.data(), out.data(), -1, nullptr); },
                 "relu_forward: 'n' must be >= 0, got -1");
  const std::int64_t huge = std::numeric_limits<std::int64_t>::max() / 4;
  expect_invalid([&] { relu_forward<double>(nullptr, nullptr, huge, nullptr); },
                 "relu_forward: 'n' = " + std::to_string(huge) +
                     " elements of 8 bytes overflow a 64-bit byte count");
}

TEST_F(ElementwiseArguments, NonFiniteParametersAreRejected) {
  expect_invalid([&] { leaky_relu_forward(x.data(), out.data(), 4, kInf, nullptr); },
                 "leaky_relu_forward: 'negative_slope' must be finite, got inf");
  expect_invalid(
      [&] { leaky_relu_backward(x.data(), dy.data(), out.data(), 4, kNaN, Saved::input, nullptr); },
      "leaky_relu_backward: 'negative_slope' must be finite, got nan");
  expect_invalid([&] { elu_forward(x.data(), out.data(), 4, kNaN, nullptr); },
                 "elu_forward: 'alpha' must be finite, got nan");
  expect_invalid(
      [&] { elu_backward(x.data(), dy.data(), out.data(), 4, kInf, Saved::input, nullptr); },
      "elu_backward: 'alpha' must be finite, got inf");
  expect_invalid([&] { celu_forward(x.data(), out.data(), 4, kNaN, nullptr); },
                 "celu_forward: 'alpha' must be finite, got nan");
}

TEST_F(ElementwiseArguments, CeluRejectsZeroAndSubnormalAlpha) {
  expect_invalid([&] { celu_forward(x.data(), out.data(), 4, 0.0f, nullptr); },
                 "celu_forward: 'alpha' must be non-zero");
  expect_invalid(
      [&] { celu_backward(x.data(), dy.data(), out.data(), 4, -0.0f, Saved::input, nullptr); },
      "celu_backward: 'alpha' must be non-zero");
  expect_invalid([&] { celu_forward(x.data(), out.data(), 4, 1e-40f, nullptr); },
                 "celu_forward: 'alpha' = 1e-40 is too small: 1/alpha overflows");
}

TEST_F(ElementwiseArguments, SoftplusRejectsZeroSubnormalAndNonFiniteParameters) {
  expect_invalid([&] { softplus_forward(x.data(), out.data(), 4, 0.0f, 20.0f, nullptr); },
                 "softplus_forward: 'beta' must be non-zero");
  expect_invalid(
      [&] { softplus_forward(x.data(), out.data(), 4, 1e-40f, 20.0f, nullptr); },
      "softplus_forward: 'beta' = 1e-40 is too small: 1/beta overflows");
  expect_invalid(
      [&] {
        softplus_backward(x.data(), dy.data(), out.data(), 4, 1.0f,
                          std::numeric_limits<float>::quiet_NaN(), Saved::input, nullptr);
      },
      "softplus_backward: 'threshold' must be finite, got nan");
}

TEST_F(ElementwiseArguments, GeluTakesOnlyItsTwoForms) {
  expect_invalid(
      [&] { gelu_forward(x.data(), out.data(), 4, static_cast<GeluApproximate>(2), nullptr); },
      "gelu_forward: 'approximate' must be 0 (none) or 1 (tanh), got 2");
  expect_invalid(
      [&] {
        gelu_backward(x.data(), dy.data(), out.data(), 0, static_cast<GeluApproximate>(-1),
                      Saved::input, nullptr);
      },
      "gelu_backward: 'approximate' must be 0 (none) or 1 (tanh), got -1");
  expect_invalid(
      [&] {
        gelu_backward(x.data(), dy.data(), out.data(), 4, GeluApproximate::tanh, Saved::output,
                      nullptr);
      },
      "gelu_backward: 'saved' is Saved::output, but gelu's gradient needs the input "
      "(Saved::input)");
}

TEST_F(ElementwiseArguments, GradientFromOutputIsRejectedWhereTheSpecForbidsIt) {
  expect_invalid(
      [&] {
        leaky_relu_backward(x.data(), dy.data(), out.data(), 4, -0.1f, Saved::output, nullptr);
      },
      "leaky_relu_backward: 'saved' is Saved::output, which needs negative_slope >= 0 "
      "(got -0.1)");
  expect_invalid(
      [&] { elu_backward(x.data(), dy.data(), out.data(), 4, -1.0f, Saved::output, nullptr); },
      "elu_backward: 'saved' is Saved::output, which needs alpha >= 0 (got -1)");
  expect_invalid(
      [&] { celu_backward(x.data(), dy.data(), out.data(), 4, -2.0f, Saved::output, nullptr); },
      "celu_backward: 'saved' is Saved::output, which needs alpha > 0 (got -2)");
}

// Functors that exercise the generic messages for shapes of op no ReLU-family op has.
struct ProbeWithoutOutputGradient {
  static constexpr const char* name = "probe";
  float forward(float x) const { return x; }
  float grad_from_input(float, float dy) const { return dy; }
};
struct ProbeWithTwoParameters {
  static constexpr const char* name = "probe2";
  static constexpr const char* grad_from_output_rule = "lo < 0 < hi";
  float lo, hi;
  float forward(float x) const { return x; }
  float grad_from_input(float, float dy) const { return dy; }
  float grad_from_output(float, float dy) const { return dy; }
  bool allows_grad_from_output() const { return lo < 0 && 0 < hi; }
  template <class Rules>
  void check(Rules& r) const {
    r.less("lo", lo, "hi", hi);
  }
};

TEST(ParameterRules, ValuesPrintAsTheCallerWroteThem) {
  EXPECT_EQ(detail::format_value(-0.1f), "-0.1");
  EXPECT_EQ(detail::format_value(-0.1), "-0.1");
  EXPECT_EQ(detail::format_value(1.0f / 3.0f), "0.33333334");  // shortest round trip
  EXPECT_EQ(detail::format_value(1.0 / 3.0), "0.3333333333333333");
  EXPECT_EQ(detail::format_value(1e300), "1e+300");
  EXPECT_EQ(detail::format_value(1e-40f), "1e-40");
  EXPECT_EQ(detail::format_value(-std::numeric_limits<float>::infinity()), "-inf");
  EXPECT_EQ(detail::format_value(std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(detail::format_value(0.0f), "0");
}

TEST(ParameterRules, OpsWithoutAGradientFromTheOutputAndMultiParameterRulesAreNamed) {
  test::expect_invalid_argument(
      [] {
        detail::expect_saved_allowed("probe_backward", ProbeWithoutOutputGradient{}, Saved::output,
                                     std::array<const char*, 0>{}, std::array<double, 0>{});
      },
      "probe_backward: 'saved' is Saved::output, but probe's gradient needs the input "
      "(Saved::input)");
  test::expect_invalid_argument(
      [] {
        detail::expect_saved_allowed("probe2_backward", ProbeWithTwoParameters{1, 2},
                                     Saved::output, std::array<const char*, 2>{"lo", "hi"},
                                     std::array<double, 2>{1, 2});
      },
      "probe2_backward: 'saved' is Saved::output, which needs lo < 0 < hi (got lo = 1, hi = 2)");
  test::expect_invalid_argument(
      [] { detail::expect_valid_params("probe2_forward", ProbeWithTwoParameters{3, 2}); },
      "probe2_forward: 'lo' = 3 must be less than 'hi' = 2");
  EXPECT_NO_THROW(detail::expect_valid_params("probe2_forward", ProbeWithTwoParameters{1, 2}));
  EXPECT_NO_THROW(detail::expect_saved_allowed("probe2_backward", ProbeWithTwoParameters{-1, 2},
                                               Saved::output, std::array<const char*, 2>{"lo", "hi"},
                                               std::array<double, 2>{-1, 2}));
}

TEST_F(ElementwiseArguments, AnUnknownSavedValueIsRejected) {
  const auto bad = static_cast<Saved>(7);
  expect_invalid([&] { relu_backward(x.data(), dy.data(), out.data(), 4, bad, nullptr); },
                 "relu_backward: 'saved' must be Saved::input or Saved::output, got 7");
  expect_invalid(
      [&] { leaky_relu_backward(x.data(), dy.data(), out.data(), 4, 0.1f, bad, nullptr); },
      "leaky_relu_backward: 'saved' must be Saved::input or Saved::output, got 7");
}

TEST_F(ElementwiseArguments, PartialOverlapIsRejectedButNotDisjointNeighbours) {
  // y starts one element into x: they share 3 of 4 elements.
  expect_invalid([&] { relu_forward(out.data(), out.data() + 1, 4, nullptr); },
                 "relu_forward: 'y' partially overlaps 'x' (only exactly the same buffer is "
                 "allowed in place)");
  expect_invalid(
      [&] { selu_backward(x.data(), out.data() + 3, out.data(), 4, Saved::output, nullptr); },
      "selu_backward: 'dx' partially overlaps 'dy' (only exactly the same buffer is allowed in "
      "place)");
  expect_invalid(
      [&] { relu6_backward(out.data() + 2, dy.data(), out.data(), 4, Saved::input, nullptr); },
      "relu6_backward: 'dx' partially overlaps 'v' (only exactly the same buffer is allowed in "
      "place)");

  // Neighbours that touch but do not overlap, and exact in place, pass the overlap rule (what
  // happens next depends on the machine: host memory may be refused by the device check, or
  // there may be no GPU; but never as an overlap).
  const auto not_an_overlap_error = [](const std::function<void()>& call) {
    try {
      call();
    } catch (const std::exception& e) {
      EXPECT_EQ(std::string(e.what()).find("overlap"), std::string::npos) << e.what();
    }
  };
  not_an_overlap_error([&] { relu_forward(out.data(), out.data() + 4, 4, nullptr); });
  not_an_overlap_error([&] { relu_forward(out.data() + 4, out.data(), 4, nullptr); });
  not_an_overlap_error([&] { elu_forward(out.data(), out.data(), 4, 1.0f, nullptr); });
  not_an_overlap_error(
      [&] { relu_backward(out.data(), out.data() + 4, out.data(), 4, Saved::input, nullptr); });
  // Where the device can read pageable memory these calls ran: let them finish before the
  // vectors go away (without a GPU this returns an error, ignored).
  static_cast<void>(cudaDeviceSynchronize());
}


TEST_F(ElementwiseArguments, MaskPassesCheckTheMaskPointerAndItsOverlaps) {
  std::vector<std::uint32_t> mask(4, 0u);
  expect_invalid([&] { relu_forward_mask(x.data(), out.data(), nullptr, 5, nullptr); },
                 "relu_forward_mask: 'mask' is null but n = 5");
  expect_invalid(
      [&] {
        auto* odd = reinterpret_cast<std::uint32_t*>(reinterpret_cast<char*>(mask.data()) + 2);
        relu_forward_mask(x.data(), out.data(), odd, 5, nullptr);
      },
      "relu_forward_mask: 'mask' must be 4-byte aligned (an array of 32-bit words)");
  expect_invalid(
      [&] {
        relu_forward_mask(x.data(), out.data(), reinterpret_cast<std::uint32_t*>(out.data()), 5,
                          nullptr);
      },
      "relu_forward_mask: 'mask' overlaps 'y' (they must be separate buffers)");
  expect_invalid(
      [&] {
        leaky_relu_backward_mask(reinterpret_cast<const std::uint32_t*>(out.data() + 4),
                                 dy.data(), out.data(), 5, 0.1f, nullptr);
      },
      "leaky_relu_backward_mask: 'dx' overlaps 'mask' (they must be separate buffers)");
  expect_invalid([&] { hardtanh_backward_mask(mask.data(), dy.data(), out.data(), 5, 1.0f, 1.0f, nullptr); },
                 "hardtanh_backward_mask: 'min_val' = 1 must be less than 'max_val' = 1");
  // n == 0: nothing to check but the parameters.
  relu_forward_mask<float>(nullptr, nullptr, nullptr, 0, nullptr);
  relu_backward_mask<float>(nullptr, nullptr, nullptr, 0, nullptr);
}

}  // namespace
}  // namespace cuact
