// Hostile arguments that the checks once let through to a crash, to undefined behaviour or to
// a misleading answer: each is now refused with a message naming the function, the argument
// and the value passed, before any device is asked anything (so these run without a GPU).
// Run under UBSan and ASan too (the `sanitize` label), where the undefined behaviour that
// some of them caused before is itself a failure.
#include <cuact/cuact.h>
#include <cuact/gated.hpp>
#include <cuact/prelu.hpp>

#include "tests/support/expect_invalid.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

namespace {

constexpr std::int64_t kTwo61 = std::int64_t{1} << 61;
constexpr std::int64_t kTwo62 = std::int64_t{1} << 62;

/// The status of the C API's workspace query and the message it left.
struct Query {
  cuact_status status;
  std::string message;
  std::size_t bytes;
};
Query workspace_query(cuact_dtype dtype, std::int64_t outer, std::int64_t channels,
                      std::int64_t inner) {
  std::size_t bytes = 12345;
  const cuact_status s = cuact_prelu_backward_workspace_size(dtype, outer, channels, inner, &bytes);
  return {s, s == CUACT_STATUS_SUCCESS ? "" : cuact_last_error(), bytes};
}

// Finding 1: the planner overflowed (SIGFPE for f16/bf16; for f32/f64 a "successful" query
// with a workspace smaller than the partial sums). No device can hold such a tensor; the
// shape is refused before the device is queried.
TEST(HostileInput, PreluWorkspaceQueryRefusesShapesNoPlanCanHold) {
  struct Case {
    cuact_dtype dtype;
    std::int64_t outer, channels, inner;
  };
  const Case cases[] = {
      {CUACT_DTYPE_F16, 1, kTwo62 - 1, 1},  {CUACT_DTYPE_F16, 2, kTwo61 - 1, 1},
      {CUACT_DTYPE_BF16, 1, kTwo62 - 1, 1}, {CUACT_DTYPE_BF16, 2, kTwo61 - 1, 1},
      {CUACT_DTYPE_F32, 1, kTwo61 - 1, 1},  {CUACT_DTYPE_F64, 1, kTwo61 / 2 - 1, 1}};
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::Message() << "dtype " << c.dtype << " [" << c.outer << ", "
                                      << c.channels << ", " << c.inner << "]");
    const Query q = workspace_query(c.dtype, c.outer, c.channels, c.inner);
    EXPECT_EQ(q.status, CUACT_STATUS_INVALID_ARGUMENT);
    const std::string shape = "'shape' [" + std::to_string(c.outer) + ", " +
                              std::to_string(c.channels) + ", " + std::to_string(c.inner) + "]";
    // "... is too large to plan: its super-row width would exceed 2^61", or, where alpha's
    // bytes already overflow, "... overflows a 64-bit byte count".
    EXPECT_EQ(q.message.rfind("prelu_backward_workspace_size: " + shape + " ", 0), 0u) << q.message;
    EXPECT_EQ(q.bytes, 12345u) << "the output must stay untouched";
  }
}

// Finding 2: the alpha byte count (channels values of compute_t<T>, 4 bytes for f16) could
// overflow while the tensor's own bytes (2 per element) fit.
TEST(HostileInput, PreluAlphaByteCountThatOverflowsIsRefused) {
  std::vector<float> buf(8);
  const auto* x = reinterpret_cast<const __half*>(buf.data());
  auto* y = reinterpret_cast<__half*>(buf.data() + 4);
  const cuact::PreluShape shape{1, kTwo61 + 1, 1};  // 2^62 + 2 tensor bytes, 2^63 + 4 alpha bytes
  cuact::test::expect_invalid_argument(
      [&] { cuact::prelu_forward(x, buf.data(), y, shape, nullptr); },
      "prelu_forward: 'shape' [1, 2305843009213693953, 1] overflows a 64-bit byte count");
}

// Finding 3: the C enums had no fixed underlying type in C++, so a C caller's 1000 (or
// cuact_activation_at's own -1) was a value the type cannot hold. List-initialising an enum
// from an int compiles only when its underlying type is fixed.
template <class E, class = void>
struct has_fixed_int_base : std::false_type {};
template <class E>
struct has_fixed_int_base<E, std::void_t<decltype(E{1000}), decltype(E{-1})>> : std::true_type {};
static_assert(has_fixed_int_base<cuact_status>::value, "cuact_status: fixed underlying int");
static_assert(has_fixed_int_base<cuact_dtype>::value, "cuact_dtype: fixed underlying int");
static_assert(has_fixed_int_base<cuact_activation>::value, "cuact_activation: fixed int");
static_assert(has_fixed_int_base<cuact_saved>::value, "cuact_saved: fixed underlying int");
static_assert(has_fixed_int_base<cuact_gated_layout>::value, "cuact_gated_layout: fixed int");

