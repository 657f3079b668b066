// cuact's very first calls in a process made inside a CUDA graph capture
// (cudaStreamCaptureModeGlobal): the occupancy queries, CUB's size query, the pointer checks
// and the lazy loading of the kernels all happen during capture, and the graph still gives
// the eager results. Its own executable, so that no other test has warmed anything up.
#include <cuact/activations.hpp>
#include <cuact/prelu.hpp>

#include "tests/support/device_buffer.hpp"
#include "tests/support/gpu_environment.hpp"
#include "tests/support/reference.hpp"
#include "tests/support/test_data.hpp"
#include "tests/support/ulp.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace cuact::test {
namespace {

class FirstUse : public GpuTest {};

TEST_F(FirstUse, TheFirstCuactCallsOfAProcessCanBeCapturedInAGraph) {
  const PreluShape shape = PreluShape::nhwc(4, 9, 9, 24);
  const std::int64_t n = shape.numel();
  const auto x = random_vector<__nv_bfloat16>(n, -4, 4, 31);
  const auto dy = random_vector<__nv_bfloat16>(n, -1, 1, 32);
  const std::vector<float> alpha(24, 0.2f);
  TestDeviceBuffer<__nv_bfloat16> dx_buf(n), h_buf(n), dh_buf(n), x_buf(n), dy_buf(n);
  TestDeviceBuffer<float> alpha_buf(24), dalpha_buf(24);
  // A workspace sized before anything of cuact ran: generously (the exact size needs a
  // query, which is part of what is captured below).
  TestDeviceBuffer<unsigned char> workspace(std::size_t(16) << 20);
  x_buf.upload(x);
  dy_buf.upload(dy);
  alpha_buf.upload(alpha);

  cudaStream_t stream = nullptr;
  CUACT_TEST_CUDA(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  cudaGraph_t graph = nullptr;
  cudaGraphExec_t exec = nullptr;
  CUACT_TEST_CUDA(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal));
  const std::size_t bytes = prelu_backward_workspace_size<__nv_bfloat16>(shape);
  relu_forward(x_buf.get(), h_buf.get(), n, stream);
  prelu_backward(h_buf.get(), dy_buf.get(), alpha_buf.get(), dh_buf.get(), dalpha_buf.get(),
                 shape, GradMode::overwrite, workspace.get(), workspace.size(), stream);
  elu_backward(x_buf.get(), dh_buf.get(), dx_buf.get(), n, 1.0f, Saved::input, stream);
  CUACT_TEST_CUDA(cudaStreamEndCapture(stream, &graph));
  ASSERT_LE(bytes, workspace.size());
  CUACT_TEST_CUDA(cudaGraphInstantiate(&exec, graph, 0));
  CUACT_TEST_CUDA(cudaGraphLaunch(exec, stream));
  CUACT_TEST_CUDA(cudaStreamSynchronize(stream));

  std::vector<__nv_bfloat16> h(n), dh(n), want(n);
  reference::forward(Relu<float>{}, x.data(), h.data(), n);
  const auto g = reference::prelu_backward(h.data(), dy.data(), alpha.data(), dh.data(), shape);
  reference::backward(Elu<float>{1.0f}, Saved::input, x.data(), dh.data(), want.data(), n);
  const auto got = dx_buf.download();
  for (std::int64_t i = 0; i < n; ++i) {
    ASSERT_LE(reference::ulp_distance(want[i], got[i]), 1u) << "dx[" << i << "]";
  }
  const auto got_dalpha = dalpha_buf.download();
  for (int c = 0; c < 24; ++c) {
    EXPECT_NEAR(got_dalpha[c], g.sum[c],
                reference::dalpha_tolerance<__nv_bfloat16>(g.abs_sum[c], n / 24))
        << "channel " << c;
  }
  CUACT_TEST_CUDA(cudaGraphExecDestroy(exec));
  CUACT_TEST_CUDA(cudaGraphDestroy(graph));
  CUACT_TEST_CUDA(cudaStreamDestroy(stream));
}

}  // namespace
}  // namespace cuact::test
