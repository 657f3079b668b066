// PReLU on the GPU against the CPU reference, for every element type x layout (NCHW, NHWC,
// [N, C], shared) x channels x spatial size: y and dx exactly as the functor gives; dalpha
// within a bound from the reduction length; overwrite and accumulate; in place; bitwise
// identical dalpha from run to run; misaligned pointers; and dalpha against a finite
// difference of the loss in double.
#include <cuact/error.hpp>
#include <cuact/prelu.hpp>

#include "tests/support/reference.hpp"
#include "tests/support/ulp.hpp"
#include "tests/support/device_buffer.hpp"
#include "tests/support/gpu_environment.hpp"
#include "tests/support/test_data.hpp"

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
using reference::ulp_distance;

enum class Layout { nchw, nhwc, matrix, shared };
const char* const kLayoutNames[] = {"Nchw", "Nhwc", "Matrix", "Shared"};

void PrintTo(Layout l, std::ostream* os) { *os << kLayoutNames[static_cast<int>(l)]; }

/// (dtype, layout, channels, spatial): spatial is H*W for NCHW/NHWC, extra rows for [N, C].
using Case = std::tuple<Dtype, Layout, std::int64_t, std::int64_t>;

PreluShape make_shape(Layout layout, std::int64_t channels, std::int64_t spatial) {
  constexpr std::int64_t kBatch = 2;
  switch (layout) {
    case Layout::nchw:
      return PreluShape::nchw(kBatch, channels, spatial, 1);
    case Layout::nhwc:
      return PreluShape::nhwc(kBatch, spatial, 1, channels);
    case Layout::matrix:
      return PreluShape::matrix(kBatch + spatial, channels);
    case Layout::shared:
      return PreluShape::shared(kBatch * channels * spatial);
  }
  return {};
}

template <class T>
void expect_dalpha_close(const std::vector<compute_t<T>>& got, const reference::PreluAlphaGrad& ref,
                         const std::vector<double>& base, std::int64_t per_channel) {
  for (std::size_t c = 0; c < got.size(); ++c) {
    const double expected = base[c] + ref.sum[c];
    const double tol = reference::dalpha_tolerance<T>(ref.abs_sum[c] + std::fabs(base[c]), per_channel + 1);
    ASSERT_NEAR(static_cast<double>(got[c]), expected, tol) << "channel " << c;
  }
}

template <class T>
void expect_bitwise(const std::vector<T>& expected, const std::vector<T>& got, const char* what) {
  ASSERT_EQ(expected.size(), got.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(ulp_distance(expected[i], got[i]), 0u)
        << what << "[" << i << "]: expected " << to_compute(expected[i]) << ", got "
        << to_compute(got[i]);
  }
}

template <class T>
void run_case(PreluShape shape) {
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

  TestDeviceBuffer<T> dx_buf(n), y_buf(n), x_buf(n), dy_buf(n);
  TestDeviceBuffer<C> alpha_buf(shape.channels), dalpha_buf(shape.channels);
  x_buf.upload(x);
  dy_buf.upload(dy);
  alpha_buf.upload(alpha);

  // Forward, separate and in place.
  prelu_forward(x_buf.get(), alpha_buf.get(), y_buf.get(), shape, nullptr);
  CUACT_TEST_CUDA(cudaDeviceSynchronize());
  expect_bitwise(y_ref, y_buf.download(), "y");
  {
    TestDeviceBuffer<T> inplace(n);
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
    CUACT_TEST_CUDA(cudaMemset(dx_buf.get(), 0xFF, n * sizeof(T)));
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
    TestDeviceBuffer<T> inplace(n);
    inplace.upload(dy);
    dalpha_buf.upload(dalpha_init);
    prelu_backward(x_buf.get(), inplace.get(), alpha_buf.get(), inplace.get(), dalpha_buf.get(),
                   shape, GradMode::accumulate, nullptr);
    CUACT_TEST_CUDA(cudaDeviceSynchronize());
    expect_bitwise(dx_ref, inplace.download(), "dx in place");
    expect_dalpha_close<T>(dalpha_buf.download(), g, init, per_channel);
  }

  // Only one of the outputs.
  CUACT_TEST_CUDA(cudaMemset(dx_buf.get(), 0xFF, n * sizeof(T)));
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
  with_dtype(dtype, [&](auto tag) { run_case<decltype(tag)>(shape); });
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

class PreluSpecial : public GpuTest {};

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
