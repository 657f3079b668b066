// Snake and SnakeBeta on the GPU against the CPU reference (the same channel functors on the
// host), for every element type x layout x channels x spatial size, linear and log-scale
// parameters: y and dx bit for bit (the sine and cosine are cuact's own, the same bits on
// both for |alpha x| below 2^16), the parameter gradients within the reduction's bound and
// bitwise identical from run to run; overwrite and accumulate; in place; each output alone;
// tensors at an odd offset; the layers, also captured in a CUDA graph.
#include <cuact/error.hpp>
#include <cuact/layers.hpp>
#include <cuact/snake.hpp>

#include "tests/support/channel_layouts.hpp"
#include "tests/support/device_buffer.hpp"
#include "tests/support/expect_bitwise.hpp"
#include "tests/support/gpu_environment.hpp"
#include "tests/support/offset_buffer.hpp"
#include "tests/support/reference.hpp"
#include "tests/support/test_data.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

namespace cuact::test {
namespace {

/// (dtype, layout, channels, spatial); each case runs Snake and SnakeBeta, with linear and
/// log-scale parameters, at offsets 0 and 3.
using Case = std::tuple<Dtype, Layout, std::int64_t, std::int64_t>;

template <class C>
void expect_grads_close(const std::vector<C>& got, const reference::ParamGrads& ref, int term,
                        const std::vector<C>& base, std::int64_t per_channel, const char* what) {
  for (std::size_t c = 0; c < got.size(); ++c) {
    const double b = base.empty() ? 0.0 : static_cast<double>(base[c]);
    const double tol =
        reference::dalpha_tolerance<C>(ref.abs_sum[term][c] + std::fabs(b), per_channel + 1);
    ASSERT_NEAR(static_cast<double>(got[c]), b + ref.sum[term][c], tol)
        << what << ", channel " << c;
  }
}

template <class T>
void run_case(const ChannelShape& shape, bool log_scale, bool beta_op, std::int64_t offset) {
  using C = compute_t<T>;
  const std::int64_t n = shape.numel();
  const std::int64_t per_channel = n / shape.channels;
  const ParamScale scale = log_scale ? ParamScale::log : ParamScale::linear;
  const auto x = random_vector<T>(n, -4, 4, 11);
  const auto dy = random_vector<T>(n, -2, 2, 12);
  const auto alpha = log_scale ? random_vector<C>(shape.channels, -1, 1, 13)
                               : random_vector<C>(shape.channels, 0.25, 2, 13);
  const auto beta = log_scale ? random_vector<C>(shape.channels, -1, 1, 14)
                              : random_vector<C>(shape.channels, 0.5, 2, 14);
  const auto init_a = random_vector<C>(shape.channels, -1, 1, 15);
  const auto init_b = random_vector<C>(shape.channels, -1, 1, 16);

  std::vector<T> y_ref(n), dx_ref(n);
  reference::ParamGrads g;
  if (beta_op) {
    const detail::SnakeBetaChannel<T> f{alpha.data(), beta.data(), log_scale};
    reference::channel_forward(f, x.data(), y_ref.data(), shape);
    g = reference::channel_backward(f, x.data(), dy.data(), dx_ref.data(), shape);
  } else {
    const detail::SnakeChannel<T> f{alpha.data(), log_scale};
    reference::channel_forward(f, x.data(), y_ref.data(), shape);
    g = reference::channel_backward(f, x.data(), dy.data(), dx_ref.data(), shape);
  }

  OffsetBuffer<T> x_buf(n, offset), dy_buf(n, offset), out(n, offset);
  TestDeviceBuffer<C> a_buf(shape.channels), b_buf(shape.channels), da(shape.channels),
      db(shape.channels);
  x_buf.upload(x);
  dy_buf.upload(dy);
  a_buf.upload(alpha);
  b_buf.upload(beta);
  const auto forward = [&](const T* in, T* y) {
    if (beta_op) {
      snakebeta_forward(in, a_buf.get(), b_buf.get(), y, shape, scale, nullptr);
    } else {
      snake_forward(in, a_buf.get(), y, shape, scale, nullptr);
    }
  };
  const std::size_t ws_bytes = beta_op ? snakebeta_backward_workspace_size<T>(shape)
                                       : snake_backward_workspace_size<T>(shape);
  TestDeviceBuffer<unsigned char> ws(ws_bytes);
  const auto backward = [&](const T* d, T* dx, bool grads, GradMode mode, bool own_workspace) {
    C* pa = grads ? da.get() : nullptr;
    C* pb = grads ? db.get() : nullptr;
    if (beta_op && own_workspace) {
      snakebeta_backward(x_buf.get(), d, a_buf.get(), b_buf.get(), dx, pa, pb, shape, scale, mode,
                         nullptr);
    } else if (beta_op) {
      snakebeta_backward(x_buf.get(), d, a_buf.get(), b_buf.get(), dx, pa, pb, shape, scale, mode,
                         ws.get(), ws_bytes, nullptr);
    } else if (own_workspace) {
      snake_backward(x_buf.get(), d, a_buf.get(), dx, pa, shape, scale, mode, nullptr);
    } else {
      snake_backward(x_buf.get(), d, a_buf.get(), dx, pa, shape, scale, mode, ws.get(), ws_bytes,
                     nullptr);
    }
  };

  // Forward, separate and in place.
  forward(x_buf.get(), out.get());
  CUACT_TEST_CUDA(cudaDeviceSynchronize());
  expect_bitwise(y_ref, out.download(), "y");
  {
    OffsetBuffer<T> inplace(n, offset);
    inplace.upload(x);
    forward(inplace.get(), inplace.get());
    CUACT_TEST_CUDA(cudaDeviceSynchronize());
    expect_bitwise(y_ref, inplace.download(), "y in place");
  }

  // Backward, overwrite, twice: the same bits.
  std::vector<C> first_a, first_b;
  for (int run = 0; run < 2; ++run) {
    out.fill_bytes(0xFF);
    backward(dy_buf.get(), out.get(), true, GradMode::overwrite, false);
    CUACT_TEST_CUDA(cudaDeviceSynchronize());
    expect_bitwise(dx_ref, out.download(), "dx");
    const auto ga = da.download();
    expect_grads_close<C>(ga, g, 0, {}, per_channel, "dalpha");
    std::vector<C> gb;
    if (beta_op) {
      gb = db.download();
      expect_grads_close<C>(gb, g, 1, {}, per_channel, "dbeta");
    }
    if (run == 0) {
      first_a = ga;
      first_b = gb;
    } else {
      expect_bitwise(first_a, ga, "dalpha on the second run");
      expect_bitwise(first_b, gb, "dbeta on the second run");
    }
  }

  // Accumulate, in place (dx == dy), with a stream-ordered workspace.
  {
    OffsetBuffer<T> inplace(n, offset);
    inplace.upload(dy);
    da.upload(init_a);
    db.upload(init_b);
    backward(inplace.get(), inplace.get(), true, GradMode::accumulate, true);
    CUACT_TEST_CUDA(cudaDeviceSynchronize());
    expect_bitwise(dx_ref, inplace.download(), "dx in place");
    expect_grads_close<C>(da.download(), g, 0, init_a, per_channel, "dalpha accumulated");
    if (beta_op) {
      expect_grads_close<C>(db.download(), g, 1, init_b, per_channel, "dbeta accumulated");
    }
  }

  // Each output alone.
  out.fill_bytes(0xFF);
  backward(dy_buf.get(), out.get(), false, GradMode::overwrite, false);
  da.upload(init_a);
  db.upload(init_b);
  backward(dy_buf.get(), nullptr, true, GradMode::accumulate, false);
  CUACT_TEST_CUDA(cudaDeviceSynchronize());
  expect_bitwise(dx_ref, out.download(), "dx alone");
  expect_grads_close<C>(da.download(), g, 0, init_a, per_channel, "dalpha alone");
}

class Snake : public GpuTestWithParam<Case> {};

TEST_P(Snake, MatchesTheCpuReferenceForwardBackwardOverwriteAccumulateAndInPlace) {
  const auto& [dtype, layout, channels, spatial] = GetParam();
  const ChannelShape shape = make_shape(layout, channels, spatial);
  if (shape.numel() > test_max_elements()) {
    GTEST_SKIP() << shape.numel() << " elements is above CUACT_TEST_MAX_N";
  }
  with_dtype(dtype, [&](auto tag) {
    for (const bool beta_op : {false, true}) {
      for (const bool log_scale : {false, true}) {
        for (const std::int64_t offset : {0, 3}) {
          SCOPED_TRACE(::testing::Message() << (beta_op ? "snakebeta" : "snake")
                                            << (log_scale ? ", log scale" : "") << ", offset "
                                            << offset);
          run_case<decltype(tag)>(shape, log_scale, beta_op, offset);
          if (HasFatalFailure()) {
            return;
          }
        }
      }
    }
  });
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  const auto& [dtype, layout, channels, spatial] = info.param;
  return std::string(kLayoutNames[static_cast<int>(layout)]) + "_" + dtype_name(dtype) + "_c" +
         std::to_string(channels) + "_s" + std::to_string(spatial);
}

INSTANTIATE_TEST_SUITE_P(AllLayouts, Snake,
                         ::testing::Combine(::testing::ValuesIn(kAllDtypes),
                                            ::testing::Values(Layout::nchw, Layout::nhwc,
                                                              Layout::matrix, Layout::shared),
                                            ::testing::Values<std::int64_t>(3, 64),
                                            ::testing::Values<std::int64_t>(7, 3136)),
                         case_name);

class SnakeLayers : public GpuTest {};

TEST_F(SnakeLayers, AccumulateUntilZeroGradAndReplayInACapturedGraph) {
  const ChannelShape shape{4, 16, 1000};
  const std::int64_t n = shape.numel();
  const auto x = random_vector<float>(n, -3, 3, 71);
  const auto dy = random_vector<float>(n, -1, 1, 72);
  TestDeviceBuffer<float> xb(n), dyb(n), yb(n), dxb(n);
  xb.upload(x);
  dyb.upload(dy);
  cudaStream_t stream = nullptr;
  CUACT_TEST_CUDA(cudaStreamCreate(&stream));
  SnakeBetaLayer<float> layer(16, stream, ParamScale::log);
  layer.reserve(shape, stream);
  layer.forward(xb.get(), yb.get(), shape, stream);
  layer.backward(dyb.get(), dxb.get(), stream);
  CUACT_TEST_CUDA(cudaStreamSynchronize(stream));
  // The layer's parameters are log(1) = 0: alpha = beta = 1.
  const std::vector<float> zeros(16, 0.0f);
  const detail::SnakeBetaChannel<float> f{zeros.data(), zeros.data(), true};
  std::vector<float> y_ref(n), dx_ref(n);
  reference::channel_forward(f, x.data(), y_ref.data(), shape);
  const auto g = reference::channel_backward(f, x.data(), dy.data(), dx_ref.data(), shape);
  expect_bitwise(y_ref, yb.download(), "layer y");
  expect_bitwise(dx_ref, dxb.download(), "layer dx");
  std::vector<float> once(16);
  CUACT_TEST_CUDA(cudaMemcpy(once.data(), layer.alpha_grad(), 16 * 4, cudaMemcpyDeviceToHost));
  expect_grads_close<float>(once, g, 0, {}, n / 16, "layer dalpha");

  // The same backward captured and replayed: the gradient accumulates to twice the bits.
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
      cudaMemcpy(replayed.data(), layer.alpha_grad(), 16 * 4, cudaMemcpyDeviceToHost));
  expect_bitwise(once, replayed, "dalpha from the replayed graph");
  CUACT_TEST_CUDA(cudaGraphExecDestroy(exec));
  CUACT_TEST_CUDA(cudaGraphDestroy(graph));
  CUACT_TEST_CUDA(cudaStreamDestroy(stream));
}

}  // namespace
}  // namespace cuact::test
