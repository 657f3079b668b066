// Bias + activation on the GPU, for every layout (NCHW, NHWC, [N, C], shared) at the vector
// offset and off it: y, dx and the recomputed y bitwise what the unfused calls give on
// x + b (float and double, where x + b rounds to T as the fused kernel keeps it) or what
// the host functor gives (ReLU, exact, every type); dbias within a bound from the
// reduction length of the sum of the dx returned, bitwise the same from run to run,
// overwrite and accumulate; in place; from the output; and captured in a CUDA graph. And the
// bias alone (bias_add, bias_grad) on every layout and dtype.
#include <cuact/activations.hpp>
#include <cuact/bias.hpp>
#include <cuact/error.hpp>

#include "tests/support/channel_layouts.hpp"
#include "tests/support/device_buffer.hpp"
#include "tests/support/expect_bitwise.hpp"
#include "tests/support/offset_buffer.hpp"
#include "tests/support/gpu_environment.hpp"
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

/// dbias against the sum of the returned dx per channel (plus `base`), in double.
template <class T>
void expect_dbias_close(const std::vector<compute_t<T>>& got, const std::vector<T>& dx,
                        ChannelShape s, const std::vector<compute_t<T>>& base) {
  std::vector<double> sum(s.channels, 0.0), abs_sum(s.channels, 0.0);
  for (std::int64_t i = 0; i < s.numel(); ++i) {
    const std::int64_t c = (i / s.inner) % s.channels;
    const double v = static_cast<double>(to_compute(dx[i]));
    sum[c] += v;
    abs_sum[c] += std::fabs(v);
  }
  for (std::int64_t c = 0; c < s.channels; ++c) {
    const double expected = sum[c] + (base.empty() ? 0.0 : base[c]);
    const double tol = reference::dalpha_tolerance<T>(abs_sum[c] + std::fabs(expected),
                                                      s.numel() / s.channels + 1);
    ASSERT_NEAR(static_cast<double>(got[c]), expected, tol) << "dbias[" << c << "]";
  }
}

