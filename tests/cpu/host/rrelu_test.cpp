// RReLU's entry points' argument checks (host/rrelu.cpp), which run before any GPU call.
#include <cuact/rrelu.hpp>

#include "tests/support/expect_invalid.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace cuact {
namespace {

TEST(RReluArguments, BoundsAndTheKeyAreCheckedBeforeAnythingRuns) {
  std::vector<float> x(8, 1.0f);
  const auto call = [&](float lower, float upper) {
    rrelu_forward(x.data(), x.data(), 8, lower, upper, true, RReluKey{}, nullptr);
  };
  test::expect_invalid_argument([&] { call(-0.5f, 0.3f); },
                                "rrelu_forward: 'lower' must be >= 0, got -0.5");
  test::expect_invalid_argument([&] { call(0.5f, 0.25f); },
                                "rrelu_forward: 'lower' = 0.5 must not exceed 'upper' = 0.25");
  test::expect_invalid_argument([&] { call(0.1f, std::numeric_limits<float>::infinity()); },
                                "rrelu_forward: 'upper' must be finite, got inf");
  test::expect_invalid_argument(
      [&] {
        rrelu_forward(x.data(), x.data(), 8, 0.1f, 0.2f, true,
                      static_cast<const RReluKey*>(nullptr), nullptr);
      },
      "rrelu_forward: 'key' is null, but training draws slopes from it");
  test::expect_invalid_argument(
      [&] {
        rrelu_backward(x.data(), x.data(), x.data(), 8, 0.1f, 0.2f, true, RReluKey{}, Saved::mask,
                       nullptr);
      },
      "rrelu_backward: 'saved' is Saved::mask, but this backward takes a tensor; the backward "
      "from a mask is backward_from_mask (mask.hpp)");
  test::expect_invalid_argument(
      [&] { rrelu_forward<double>(nullptr, nullptr, 5, 0.1, 0.2, true, RReluKey{}, nullptr); },
      "rrelu_forward: 'x' is null but n = 5");
  // Evaluation needs no key; n == 0 needs no pointers.
  rrelu_forward<float>(nullptr, nullptr, 0, 0.1f, 0.2f, false,
                       static_cast<const RReluKey*>(nullptr), nullptr);
  rrelu_forward<float>(nullptr, nullptr, 0, 0.1f, 0.2f, true, RReluKey{}, nullptr);
  EXPECT_EQ(x, std::vector<float>(8, 1.0f));
  try {
    RReluLayer<float> layer(0.3f, 0.2f, 1, nullptr);
    ADD_FAILURE() << "a layer with lower > upper was made";
  } catch (const invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "RReluLayer: 'lower' = 0.3 must not exceed 'upper' = 0.2");
  }
}

}  // namespace
}  // namespace cuact
