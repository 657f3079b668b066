// PReLU on the GPU against the CPU reference, for every element type x layout (NCHW, NHWC,
// [N, C], shared) x channels x spatial size: y and dx exactly as the functor gives; dalpha
// within a bound from the reduction length; overwrite and accumulate; in place; bitwise
// identical dalpha from run to run; every tensor at the same offset from a 16-byte boundary
// (the vector path) or at different ones (the element path); nothing written outside the
// output; both sides of the plans' direct-dalpha threshold; and dalpha against a finite
// difference of the loss in double.
#include <cuact/error.hpp>
#include <cuact/prelu.hpp>

#include "tests/support/reference.hpp"
#include "tests/support/ulp.hpp"
#include "tests/support/channel_layouts.hpp"
#include "tests/support/device_buffer.hpp"
#include "tests/support/expect_bitwise.hpp"
#include "tests/support/offset_buffer.hpp"
#include "tests/support/gpu_environment.hpp"
#include "tests/support/test_data.hpp"

#include "cuda/channelwise_plan.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace cuact::test {
namespace {

using reference::bits_of;
using reference::bits_t;

/// (dtype, layout, channels, spatial): spatial is H*W for NCHW/NHWC, extra rows for [N, C].
using Case = std::tuple<Dtype, Layout, std::int64_t, std::int64_t>;

template <class T>
void expect_dalpha_close(const std::vector<compute_t<T>>& got, const reference::PreluAlphaGrad& ref,
                         const std::vector<double>& base, std::int64_t per_channel) {
  for (std::size_t c = 0; c < got.size(); ++c) {
    const double expected = base[c] + ref.sum[c];
    const double tol = reference::dalpha_tolerance<T>(ref.abs_sum[c] + std::fabs(base[c]), per_channel + 1);
    ASSERT_NEAR(static_cast<double>(got[c]), expected, tol) << "channel " << c;
  }
}

/// Every PReLU call on `shape` against the CPU reference, with x, dy, y and dx starting
/// `offset` elements into their allocations.
template <class T>
void run_case(PreluShape shape, std::int64_t offset) {
  using C = compute_t<T>;
  const std::int64_t n = shape.numel();
  const std::int64_t per_channel = n / shape.channels;
  const auto x = random_vector<T>(n, -4, 4, 11);
  const auto dy = random_vector<T>(n, -2, 2, 12);
  const auto alpha = random_vector<C>(shape.channels, -0.5, 0.5, 13);
  const auto dalpha_init = random_vector<C>(shape.channels, -1, 1, 14);

  std::vector<T> y_ref(n);
  std::vector<T> dx_ref(n);
  reference::prelu_forward(x.data(), alpha.data(), y_ref.data(), shape);
  const auto g = reference::prelu_backward(x.data(), dy.data(), alpha.data(), dx_ref.data(), shape);
  const std::vector<double> zero(shape.channels, 0.0);
  const std::vector<double> init(dalpha_init.begin(), dalpha_init.end());

  OffsetBuffer<T> dx_buf(n, offset), y_buf(n, offset), x_buf(n, offset), dy_buf(n, offset);
  TestDeviceBuffer<C> alpha_buf(shape.channels), dalpha_buf(shape.channels);
  x_buf.upload(x);
  dy_buf.upload(dy);
  alpha_buf.upload(alpha);

  // Forward, separate and in place.
  prelu_forward(x_buf.get(), alpha_buf.get(), y_buf.get(), shape, nullptr);
  CUACT_TEST_CUDA(cudaDeviceSynchronize());
  expect_bitwise(y_ref, y_buf.download(), "y");
  {
    OffsetBuffer<T> inplace(n, offset);
    inplace.upload(x);
    prelu_forward(inplace.get(), alpha_buf.get(), inplace.get(), shape, nullptr);
    CUACT_TEST_CUDA(cudaDeviceSynchronize());
    expect_bitwise(y_ref, inplace.download(), "y in place");
  }

  // Backward, overwrite, with a caller workspace; twice, for bitwise determinism.
  const std::size_t ws_bytes = prelu_backward_workspace_size<T>(shape);
  TestDeviceBuffer<unsigned char> ws(ws_bytes);
  std::vector<C> first;
  for (int run = 0; run < 2; ++run) {
    dx_buf.fill_bytes(0xFF);
    CUACT_TEST_CUDA(cudaMemset(dalpha_buf.get(), 0xFF, shape.channels * sizeof(C)));
    prelu_backward(x_buf.get(), dy_buf.get(), alpha_buf.get(), dx_buf.get(), dalpha_buf.get(),
                   shape, GradMode::overwrite, ws.get(), ws_bytes, nullptr);
    CUACT_TEST_CUDA(cudaDeviceSynchronize());
    expect_bitwise(dx_ref, dx_buf.download(), "dx");
    const auto dalpha = dalpha_buf.download();
    expect_dalpha_close<T>(dalpha, g, zero, per_channel);
    if (run == 0) {
      first = dalpha;
    } else {
      expect_bitwise(first, dalpha, "dalpha on the second run");
    }
  }

  // Backward, accumulate, allocating its own workspace, in place (dx == dy).
  {
    OffsetBuffer<T> inplace(n, offset);
    inplace.upload(dy);
    dalpha_buf.upload(dalpha_init);
    prelu_backward(x_buf.get(), inplace.get(), alpha_buf.get(), inplace.get(), dalpha_buf.get(),
                   shape, GradMode::accumulate, nullptr);
    CUACT_TEST_CUDA(cudaDeviceSynchronize());
    expect_bitwise(dx_ref, inplace.download(), "dx in place");
    expect_dalpha_close<T>(dalpha_buf.download(), g, init, per_channel);
  }

  // Only one of the outputs.
  dx_buf.fill_bytes(0xFF);
  prelu_backward<T>(x_buf.get(), dy_buf.get(), alpha_buf.get(), dx_buf.get(), nullptr, shape,
                    GradMode::overwrite, nullptr, 0, nullptr);
  dalpha_buf.upload(dalpha_init);
  prelu_backward<T>(x_buf.get(), dy_buf.get(), nullptr, nullptr, dalpha_buf.get(), shape,
                    GradMode::accumulate, ws.get(), ws_bytes, nullptr);
  CUACT_TEST_CUDA(cudaDeviceSynchronize());
  expect_bitwise(dx_ref, dx_buf.download(), "dx alone");
  expect_dalpha_close<T>(dalpha_buf.download(), g, init, per_channel);
}

class Prelu : public GpuTestWithParam<Case> {};

TEST_P(Prelu, MatchesTheCpuReferenceForwardBackwardOverwriteAccumulateAndInPlace) {
  const auto& [dtype, layout, channels, spatial] = GetParam();
  const PreluShape shape = make_shape(layout, channels, spatial);
  if (shape.numel() > test_max_elements()) {
    GTEST_SKIP() << shape.numel() << " elements is above CUACT_TEST_MAX_N";
  }
  with_dtype(dtype, [&](auto tag) { run_case<decltype(tag)>(shape, 0); });
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  const auto& [dtype, layout, channels, spatial] = info.param;
  return std::string(kLayoutNames[static_cast<int>(layout)]) + "_" + dtype_name(dtype) + "_c" +
         std::to_string(channels) + "_s" + std::to_string(spatial);
}

INSTANTIATE_TEST_SUITE_P(AllLayouts, Prelu,
                         ::testing::Combine(::testing::ValuesIn(kAllDtypes),
                                            ::testing::Values(Layout::nchw, Layout::nhwc,
                                                              Layout::matrix, Layout::shared),
                                            ::testing::Values<std::int64_t>(1, 3, 64, 1000),
                                            ::testing::Values<std::int64_t>(1, 7, 49, 3136)),
                         case_name);

/// (dtype, layout, channels, spatial, offset): every tensor `offset` elements past a
/// 16-byte boundary, the vector path's any-offset case (odd offsets also shift the rows of
/// shapes whose rows are a multiple of the vector).
using OffsetCase = std::tuple<Dtype, Layout, std::int64_t, std::int64_t, std::int64_t>;

class PreluAtAnOffset : public GpuTestWithParam<OffsetCase> {};

TEST_P(PreluAtAnOffset, MatchesTheCpuReferenceForwardBackwardOverwriteAccumulateAndInPlace) {
  const auto& [dtype, layout, channels, spatial, offset] = GetParam();
  const PreluShape shape = make_shape(layout, channels, spatial);
  if (shape.numel() > test_max_elements()) {
    GTEST_SKIP() << shape.numel() << " elements is above CUACT_TEST_MAX_N";
  }
  with_dtype(dtype, [&](auto tag) { run_case<decltype(tag)>(shape, offset); });
}

std::string offset_case_name(const ::testing::TestParamInfo<OffsetCase>& info) {
  const auto& [dtype, layout, channels, spatial, offset] = info.param;
  return std::string(kLayoutNames[static_cast<int>(layout)]) + "_" + dtype_name(dtype) + "_c" +
         std::to_string(channels) + "_s" + std::to_string(spatial) + "_at" +
         std::to_string(offset);
}

INSTANTIATE_TEST_SUITE_P(AllLayouts, PreluAtAnOffset,
                         ::testing::Combine(::testing::ValuesIn(kAllDtypes),
                                            ::testing::Values(Layout::nchw, Layout::nhwc,
                                                              Layout::matrix, Layout::shared),
                                            ::testing::Values<std::int64_t>(3, 64),
                                            ::testing::Values<std::int64_t>(3, 7, 64),
                                            ::testing::Values<std::int64_t>(1, 3)),
                         offset_case_name);

class PreluSpecial : public GpuTest {};

TEST_F(PreluSpecial, TensorsAtDifferentOffsetsTakeTheElementPathAndMatch) {
  // x, dy and dx at different offsets from a 16-byte boundary: no common vector grid.
  const PreluShape shape = PreluShape::nchw(4, 5, 7, 7);
  const std::int64_t n = shape.numel();
  const auto x = random_vector<__nv_bfloat16>(n, -4, 4, 51);
  const auto dy = random_vector<__nv_bfloat16>(n, -2, 2, 52);
  const auto alpha = random_vector<float>(5, -0.5, 0.5, 53);
  std::vector<__nv_bfloat16> dx_ref(n);
  std::vector<__nv_bfloat16> y_ref(n);
  reference::prelu_forward(x.data(), alpha.data(), y_ref.data(), shape);
  const auto g = reference::prelu_backward(x.data(), dy.data(), alpha.data(), dx_ref.data(), shape);
  OffsetBuffer<__nv_bfloat16> xb(n, 1), dyb(n, 2), dxb(n, 5);
  TestDeviceBuffer<float> ab(5), dab(5);
  xb.upload(x);
  dyb.upload(dy);
  ab.upload(alpha);
  prelu_forward(xb.get(), ab.get(), dxb.get(), shape, nullptr);
  CUACT_TEST_CUDA(cudaDeviceSynchronize());
  expect_bitwise(y_ref, dxb.download(), "y");
  prelu_backward(xb.get(), dyb.get(), ab.get(), dxb.get(), dab.get(), shape, GradMode::overwrite,
                 nullptr);
  CUACT_TEST_CUDA(cudaDeviceSynchronize());
  expect_bitwise(dx_ref, dxb.download(), "dx");
  expect_dalpha_close<__nv_bfloat16>(dab.download(), g, std::vector<double>(5, 0.0), n / 5);
}

TEST_F(PreluSpecial, NothingIsWrittenOutsideTheOutput) {
  // Rows off vector boundaries (7x7, NHWC with 3 channels) at an offset: the element stores
  // of rows' first and last vectors and the tensor's edge vectors stay inside dx / y.
  for (const PreluShape shape : {PreluShape::nchw(3, 5, 7, 7), PreluShape::nhwc(3, 5, 7, 3),
                                 PreluShape::shared(1001)}) {
    const std::int64_t n = shape.numel();
    const auto x = random_vector<__half>(n, -4, 4, 61);
    const auto alpha = random_vector<float>(shape.channels, -0.5, 0.5, 62);
    std::vector<__half> y_ref(n);
    reference::prelu_forward(x.data(), alpha.data(), y_ref.data(), shape);
    constexpr std::int64_t kGuard = 16;
    TestDeviceBuffer<__half> xb(n + 3), yb(n + 3 + kGuard);
    TestDeviceBuffer<float> ab(shape.channels);
    CUACT_TEST_CUDA(cudaMemcpy(xb.get() + 3, x.data(), n * 2, cudaMemcpyHostToDevice));
    CUACT_TEST_CUDA(cudaMemset(yb.get(), 0x7B, (n + 3 + kGuard) * 2));
    ab.upload(alpha);
    prelu_forward(xb.get() + 3, ab.get(), yb.get() + 3, shape, nullptr);
    CUACT_TEST_CUDA(cudaDeviceSynchronize());
    const auto y = yb.download();
    for (const std::int64_t i : {0, 1, 2}) {
      EXPECT_EQ(bits_of(y[i]), 0x7B7Bu) << "element " << i << " before y";
    }
    for (std::int64_t i = 0; i < kGuard; ++i) {
      EXPECT_EQ(bits_of(y[n + 3 + i]), 0x7B7Bu) << "element " << i << " past y";
    }
    expect_bitwise(y_ref, std::vector<__half>(y.begin() + 3, y.begin() + 3 + n), "y");
  }
}

TEST_F(PreluSpecial, MidSizeChannelsSpanningManyBlocksAndMisalignedPointersMatch) {
  // Each channel holds 16 * 40000 elements: many tiles per channel. Then the same data at
  // pointers one element past 16-byte alignment (the scalar path).
  const PreluShape shape = PreluShape::nchw(16, 3, 200, 200);
  const std::int64_t n = shape.numel();
  if (n > test_max_elements()) {
    GTEST_SKIP() << n << " elements is above CUACT_TEST_MAX_N";
  }
  const auto x = random_vector<float>(n, -4, 4, 21);
  const auto dy = random_vector<float>(n, -2, 2, 22);
  const std::vector<float> alpha = {0.25f, -0.1f, 0.5f};
  std::vector<float> dx_ref(n);
  const auto g = reference::prelu_backward(x.data(), dy.data(), alpha.data(), dx_ref.data(), shape);

  for (const std::int64_t offset : {0, 1}) {
    SCOPED_TRACE(::testing::Message() << "offset " << offset);
    TestDeviceBuffer<float> xb(n + 1), dyb(n + 1), dxb(n + 1), ab(3), dab(3);
    CUACT_TEST_CUDA(cudaMemcpy(xb.get() + offset, x.data(), n * 4, cudaMemcpyHostToDevice));
    CUACT_TEST_CUDA(cudaMemcpy(dyb.get() + offset, dy.data(), n * 4, cudaMemcpyHostToDevice));
    ab.upload(alpha);
    prelu_backward(xb.get() + offset, dyb.get() + offset, ab.get(), dxb.get() + offset, dab.get(),
                   shape, GradMode::overwrite, nullptr);
    CUACT_TEST_CUDA(cudaDeviceSynchronize());
    std::vector<float> dx(n);
    CUACT_TEST_CUDA(cudaMemcpy(dx.data(), dxb.get() + offset, n * 4, cudaMemcpyDeviceToHost));
    expect_bitwise(dx_ref, dx, "dx");
    expect_dalpha_close<float>(dab.download(), g, std::vector<double>(3, 0.0), n / 3);
  }
}

TEST_F(PreluSpecial, NhwcWithMisalignedPointersMatches) {
  const PreluShape shape = PreluShape::nhwc(4, 33, 17, 64);
  const std::int64_t n = shape.numel();
  if (n > test_max_elements()) {
    GTEST_SKIP() << n << " elements is above CUACT_TEST_MAX_N";
  }
  const auto x = random_vector<__half>(n, -4, 4, 31);
  const auto dy = random_vector<__half>(n, -2, 2, 32);
  const auto alpha = random_vector<float>(64, -0.5, 0.5, 33);
  std::vector<__half> dx_ref(n);
  const auto g = reference::prelu_backward(x.data(), dy.data(), alpha.data(), dx_ref.data(), shape);
  TestDeviceBuffer<__half> xb(n + 3), dyb(n + 3);
  TestDeviceBuffer<float> ab(64), dab(64);
  CUACT_TEST_CUDA(cudaMemcpy(xb.get() + 3, x.data(), n * 2, cudaMemcpyHostToDevice));
  CUACT_TEST_CUDA(cudaMemcpy(dyb.get() + 3, dy.data(), n * 2, cudaMemcpyHostToDevice));
  ab.upload(alpha);
  prelu_backward(xb.get() + 3, dyb.get() + 3, ab.get(), dyb.get() + 3, dab.get(), shape,
                 GradMode::overwrite, nullptr);
  CUACT_TEST_CUDA(cudaDeviceSynchronize());
  std::vector<__half> dx(n);
  CUACT_TEST_CUDA(cudaMemcpy(dx.data(), dyb.get() + 3, n * 2, cudaMemcpyDeviceToHost));
  expect_bitwise(dx_ref, dx, "dx");
  expect_dalpha_close<__half>(dab.download(), g, std::vector<double>(64, 0.0), n / 64);
}

TEST_F(PreluSpecial, AlphaGradientMatchesAFiniteDifferenceOfTheLossInDouble) {
  // loss(alpha) = sum(y(alpha) * w); d loss / d alpha_c = dalpha_c with dy = w.
  const PreluShape shape = PreluShape::nchw(3, 4, 9, 11);
  const std::int64_t n = shape.numel();
  const auto x = random_vector<double>(n, -3, 3, 41);
  const auto w = random_vector<double>(n, -1, 1, 42);
  std::vector<double> alpha = {0.2, -0.3, 0.05, 1.5};
  TestDeviceBuffer<double> xb(n), yb(n), wb(n), ab(4), dab(4);
  xb.upload(x);
  wb.upload(w);
  const auto loss = [&](const std::vector<double>& a) {
    ab.upload(a);
    prelu_forward(xb.get(), ab.get(), yb.get(), shape, nullptr);
    const auto y = yb.download();
    double sum = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      sum += y[i] * w[i];
    }
    return sum;
  };
  ab.upload(alpha);
  prelu_backward<double>(xb.get(), wb.get(), ab.get(), nullptr, dab.get(), shape,
                         GradMode::overwrite, nullptr);
  const auto dalpha = dab.download();
  const double h = 1e-4;
  for (int c = 0; c < 4; ++c) {
    auto plus = alpha;
    auto minus = alpha;
    plus[c] += h;
    minus[c] -= h;
    const double fd = (loss(plus) - loss(minus)) / (2 * h);
    EXPECT_NEAR(dalpha[c], fd, 1e-8 * std::fmax(1.0, std::fabs(fd))) << "channel " << c;
  }
}