/// Every bias call of `op` on `shape` with every tensor `offset` elements past a 16-byte
/// boundary. The reference is the unfused call on x + b (T = compute_t<T>: the sum rounds
/// the same) or, for ReLU, the host functor.
template <class T, template <class> class Op>
void run_case(const Op<compute_t<T>>& op, ChannelShape shape, std::int64_t offset) {
  using C = compute_t<T>;
  const std::int64_t n = shape.numel();
  const auto x = random_vector<T>(n, -4, 4, 21);
  const auto dy = random_vector<T>(n, -2, 2, 22);
  const auto b = random_vector<C>(shape.channels, -1, 1, 23);
  const auto dbias_init = random_vector<C>(shape.channels, -1, 1, 24);

  std::vector<T> y_ref(n), dx_ref(n);
  OffsetBuffer<T> xb(n, offset), dyb(n, offset), yb(n, offset), dxb(n, offset);
  xb.upload(x);
  dyb.upload(dy);
  TestDeviceBuffer<C> bb(shape.channels), dbb(shape.channels);
  bb.upload(b);
  if constexpr (std::is_same_v<T, C>) {
    std::vector<T> xpb(n);
    for (std::int64_t i = 0; i < n; ++i) {
      xpb[i] = x[i] + b[(i / shape.inner) % shape.channels];
    }
    OffsetBuffer<T> xpbb(n, offset);
    xpbb.upload(xpb);
    forward(op, xpbb.get(), yb.get(), n, nullptr);
    backward(op, xpbb.get(), dyb.get(), dxb.get(), n, Saved::input, nullptr);
    CUACT_TEST_CUDA(cudaDeviceSynchronize());
    y_ref = yb.download();
    dx_ref = dxb.download();
  } else {
    static_assert(std::is_same_v<Op<C>, Relu<C>>, "16-bit cases have a host reference for ReLU");
    for (std::int64_t i = 0; i < n; ++i) {
      const C v = to_compute(x[i]) + b[(i / shape.inner) % shape.channels];
      y_ref[i] = from_compute<T>(v <= C(0) ? C(0) : v);
      dx_ref[i] = from_compute<T>(v <= C(0) ? C(0) : to_compute(dy[i]));
    }
  }

  // Forward, separate and in place.
  CUACT_TEST_CUDA(cudaMemset(yb.get(), 0xFF, n * sizeof(T)));
  bias_forward(op, xb.get(), bb.get(), yb.get(), shape, nullptr);
  CUACT_TEST_CUDA(cudaDeviceSynchronize());
  expect_bitwise(y_ref, yb.download(), "y");
  {
    OffsetBuffer<T> inplace(n, offset);
    inplace.upload(x);
    bias_forward(op, inplace.get(), bb.get(), inplace.get(), shape, nullptr);
    CUACT_TEST_CUDA(cudaDeviceSynchronize());
    expect_bitwise(y_ref, inplace.download(), "y in place");
  }

  // Backward with dx, the recomputed y and dbias, twice: bitwise the same dbias.
  const std::size_t ws_bytes = bias_backward_workspace_size<T>(shape);
  TestDeviceBuffer<unsigned char> ws(ws_bytes);
  std::vector<C> first;
  for (int run = 0; run < 2; ++run) {
    CUACT_TEST_CUDA(cudaMemset(dxb.get(), 0xFF, n * sizeof(T)));
    CUACT_TEST_CUDA(cudaMemset(yb.get(), 0xFF, n * sizeof(T)));
    CUACT_TEST_CUDA(cudaMemset(dbb.get(), 0xFF, shape.channels * sizeof(C)));
    bias_backward(op, xb.get(), dyb.get(), bb.get(), dxb.get(), dbb.get(), yb.get(), shape,
                  Saved::input, GradMode::overwrite, ws.get(), ws_bytes, nullptr);
    CUACT_TEST_CUDA(cudaDeviceSynchronize());
    expect_bitwise(dx_ref, dxb.download(), "dx");
    expect_bitwise(y_ref, yb.download(), "recomputed y");
    const auto dbias = dbb.download();
    expect_dbias_close<T>(dbias, dx_ref, shape, {});
    if (run == 0) {
      first = dbias;
    } else {
      expect_bitwise(first, dbias, "dbias on the second run");
    }
  }

  // Accumulate, allocating, in place over dy; then dbias alone must give the same bits.
  {
    OffsetBuffer<T> inplace(n, offset);
    inplace.upload(dy);
    dbb.upload(dbias_init);
    bias_backward(op, xb.get(), inplace.get(), bb.get(), inplace.get(), dbb.get(), nullptr, shape,
                  Saved::input, GradMode::accumulate, nullptr);
    CUACT_TEST_CUDA(cudaDeviceSynchronize());
    expect_bitwise(dx_ref, inplace.download(), "dx in place");
    expect_dbias_close<T>(dbb.download(), dx_ref, shape, dbias_init);
    CUACT_TEST_CUDA(cudaMemset(dbb.get(), 0xFF, shape.channels * sizeof(C)));
    bias_backward(op, xb.get(), dyb.get(), bb.get(), nullptr, dbb.get(), nullptr, shape,
                  Saved::input, GradMode::overwrite, ws.get(), ws_bytes, nullptr);
    CUACT_TEST_CUDA(cudaDeviceSynchronize());
    expect_bitwise(first, dbb.download(), "dbias without dx");
  }

  // From the output (ReLU's gradient is a function of y), bias unread.
  if constexpr (std::is_same_v<Op<C>, Relu<C>>) {
    OffsetBuffer<T> saved_y(n, offset);
    saved_y.upload(y_ref);
    CUACT_TEST_CUDA(cudaMemset(dxb.get(), 0xFF, n * sizeof(T)));
    bias_backward(op, saved_y.get(), dyb.get(), nullptr, dxb.get(), dbb.get(), nullptr, shape,
                  Saved::output, GradMode::overwrite, ws.get(), ws_bytes, nullptr);
    CUACT_TEST_CUDA(cudaDeviceSynchronize());
    expect_bitwise(dx_ref, dxb.download(), "dx from the output");
    expect_bitwise(first, dbb.download(), "dbias from the output");
  }
}

