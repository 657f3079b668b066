// DyT on the GPU against the CPU reference (the same channel functor on the host), for every
// element type x layout x channels x size, at offsets 0 and 3: y and dx within the op's
// accuracy of the host's (tanhf is the math library's on each side), dgamma, dbeta and
// dalpha within the reduction's bound of the reference sums and bitwise identical from run
// to run; overwrite, accumulate with a stream-ordered workspace, in place, dx alone.
#include <cuact/dyt.hpp>
#include <cuact/error.hpp>
#include <cuact/layers.hpp>

#include "cuda/dyt_channel.hpp"
#include "tests/support/channel_layouts.hpp"
#include "tests/support/device_buffer.hpp"
#include "tests/support/expect_bitwise.hpp"
#include "tests/support/gpu_environment.hpp"
#include "tests/support/offset_buffer.hpp"
#include "tests/support/reference.hpp"
#include "tests/support/test_data.hpp"
#include "tests/support/ulp.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

namespace cuact::test {
namespace {

using Case = std::tuple<Dtype, Layout, std::int64_t, std::int64_t>;

/// got within 4 ulp (the math library's tanhf differs by up to 2 between host and device) or
/// 8 eps(T) of `scale` of want.
template <class T>
void expect_close(const std::vector<T>& want, const std::vector<T>& got, double scale,
                  const char* what) {
  ASSERT_EQ(want.size(), got.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    const double w = static_cast<double>(to_compute(want[i]));
    const double g = static_cast<double>(to_compute(got[i]));
    if (reference::ulp_distance(want[i], got[i]) <= 4 ||
        std::fabs(w - g) <= 8 * reference::epsilon_of<T>() * scale) {
      continue;
    }
    FAIL() << what << "[" << i << "]: want " << w << ", got " << g;
  }
}

template <class T>
void run_case(const ChannelShape& shape, std::int64_t offset) {
  using C = compute_t<T>;
  const std::int64_t n = shape.numel();
  const auto channels = static_cast<std::size_t>(shape.channels);
  const auto x = random_vector<T>(n, -4, 4, 11);
  const auto dy = random_vector<T>(n, -2, 2, 12);
  const std::vector<C> alpha = {C(0.6)};
  const auto gamma = random_vector<C>(shape.channels, -2, 2, 13);
  const auto beta = random_vector<C>(shape.channels, -1, 1, 14);
  const detail::DytChannel<T> f{alpha.data(), gamma.data(), beta.data()};
  std::vector<T> y_ref(n), dx_ref(n);
  reference::channel_forward(f, x.data(), y_ref.data(), shape);
  const auto g = reference::channel_backward(f, x.data(), dy.data(), dx_ref.data(), shape);

  OffsetBuffer<T> xb(n, offset), dyb(n, offset), out(n, offset);
  TestDeviceBuffer<C> ab(1), gb(channels), bb(channels), da(1), dg(channels), db(channels);
  xb.upload(x);
  dyb.upload(dy);
  ab.upload(alpha);
  gb.upload(gamma);
  bb.upload(beta);
  dyt_forward(xb.get(), ab.get(), gb.get(), bb.get(), out.get(), shape, nullptr);
  CUACT_TEST_CUDA(cudaDeviceSynchronize());
  expect_close(y_ref, out.download(), 3.0, "y");

  const std::size_t ws_bytes = dyt_backward_workspace_size<T>(shape);
  TestDeviceBuffer<unsigned char> ws(ws_bytes);
  std::vector<C> first;
  for (int run = 0; run < 2; ++run) {
    dyt_backward(xb.get(), dyb.get(), ab.get(), gb.get(), out.get(), da.get(), dg.get(), db.get(),
                 shape, GradMode::overwrite, ws.get(), ws_bytes, nullptr);
    CUACT_TEST_CUDA(cudaDeviceSynchronize());
    expect_close(dx_ref, out.download(), 2.0 * 2.0 * 0.6, "dx");
    std::vector<C> all = da.download();
    for (const auto& v : {dg.download(), db.download()}) {
      all.insert(all.end(), v.begin(), v.end());
    }
    // all = dalpha, dgamma[C], dbeta[C]: against the sums, plus 8 (dalpha: 16) eps of the
    // terms' magnitudes for the device's tanhf, a few ulp from the host's per term.
    double alpha_sum = 0, alpha_abs = 0;
    for (std::size_t c = 0; c < channels; ++c) {
      alpha_sum += g.sum[2][c];
      alpha_abs += g.abs_sum[2][c];
      for (int t = 0; t < 2; ++t) {
        const double tol = reference::dalpha_tolerance<T>(g.abs_sum[t][c], n) +
                           8 * reference::epsilon_of<T>() * g.abs_sum[t][c];
        ASSERT_NEAR(static_cast<double>(all[1 + t * channels + c]), g.sum[t][c], tol)
            << (t == 0 ? "dgamma" : "dbeta") << "[" << c << "]";
      }
    }
    ASSERT_NEAR(static_cast<double>(all[0]), alpha_sum,
                reference::dalpha_tolerance<T>(alpha_abs, n) +
                    16 * reference::epsilon_of<T>() * alpha_abs)
        << "dalpha";
    if (run == 0) {
      first = all;
    } else {
      expect_bitwise(first, all, "the gradients on the second run");
    }
  }
  // Accumulate in place (dx == dy), allocating the workspace: dalpha doubles.
  OffsetBuffer<T> inplace(n, offset);
  inplace.upload(dy);
  dyt_backward(xb.get(), inplace.get(), ab.get(), gb.get(), inplace.get(), da.get(), dg.get(),
               db.get(), shape, GradMode::accumulate, nullptr);
  CUACT_TEST_CUDA(cudaDeviceSynchronize());
  expect_close(dx_ref, inplace.download(), 2.0 * 2.0 * 0.6, "dx in place");
  const C twice = da.download()[0];
  EXPECT_NEAR(static_cast<double>(twice), 2.0 * static_cast<double>(first[0]),
              1e-5 * std::fabs(static_cast<double>(first[0])) + 1e-30)
      << "dalpha accumulated";
}

class Dyt : public GpuTestWithParam<Case> {};

TEST_P(Dyt, MatchesTheCpuReferenceForwardBackwardOverwriteAccumulateAndInPlace) {
  const auto& [dtype, layout, channels, spatial] = GetParam();
  const ChannelShape shape = make_shape(layout, channels, spatial);
  if (shape.numel() > test_max_elements()) {
    GTEST_SKIP() << shape.numel() << " elements is above CUACT_TEST_MAX_N";
  }
  with_dtype(dtype, [&](auto tag) {
    run_case<decltype(tag)>(shape, 0);
    run_case<decltype(tag)>(shape, 3);
  });
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  const auto& [dtype, layout, channels, spatial] = info.param;
  return std::string(kLayoutNames[static_cast<int>(layout)]) + "_" + dtype_name(dtype) + "_c" +
         std::to_string(channels) + "_s" + std::to_string(spatial);
}

INSTANTIATE_TEST_SUITE_P(AllLayouts, Dyt,
                         ::testing::Combine(::testing::ValuesIn(kAllDtypes),
                                            ::testing::Values(Layout::matrix, Layout::nhwc,
                                                              Layout::nchw),
                                            ::testing::Values<std::int64_t>(3, 768),
                                            ::testing::Values<std::int64_t>(7, 300)),
                         case_name);

class DytLayers : public GpuTest {};

TEST_F(DytLayers, AccumulateAndReplayTheSameBitsInACapturedGraph) {
  const ChannelShape shape = ChannelShape::matrix(64, 16);
  const std::int64_t n = shape.numel();
  const auto x = random_vector<float>(n, -3, 3, 81);
  const auto dy = random_vector<float>(n, -1, 1, 82);
  TestDeviceBuffer<float> xb(n), dyb(n), yb(n), dxb(n);
  xb.upload(x);
  dyb.upload(dy);
  cudaStream_t stream = nullptr;
  CUACT_TEST_CUDA(cudaStreamCreate(&stream));
  DytLayer<float> layer(16, stream);
  layer.reserve(shape, stream);
  layer.forward(xb.get(), yb.get(), shape, stream);
  layer.backward(dyb.get(), dxb.get(), stream);
  CUACT_TEST_CUDA(cudaStreamSynchronize(stream));
  const std::vector<float> alpha = {0.5f}, gamma(16, 1.0f), beta(16, 0.0f);
  const detail::DytChannel<float> f{alpha.data(), gamma.data(), beta.data()};
  std::vector<float> y_ref(n), dx_ref(n);
  reference::channel_forward(f, x.data(), y_ref.data(), shape);
  reference::channel_backward(f, x.data(), dy.data(), dx_ref.data(), shape);
  expect_close(y_ref, yb.download(), 1.0, "layer y");
  expect_close(dx_ref, dxb.download(), 0.5, "layer dx");
  std::vector<float> once(16);
  CUACT_TEST_CUDA(cudaMemcpy(once.data(), layer.gamma_grad(), 16 * 4, cudaMemcpyDeviceToHost));

  cudaGraph_t graph = nullptr;
  cudaGraphExec_t exec = nullptr;
  CUACT_TEST_CUDA(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal));
  layer.backward(dyb.get(), dxb.get(), stream);
  CUACT_TEST_CUDA(cudaStreamEndCapture(stream, &graph));
  CUACT_TEST_CUDA(cudaGraphInstantiate(&exec, graph, 0));
  layer.zero_grad(stream);
  CUACT_TEST_CUDA(cudaGraphLaunch(exec, stream));
  CUACT_TEST_CUDA(cudaStreamSynchronize(stream));
  std::vector<float> replayed(16);
  CUACT_TEST_CUDA(
      cudaMemcpy(replayed.data(), layer.gamma_grad(), 16 * 4, cudaMemcpyDeviceToHost));
  expect_bitwise(once, replayed, "dgamma from the replayed graph");
  CUACT_TEST_CUDA(cudaGraphExecDestroy(exec));
  CUACT_TEST_CUDA(cudaGraphDestroy(graph));
  CUACT_TEST_CUDA(cudaStreamDestroy(stream));
}

}  // namespace
}  // namespace cuact::test