// Small tensors' plans let one block sum each channel whole and write dalpha (no partials,
// no second kernel): NCHW channels of fewer than 8192 elements, shared alpha over fewer
// than 8192, channels last of fewer than 128 rows (and channels a multiple of the vector).
// Every call on both sides of that threshold, on and off vector boundaries.
TEST_F(PreluSpecial, BothSidesOfTheDirectDalphaThresholdMatch) {
  struct Side {
    PreluShape shape;
    bool direct;
  };
  const Side sides[] = {{PreluShape::nchw(1, 4, 8191, 1), true},
                        {PreluShape::nchw(1, 4, 8192, 1), false},
                        {PreluShape::shared(8191), true},
                        {PreluShape::shared(8192), false},
                        {PreluShape::nhwc(127, 1, 1, 64), true},
                        {PreluShape::nhwc(128, 1, 1, 64), false}};
  int ran = 0;
  for (const Dtype dtype : kAllDtypes) {
    with_dtype(dtype, [&](auto tag) {
      using T = decltype(tag);
      for (const Side& side : sides) {
        const PreluShape& shape = side.shape;
        if (shape.numel() > test_max_elements()) {
          continue;
        }
        ++ran;
        SCOPED_TRACE(::testing::Message() << dtype_name(dtype) << " [" << shape.outer << ", "
                                          << shape.channels << ", " << shape.inner << "]");
        const detail::ChannelwisePlan plan = detail::plan_channelwise(
            shape, true, 16 / static_cast<int>(sizeof(T)), sizeof(compute_t<T>));
        ASSERT_EQ(plan.direct, side.direct);
        for (const std::int64_t offset : {0, 3}) {
          SCOPED_TRACE(::testing::Message() << "offset " << offset);
          run_case<T>(shape, offset);
        }
      }
    });
  }
  if (ran == 0) {
    GTEST_SKIP() << "every shape is above CUACT_TEST_MAX_N";
  }
}

TEST_F(PreluSpecial, AWorkspaceOneByteShortIsRejected) {
  const PreluShape shape = PreluShape::nchw(2, 8, 16, 16);
  const std::size_t needed = prelu_backward_workspace_size<float>(shape);
  TestDeviceBuffer<float> x(shape.numel()), dy(shape.numel()), alpha(8), dalpha(8);
  TestDeviceBuffer<unsigned char> ws(needed);
  try {
    prelu_backward(x.get(), dy.get(), alpha.get(), nullptr, dalpha.get(), shape,
                   GradMode::overwrite, ws.get(), needed - 1, nullptr);
    FAIL() << "a short workspace was accepted";
  } catch (const invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("this call needs at least " + std::to_string(needed)),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace cuact::test