/// The bias alone on `shape` at `offset`: bias_add bitwise x + b rounded once (in place
/// too), bias_grad's dbias the sum of dy, the same bits from run to run, accumulating and
/// allocating.
template <class T>
void run_bias_alone_case(ChannelShape shape, std::int64_t offset) {
  using C = compute_t<T>;
  const std::int64_t n = shape.numel();
  const auto x = random_vector<T>(n, -4, 4, 25);
  const auto dy = random_vector<T>(n, -2, 2, 26);
  const auto b = random_vector<C>(shape.channels, -1, 1, 27);
  const auto dbias_init = random_vector<C>(shape.channels, -1, 1, 28);
  std::vector<T> y_ref(n);
  for (std::int64_t i = 0; i < n; ++i) {
    y_ref[i] = from_compute<T>(to_compute(x[i]) + b[(i / shape.inner) % shape.channels]);
  }
  OffsetBuffer<T> xb(n, offset), dyb(n, offset), yb(n, offset);
  xb.upload(x);
  dyb.upload(dy);
  TestDeviceBuffer<C> bb(shape.channels), dbb(shape.channels);
  bb.upload(b);
  CUACT_TEST_CUDA(cudaMemset(yb.get(), 0xFF, n * sizeof(T)));
  bias_add(xb.get(), bb.get(), yb.get(), shape, nullptr);
  CUACT_TEST_CUDA(cudaDeviceSynchronize());
  expect_bitwise(y_ref, yb.download(), "bias_add");
  bias_add(xb.get(), bb.get(), xb.get(), shape, nullptr);
  CUACT_TEST_CUDA(cudaDeviceSynchronize());
  expect_bitwise(y_ref, xb.download(), "bias_add in place");

  const std::size_t ws_bytes = bias_backward_workspace_size<T>(shape);
  TestDeviceBuffer<unsigned char> ws(ws_bytes);
  std::vector<C> first;
  for (int run = 0; run < 2; ++run) {
    CUACT_TEST_CUDA(cudaMemset(dbb.get(), 0xFF, shape.channels * sizeof(C)));
    bias_grad(dyb.get(), dbb.get(), shape, GradMode::overwrite, ws.get(), ws_bytes, nullptr);
    CUACT_TEST_CUDA(cudaDeviceSynchronize());
    const auto dbias = dbb.download();
    expect_dbias_close<T>(dbias, dy, shape, {});
    if (run == 0) {
      first = dbias;
    } else {
      expect_bitwise(first, dbias, "bias_grad on the second run");
    }
  }
  dbb.upload(dbias_init);
  bias_grad(dyb.get(), dbb.get(), shape, GradMode::accumulate, nullptr);
  CUACT_TEST_CUDA(cudaDeviceSynchronize());
  expect_dbias_close<T>(dbb.download(), dy, shape, dbias_init);
}

/// (dtype, layout, channels, spatial, offset)
using Case = std::tuple<Dtype, Layout, std::int64_t, std::int64_t, std::int64_t>;

class BiasRelu : public GpuTestWithParam<Case> {};

TEST_P(BiasRelu, MatchesTheHostFunctorForwardBackwardDbiasInPlaceFromTheOutputAndAlone) {
  const auto& [dtype, layout, channels, spatial, offset] = GetParam();
  const ChannelShape shape = make_shape(layout, channels, spatial);
  with_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    run_case<T>(Relu<compute_t<T>>{}, shape, offset);
    run_bias_alone_case<T>(shape, offset);
  });
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  const auto& [dtype, layout, channels, spatial, offset] = info.param;
  return std::string(kLayoutNames[static_cast<int>(layout)]) + "_" + dtype_name(dtype) + "_c" +
         std::to_string(channels) + "_s" + std::to_string(spatial) + "_at" +
         std::to_string(offset);
}