TEST(HostileInput, OutOfRangeCEnumValuesAreRefusedByName) {
  std::vector<float> buf(8, 7.0f);
  float* p = buf.data();
  EXPECT_EQ(cuact_activation_at(-1), cuact_activation{-1});
  EXPECT_EQ(cuact_activation_at(1 << 30), cuact_activation{-1});
  EXPECT_EQ(cuact_activation_name(cuact_activation{1000}), nullptr);
  EXPECT_EQ(cuact_activation_name(cuact_activation{-1}), nullptr);
  EXPECT_EQ(
      cuact_activation_forward(cuact_activation{1000}, 0.0, CUACT_DTYPE_F32, p, p, 4, nullptr),
      CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(), "cuact_activation_forward: 'op' = 1000 is not a valid value");
  EXPECT_EQ(cuact_activation_forward(CUACT_RELU, 0.0, cuact_dtype{-7}, p, p, 4, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(), "cuact_activation_forward: 'dtype' = -7 is not a valid value");
  EXPECT_EQ(cuact_activation_backward(CUACT_RELU, 0.0, cuact_saved{1 << 20}, CUACT_DTYPE_F32, p, p,
                                      p, 4, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(cuact_gated_forward(CUACT_SILU, nullptr, 0, cuact_gated_layout{-3}, CUACT_DTYPE_F32, p,
                                nullptr, p, 1, 2, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(), "cuact_gated_forward: 'layout' = -3 is not a valid value");
  EXPECT_STREQ(cuact_status_string(cuact_status{-1}), "unknown status");
  EXPECT_EQ(buf, std::vector<float>(8, 7.0f));
}

// Finding 4: gelu's `approximate` from a double went through static_cast<int>, undefined
// for NaN, +-inf and |v| >= 2^31, and the message showed INT_MIN instead of the value.
TEST(HostileInput, NonIntegerEnumerationParametersAreRefusedWithTheValuePassed) {
  std::vector<float> buf(8, 7.0f);
  float* p = buf.data();
  const std::pair<double, std::string> cases[] = {{std::nan(""), "nan"},
                                                  {INFINITY, "inf"},
                                                  {-INFINITY, "-inf"},
                                                  {4294967296.0, "4294967296"},
                                                  {-3e9, "-3e+09"}};
  for (const auto& [value, shown] : cases) {
    const double params[] = {value};
    EXPECT_EQ(
        cuact_activation_forward_params(CUACT_GELU, params, 1, CUACT_DTYPE_F32, p, p, 4, nullptr),
        CUACT_STATUS_INVALID_ARGUMENT);
    EXPECT_EQ(std::string(cuact_last_error()), "gelu_forward: 'approximate' = " + shown +
                                                   " is not an integer value of the "
                                                   "enumeration");
  }
  EXPECT_EQ(buf, std::vector<float>(8, 7.0f));
}

// Finding 5: a non-zero parameter that rounds to 0 in float was reported as "must be
// non-zero", a value the caller never passed.
TEST(HostileInput, ParametersThatUnderflowTheComputeTypeSaySo) {
  std::vector<float> buf(8, 7.0f);
  float* p = buf.data();
  EXPECT_EQ(cuact_activation_forward(CUACT_CELU, 1e-300, CUACT_DTYPE_F32, p, p, 4, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(), "celu_forward: 'alpha' = 1e-300 underflows float (rounds to 0)");
  EXPECT_EQ(cuact_activation_forward(CUACT_LEAKY_RELU, -1e-60, CUACT_DTYPE_BF16, p, p, 4, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(),
               "leaky_relu_forward: 'negative_slope' = -1e-60 underflows float (rounds to 0)");
  // A float subnormal is not zero, and zero itself is a value.
  EXPECT_NE(
      cuact_activation_forward(CUACT_LEAKY_RELU, 1e-40, CUACT_DTYPE_F32, nullptr, p, 4, nullptr),
      CUACT_STATUS_SUCCESS);
  EXPECT_STREQ(cuact_last_error(), "leaky_relu_forward: 'x' is null but n = 4");
  // Overflow is decided on the value before it is converted: FLT_MAX plus half an ulp rounds
  // to infinity, just below it to FLT_MAX.
  EXPECT_EQ(
      cuact_activation_forward(CUACT_LEAKY_RELU, 0x1.ffffffp127, CUACT_DTYPE_F32, p, p, 4, nullptr),
      CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(),
               "leaky_relu_forward: 'negative_slope' = 3.4028235677973366e+38 overflows float");
  EXPECT_EQ(cuact_activation_forward(CUACT_LEAKY_RELU, 0x1.fffffefffffffp127, CUACT_DTYPE_F32,
                                     nullptr, p, 4, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(), "leaky_relu_forward: 'x' is null but n = 4");
  EXPECT_EQ(buf, std::vector<float>(8, 7.0f));
}

// Finding 7: GatedActivationLayer asked for the device before checking its arguments, so a
// bad layout or limit gave cuda_error on a machine without a GPU.
TEST(HostileInput, GatedLayerChecksItsArgumentsBeforeTheDevice) {
  cuact::test::expect_invalid_argument(
      [] {
        cuact::GatedActivationLayer<float>(cuact::Swiglu<float>{},
                                           static_cast<cuact::GatedLayout>(9));
      },
      "GatedActivationLayer: 'layout' must be GatedLayout::gate_first, gate_second, "
      "interleaved or separate, got 9");
  cuact::test::expect_invalid_argument(
      [] {
        cuact::GatedActivationLayer<float>(cuact::ClampedSwiglu<float>{1.702f, 0.0f},
                                           cuact::GatedLayout::gate_first);
      },
      "GatedActivationLayer: 'limit' must be > 0, got 0");
}

}  // namespace