INSTANTIATE_TEST_SUITE_P(AllLayouts, BiasRelu,
                         ::testing::Combine(::testing::ValuesIn(kAllDtypes),
                                            ::testing::Values(Layout::nchw, Layout::nhwc,
                                                              Layout::matrix, Layout::shared),
                                            ::testing::Values<std::int64_t>(3, 96, 1000),
                                            ::testing::Values<std::int64_t>(1, 49, 3136),
                                            ::testing::Values<std::int64_t>(0, 1)),
                         case_name);

class BiasSmooth : public GpuTest {};

TEST_F(BiasSmooth, SiluAndGeluAreTheUnfusedCallsOnXPlusBias) {
  for (const ChannelShape s : {ChannelShape::matrix(1024, 96), ChannelShape::nchw(2, 5, 33, 33),
                               ChannelShape::nhwc(2, 9, 9, 7)}) {
    for (std::int64_t offset : {0, 1}) {
      run_case<float>(Silu<float>{}, s, offset);
      run_case<double>(Silu<double>{}, s, offset);
      run_case<float>(Gelu<float>{GeluApproximate::tanh}, s, offset);
      run_case<double>(Gelu<double>{GeluApproximate::none}, s, offset);
    }
  }
}

TEST_F(BiasSmooth, ABackwardCapturedInAGraphReplaysToTheSameBits) {
  const ChannelShape s = ChannelShape::matrix(4096, 96);
  const std::int64_t n = s.numel();
  const auto x = random_vector<__nv_bfloat16>(n, -4, 4, 31);
  const auto dy = random_vector<__nv_bfloat16>(n, -2, 2, 32);
  const auto b = random_vector<float>(s.channels, -1, 1, 33);
  TestDeviceBuffer<__nv_bfloat16> xb(n), dyb(n), dxb(n);
  TestDeviceBuffer<float> bb(s.channels), dbb(s.channels);
  xb.upload(x);
  dyb.upload(dy);
  bb.upload(b);
  const std::size_t ws_bytes = bias_backward_workspace_size<__nv_bfloat16>(s);
  TestDeviceBuffer<unsigned char> ws(ws_bytes);
  bias_backward(Gelu<float>{}, xb.get(), dyb.get(), bb.get(), dxb.get(), dbb.get(), nullptr, s,
                Saved::input, GradMode::overwrite, ws.get(), ws_bytes, nullptr);
  CUACT_TEST_CUDA(cudaDeviceSynchronize());
  const auto eager_dx = dxb.download();
  const auto eager_dbias = dbb.download();

  cudaStream_t stream;
  CUACT_TEST_CUDA(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  cudaGraph_t graph;
  CUACT_TEST_CUDA(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal));
  bias_backward(Gelu<float>{}, xb.get(), dyb.get(), bb.get(), dxb.get(), dbb.get(), nullptr, s,
                Saved::input, GradMode::overwrite, ws.get(), ws_bytes, stream);
  CUACT_TEST_CUDA(cudaStreamEndCapture(stream, &graph));
  cudaGraphExec_t exec;
  CUACT_TEST_CUDA(cudaGraphInstantiate(&exec, graph, 0));
  CUACT_TEST_CUDA(cudaMemset(dxb.get(), 0xFF, n * sizeof(__nv_bfloat16)));
  CUACT_TEST_CUDA(cudaMemset(dbb.get(), 0xFF, s.channels * sizeof(float)));
  CUACT_TEST_CUDA(cudaGraphLaunch(exec, stream));
  CUACT_TEST_CUDA(cudaStreamSynchronize(stream));
  expect_bitwise(eager_dx, dxb.download(), "dx replayed");
  expect_bitwise(eager_dbias, dbb.download(), "dbias replayed");
  CUACT_TEST_CUDA(cudaGraphExecDestroy(exec));
  CUACT_TEST_CUDA(cudaGraphDestroy(graph));
  CUACT_TEST_CUDA(cudaStreamDestroy(stream));
}

}  // namespace
}  // namespace cuact::test
