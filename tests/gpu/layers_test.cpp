// Layers and buffers on the GPU: layers against the CPU reference, PReLU gradient
// accumulation, CUDA graph capture and replay against eager execution, four host threads on
// four streams at once, device binding, and DeviceBuffer's RAII under exceptions.
#include <cuact/activations.hpp>
#include <cuact/device_buffer.hpp>
#include <cuact/error.hpp>
#include <cuact/layers.hpp>
#include <cuact/mask.hpp>
#include <cuact/prelu.hpp>

#include "tests/support/reference.hpp"
#include "tests/support/ulp.hpp"
#include "tests/support/gpu_environment.hpp"
#include "tests/support/op_cases.hpp"
#include "tests/support/test_data.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <variant>
#include <vector>

namespace cuact::test {
namespace {

template <class T>
void expect_same_bits(const std::vector<T>& a, const std::vector<T>& b, const char* what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(reference::ulp_distance(a[i], b[i]), 0u)
        << what << "[" << i << "]: " << to_compute(a[i]) << " vs " << to_compute(b[i]);
  }
}

/// count floats at device pointer p, after everything queued on the device has finished.
std::vector<float> read_floats(const float* p, std::int64_t count) {
  CUACT_TEST_CUDA(cudaDeviceSynchronize());
  std::vector<float> host(static_cast<std::size_t>(count));
  CUACT_TEST_CUDA(cudaMemcpy(host.data(), p, count * sizeof(float), cudaMemcpyDeviceToHost));
  return host;
}

class StreamTest : public GpuTest {
 protected:
  void SetUp() override {
    GpuTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) {
      return;
    }
    CUACT_TEST_CUDA(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  }
  void TearDown() override {
    if (stream != nullptr) {
      cudaStreamSynchronize(stream);
      cudaStreamDestroy(stream);
    }
  }
  template <class T>
  std::vector<T> read(const DeviceBuffer<T>& b) {
    std::vector<T> host;
    b.copy_to_host(host);
    CUACT_TEST_CUDA(cudaStreamSynchronize(b.stream()));
    return host;
  }
  cudaStream_t stream = nullptr;
};

using ActivationLayerTest = StreamTest;

TEST_F(ActivationLayerTest, ForwardAndBackwardMatchTheCpuReferenceForEveryActivation) {
  const std::size_t n = 10007;
  const auto host_x = random_vector<float>(n, -8, 8, 1);
  const auto host_dy = random_vector<float>(n, -2, 2, 2);
  for (const OpCase& c : all_op_cases()) {
    SCOPED_TRACE(c.label);
    // The layer from the double-precision Activation, and from the float functor.
    std::vector<ActivationLayer<float>> layers;
    std::visit([&](const auto& f) { layers.emplace_back(Activation(f)); }, c.op);
    visit_functor<float>(c, [&](const auto& f) { layers.emplace_back(f); });
    for (ActivationLayer<float>& layer : layers) {
      DeviceBuffer<float> x(n, stream), y(n, stream), dy(n, stream), dx(n, stream);
      x.copy_from_host(host_x);
      dy.copy_from_host(host_dy);
      layer.forward(x.data(), y.data(), n, stream);
      layer.backward(dy.data(), dx.data(), n, stream);
      EXPECT_EQ(layer.saves(), allows_grad_from_output(c) ? Saved::output : Saved::input);

      std::vector<float> want_y(n), want_dx(n);
      visit_functor<float>(c, [&](const auto& f) {
        reference::forward(f, host_x.data(), want_y.data(), n);
        reference::backward(f, Saved::input, host_x.data(), host_dy.data(), want_dx.data(), n);
      });
      const Accuracy accuracy = accuracy_of(c);
      // From the output, the elu family's formula differs from the one from the input, so
      // compare within the tolerance of both passes.
      const std::uint64_t dx_ulp =
          layer.saves() == Saved::input
              ? reference::gpu_tolerance_ulp<float>(accuracy, true, Saved::input)
              : 0;
      const auto got_y = read(y);
      const auto got_dx = read(dx);
      for (std::size_t i = 0; i < n; ++i) {
        ASSERT_LE(reference::ulp_distance(want_y[i], got_y[i]),
                  reference::gpu_tolerance_ulp<float>(accuracy, false, Saved::input))
            << "y[" << i << "] for x = " << host_x[i];
        if (layer.saves() == Saved::input) {
          ASSERT_TRUE(reference::gpu_close(want_dx[i], got_dx[i], accuracy, true, Saved::input,
                                           host_dy[i]))
              << "dx[" << i << "] for x = " << host_x[i] << ": " << want_dx[i] << " vs "
              << got_dx[i] << " (" << reference::ulp_distance(want_dx[i], got_dx[i])
              << " ulp, " << dx_ulp << " allowed)";
        } else {
          // Gradient from the (rounded) output: as close as the two formulas agree.
          ASSERT_NEAR(want_dx[i], got_dx[i], 1e-5 * (1 + std::fabs(want_dx[i])))
              << "dx[" << i << "] for x = " << host_x[i];
        }
      }
    }
  }
}

TEST_F(ActivationLayerTest, EverySaveModeItsOpAllowsGivesTheSameGradient) {
  const std::size_t n = 10007;
  const auto host_x = random_vector<__nv_bfloat16>(n, -8, 8, 31);
  const auto host_dy = random_vector<__nv_bfloat16>(n, -2, 2, 32);
  for (const OpCase& c : all_op_cases()) {
    SCOPED_TRACE(c.label);
    std::vector<__nv_bfloat16> want_y(n), want_dx(n);
    bool from_output = false;
    visit_functor<float>(c, [&](const auto& f) {
      reference::forward(f, host_x.data(), want_y.data(), n);
      reference::backward(f, Saved::input, host_x.data(), host_dy.data(), want_dx.data(), n);
      from_output = allows_grad_from_output(f);
    });
    // Every mode the op allows: the input always, the output where its gradient is exact
    // from y, the mask where the gradient is a branch.
    std::vector<Saved> modes = {Saved::input};
    if (from_output) {
      modes.push_back(Saved::output);
    }
    if (has_mask(c)) {
      modes.push_back(Saved::mask);
    }
    for (const Saved mode : modes) {
      SCOPED_TRACE(mode == Saved::input ? "input" : mode == Saved::output ? "output" : "mask");
      std::optional<ActivationLayer<__nv_bfloat16>> layer;
      std::visit([&](const auto& f) { layer.emplace(Activation(f), mode); }, c.op);
      EXPECT_EQ(layer->saves(), mode);
      DeviceBuffer<__nv_bfloat16> x(n, stream), dy(n, stream), dx(n, stream);
      x.copy_from_host(host_x);
      dy.copy_from_host(host_dy);
      // The mask mode may run in place: x is not needed afterwards.
      DeviceBuffer<__nv_bfloat16> y_separate(mode == Saved::mask ? 0 : n, stream);
      __nv_bfloat16* y = mode == Saved::mask ? x.data() : y_separate.data();
      layer->forward(x.data(), y, n, stream);
      layer->backward(dy.data(), dx.data(), n, stream);
      const auto got_y = mode == Saved::mask ? read(x) : read(y_separate);
      const auto got_dx = read(dx);
      const Accuracy accuracy = accuracy_of(c);
      for (std::size_t i = 0; i < n; ++i) {
        ASSERT_LE(reference::ulp_distance(want_y[i], got_y[i]),
                  reference::gpu_tolerance_ulp<__nv_bfloat16>(accuracy, false, Saved::input))
            << "y[" << i << "]";
      }
      if (mode == Saved::input) {
        for (std::size_t i = 0; i < n; ++i) {
          ASSERT_TRUE(reference::gpu_close(want_dx[i], got_dx[i], accuracy, true, Saved::input,
                                           static_cast<float>(host_dy[i])))
              << "dx[" << i << "] for x = " << static_cast<float>(host_x[i]);
        }
      }
      if (mode == Saved::output) {
        // From the y the layer kept (the GPU's): the CPU's gradient from that same y.
        std::vector<__nv_bfloat16> want_from_y(n);
        visit_functor<float>(c, [&](const auto& f) {
          reference::backward(f, Saved::output, got_y.data(), host_dy.data(), want_from_y.data(),
                              n);
        });
        for (std::size_t i = 0; i < n; ++i) {
          ASSERT_TRUE(reference::gpu_close(want_from_y[i], got_dx[i], accuracy, true,
                                           Saved::output, static_cast<float>(host_dy[i])))
              << "dx[" << i << "] from y = " << static_cast<float>(got_y[i]);
        }
      }
      if (mode == Saved::mask) {
        expect_same_bits(want_dx, got_dx, "dx from the mask");
        std::vector<std::uint32_t> mask(static_cast<std::size_t>(mask_words(n)));
        CUACT_TEST_CUDA(cudaMemcpy(mask.data(), layer->mask(), mask.size() * 4,
                                   cudaMemcpyDeviceToHost));
        visit_functor<float>(c, [&](const auto& f) {
          if constexpr (has_mask_v<std::decay_t<decltype(f)>>) {
            EXPECT_EQ(mask, reference::mask(f, host_x.data(), n));
          }
        });
      }
    }
  }
}

TEST_F(ActivationLayerTest, InPlaceForwardIsAllowedOnlyWhenTheOutputIsKept) {
  const std::size_t n = 1000;
  DeviceBuffer<__nv_bfloat16> x(n, stream), dy(n, stream);
  x.copy_from_host(random_vector<__nv_bfloat16>(n, -4, 4, 3));
  dy.copy_from_host(random_vector<__nv_bfloat16>(n, -1, 1, 4));
  ActivationLayer<__nv_bfloat16> elu(Activation::elu(1.0));
  EXPECT_NO_THROW(elu.forward(x.data(), x.data(), n, stream));
  EXPECT_NO_THROW(elu.backward(dy.data(), dy.data(), n, stream));
  ActivationLayer<__nv_bfloat16> leaky(Activation::leaky_relu(-0.2));
  EXPECT_THROW(leaky.forward(x.data(), x.data(), n, stream), invalid_argument);
  EXPECT_THROW(leaky.backward(dy.data(), dy.data(), n, stream), invalid_argument);  // no forward
  EXPECT_THROW(elu.backward(dy.data(), dy.data(), n + 1, stream), invalid_argument);
}

using PreluLayerTest = StreamTest;

TEST_F(PreluLayerTest, StartsAtAQuarterAndAccumulatesGradientsUntilZeroGrad) {
  const PreluShape shape = PreluShape::nchw(4, 16, 9, 9);
  const auto n = static_cast<std::size_t>(shape.numel());
  PreluLayer<float> layer(16, stream);
  EXPECT_EQ(read_floats(layer.alpha(), 16), std::vector<float>(16, 0.25f));
  DeviceBuffer<float> x(n, stream), y(n, stream), dy(n, stream), dx(n, stream);
  const auto host_x = random_vector<float>(n, -3, 3, 5);
  const auto host_dy = random_vector<float>(n, -1, 1, 6);
  x.copy_from_host(host_x);
  dy.copy_from_host(host_dy);

  layer.forward(x.data(), y.data(), shape, stream);
  layer.backward(dy.data(), dx.data(), stream);
  const std::vector<float> once = read_floats(layer.alpha_grad(), 16);
  layer.backward(dy.data(), dx.data(), stream);
  const std::vector<float> twice = read_floats(layer.alpha_grad(), 16);

  const std::vector<float> alpha(16, 0.25f);
  const auto ref =
      reference::prelu_backward<float>(host_x.data(), host_dy.data(), alpha.data(), nullptr, shape);
  const std::int64_t per_channel = n / 16;
  for (int c = 0; c < 16; ++c) {
    const double tol = reference::dalpha_tolerance<float>(ref.abs_sum[c], per_channel);
    EXPECT_NEAR(once[c], ref.sum[c], tol) << "channel " << c;
    // The second pass adds the same sum onto the first: twice the terms and magnitudes.
    EXPECT_NEAR(twice[c], 2 * ref.sum[c],
                reference::dalpha_tolerance<float>(2 * ref.abs_sum[c], 2 * per_channel + 1))
        << "channel " << c;
  }
  layer.zero_grad(stream);
  EXPECT_EQ(read_floats(layer.alpha_grad(), 16), std::vector<float>(16, 0.0f));
  EXPECT_THROW(layer.forward(x.data(), x.data(), shape, stream), invalid_argument);
  EXPECT_THROW(layer.forward(x.data(), y.data(), PreluShape::nchw(4, 8, 9, 9), stream),
               invalid_argument);
}

using GraphCapture = StreamTest;

TEST_F(GraphCapture, ForwardAndBackwardOfBothLayersReplayTwiceWithTheEagerResults) {
  const PreluShape shape = PreluShape::nhwc(8, 14, 14, 32);
  const auto n = static_cast<std::size_t>(shape.numel());
  DeviceBuffer<__half> x(n, stream), h(n, stream), y(n, stream), dy(n, stream), dh(n, stream),
      dx(n, stream);
  x.copy_from_host(random_vector<__half>(n, -4, 4, 7));
  dy.copy_from_host(random_vector<__half>(n, -1, 1, 8));
  ActivationLayer<__half> act(Activation::elu(1.0));
  PreluLayer<__half> prelu(32, stream);
  prelu.reserve(shape, stream);

  const auto step = [&] {
    prelu.zero_grad(stream);
    act.forward(x.data(), h.data(), n, stream);
    prelu.forward(h.data(), y.data(), shape, stream);
    prelu.backward(dy.data(), dh.data(), stream);
    act.backward(dh.data(), dx.data(), n, stream);
  };
  step();
  const auto eager_y = read(y);
  const auto eager_dx = read(dx);
  const auto eager_grad = read_floats(prelu.alpha_grad(), 32);

  cudaGraph_t graph = nullptr;
  cudaGraphExec_t exec = nullptr;
  CUACT_TEST_CUDA(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal));
  step();
  CUACT_TEST_CUDA(cudaStreamEndCapture(stream, &graph));
  CUACT_TEST_CUDA(cudaGraphInstantiate(&exec, graph, 0));
  for (int replay = 0; replay < 2; ++replay) {
    SCOPED_TRACE(::testing::Message() << "replay " << replay);
    CUACT_TEST_CUDA(cudaMemsetAsync(y.data(), 0xFF, n * sizeof(__half), stream));
    CUACT_TEST_CUDA(cudaMemsetAsync(dx.data(), 0xFF, n * sizeof(__half), stream));
    CUACT_TEST_CUDA(cudaGraphLaunch(exec, stream));
    expect_same_bits(eager_y, read(y), "y");
    expect_same_bits(eager_dx, read(dx), "dx");
    expect_same_bits(eager_grad, read_floats(prelu.alpha_grad(), 32), "alpha_grad");
  }
  CUACT_TEST_CUDA(cudaGraphExecDestroy(exec));
  CUACT_TEST_CUDA(cudaGraphDestroy(graph));
}

TEST_F(GraphCapture, AGraphCapturedBeforeTheWorkspaceGrowsStillReplaysCorrectly) {
  const PreluShape small = PreluShape::nchw(2, 8, 16, 16);
  const PreluShape large = PreluShape::nchw(16, 8, 64, 64);
  const auto n_large = static_cast<std::size_t>(large.numel());
  DeviceBuffer<float> x(n_large, stream), dy(n_large, stream), dx(n_large, stream);
  x.copy_from_host(random_vector<float>(n_large, -3, 3, 21));
  dy.copy_from_host(random_vector<float>(n_large, -1, 1, 22));
  PreluLayer<float> prelu(8, stream);
  prelu.reserve(small, stream);

  const auto small_step = [&] {
    prelu.zero_grad(stream);
    prelu.backward(x.data(), dy.data(), dx.data(), small, stream);
  };
  small_step();
  const auto eager_grad = read_floats(prelu.alpha_grad(), 8);
  cudaGraph_t graph = nullptr;
  cudaGraphExec_t exec = nullptr;
  CUACT_TEST_CUDA(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal));
  small_step();
  CUACT_TEST_CUDA(cudaStreamEndCapture(stream, &graph));
  CUACT_TEST_CUDA(cudaGraphInstantiate(&exec, graph, 0));

  // Outside capture, a larger shape grows the workspace; the graph keeps the old one.
  prelu.backward(x.data(), dy.data(), dx.data(), large, stream);
  CUACT_TEST_CUDA(cudaStreamSynchronize(stream));
  for (int replay = 0; replay < 3; ++replay) {
    SCOPED_TRACE(::testing::Message() << "replay " << replay);
    CUACT_TEST_CUDA(cudaGraphLaunch(exec, stream));
    expect_same_bits(eager_grad, read_floats(prelu.alpha_grad(), 8), "alpha_grad");
  }
  CUACT_TEST_CUDA(cudaGraphExecDestroy(exec));
  CUACT_TEST_CUDA(cudaGraphDestroy(graph));
}

TEST_F(GraphCapture, AWorkspaceThatWouldGrowDuringCaptureIsRefused) {
  const PreluShape shape = PreluShape::nchw(2, 4, 64, 64);
  const auto n = static_cast<std::size_t>(shape.numel());
  DeviceBuffer<float> x(n, stream), dy(n, stream), dx(n, stream);
  PreluLayer<float> prelu(4, stream);
  CUACT_TEST_CUDA(cudaStreamSynchronize(stream));
  CUACT_TEST_CUDA(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal));
  EXPECT_THROW(prelu.backward(x.data(), dy.data(), dx.data(), shape, stream), invalid_argument);
  cudaGraph_t graph = nullptr;
  CUACT_TEST_CUDA(cudaStreamEndCapture(stream, &graph));
  CUACT_TEST_CUDA(cudaGraphDestroy(graph));
}

TEST_F(GraphCapture, AMaskLayerReservedFirstIsCapturedAndReplayedAndRefusesToGrowInCapture) {
  const std::size_t n = (1 << 16) + 5;
  DeviceBuffer<float> x(n, stream), y(n, stream), dy(n, stream), dx(n, stream);
  x.copy_from_host(random_vector<float>(n, -4, 4, 41));
  dy.copy_from_host(random_vector<float>(n, -1, 1, 42));
  ActivationLayer<float> act(Activation::relu6(), Saved::mask);
  act.reserve(n, stream);
  const auto step = [&] {
    act.forward(x.data(), y.data(), n, stream);
    act.backward(dy.data(), dx.data(), n, stream);
  };
  step();
  const auto eager_y = read(y);
  const auto eager_dx = read(dx);
  cudaGraph_t graph = nullptr;
  cudaGraphExec_t exec = nullptr;
  CUACT_TEST_CUDA(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal));
  step();
  // A larger n would need a larger mask: refused rather than captured.
  EXPECT_THROW(act.forward(x.data(), y.data(), 2 * n, stream), invalid_argument);
  CUACT_TEST_CUDA(cudaStreamEndCapture(stream, &graph));
  CUACT_TEST_CUDA(cudaGraphInstantiate(&exec, graph, 0));
  for (int replay = 0; replay < 2; ++replay) {
    CUACT_TEST_CUDA(cudaMemsetAsync(y.data(), 0xFF, n * sizeof(float), stream));
    CUACT_TEST_CUDA(cudaMemsetAsync(dx.data(), 0xFF, n * sizeof(float), stream));
    CUACT_TEST_CUDA(cudaGraphLaunch(exec, stream));
    expect_same_bits(eager_y, read(y), "y");
    expect_same_bits(eager_dx, read(dx), "dx");
  }
  CUACT_TEST_CUDA(cudaGraphExecDestroy(exec));
  CUACT_TEST_CUDA(cudaGraphDestroy(graph));
}

class Concurrency : public GpuTest {};

TEST_F(Concurrency, FourHostThreadsOnFourStreamsRunningDifferentOpsAllGetCorrectResults) {
  std::vector<std::string> errors(4);
  const auto worker = [&](int id) {
    try {
      cudaStream_t s = nullptr;
      CUACT_TEST_CUDA(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
      const std::size_t n = (1 << 20) + id;
      for (int iter = 0; iter < 10; ++iter) {
        if (id == 0) {
          const auto hx = random_vector<float>(n, -8, 8, 10 + iter);
          DeviceBuffer<float> x(n, s), y(n, s);
          x.copy_from_host(hx);
          relu6_forward(x.data(), y.data(), n, s);
          std::vector<float> got, want(n);
          y.copy_to_host(got);
          CUACT_TEST_CUDA(cudaStreamSynchronize(s));
          reference::forward(Relu6<float>{}, hx.data(), want.data(), n);
          if (got != want) throw std::runtime_error("relu6 f32 mismatch");
        } else if (id == 1) {
          const auto hx = random_vector<__nv_bfloat16>(n, -8, 8, 20 + iter);
          const auto hdy = random_vector<__nv_bfloat16>(n, -2, 2, 30 + iter);
          DeviceBuffer<__nv_bfloat16> x(n, s), dy(n, s);
          x.copy_from_host(hx);
          dy.copy_from_host(hdy);
          leaky_relu_backward(x.data(), dy.data(), dy.data(), n, 0.2f, Saved::input, s);
          std::vector<__nv_bfloat16> got, want(n);
          dy.copy_to_host(got);
          CUACT_TEST_CUDA(cudaStreamSynchronize(s));
          reference::backward(LeakyRelu<float>{0.2f}, Saved::input, hx.data(), hdy.data(),
                              want.data(), n);
          for (std::size_t i = 0; i < n; ++i) {
            if (reference::ulp_distance(got[i], want[i]) != 0) {
              throw std::runtime_error("leaky_relu bf16 mismatch");
            }
          }
        } else if (id == 2) {
          const PreluShape shape = PreluShape::nhwc(1, 1, n / 64, 64);
          const auto m = static_cast<std::size_t>(shape.numel());
          const auto hx = random_vector<__half>(m, -4, 4, 40 + iter);
          const std::vector<float> halpha(64, 0.125f);
          DeviceBuffer<__half> x(m, s), y(m, s);
          DeviceBuffer<float> alpha(64, s);
          x.copy_from_host(hx);
          alpha.copy_from_host(halpha);
          prelu_forward(x.data(), alpha.data(), y.data(), shape, s);
          std::vector<__half> got, want(m);
          y.copy_to_host(got);
          CUACT_TEST_CUDA(cudaStreamSynchronize(s));
          reference::prelu_forward(hx.data(), halpha.data(), want.data(), shape);
          for (std::size_t i = 0; i < m; ++i) {
            if (reference::ulp_distance(got[i], want[i]) != 0) {
              throw std::runtime_error("prelu f16 mismatch");
            }
          }
        } else {
          const auto hx = random_vector<double>(n, -8, 8, 50 + iter);
          DeviceBuffer<double> x(n, s);
          x.copy_from_host(hx);
          selu_forward(x.data(), x.data(), n, s);
          std::vector<double> got, want(n);
          x.copy_to_host(got);
          CUACT_TEST_CUDA(cudaStreamSynchronize(s));
          reference::forward(Elu<double>::selu(), hx.data(), want.data(), n);
          for (std::size_t i = 0; i < n; ++i) {
            if (reference::ulp_distance(got[i], want[i]) > 2) {
              throw std::runtime_error("selu f64 mismatch");
            }
          }
        }
      }
      CUACT_TEST_CUDA(cudaStreamDestroy(s));
    } catch (const std::exception& e) {
      errors[id] = e.what();
    }
  };
  std::vector<std::thread> threads;
  for (int id = 0; id < 4; ++id) {
    threads.emplace_back(worker, id);
  }
  for (auto& t : threads) {
    t.join();
  }
  for (int id = 0; id < 4; ++id) {
    EXPECT_EQ(errors[id], "") << "thread " << id;
  }
}

TEST_F(Concurrency, ALayerRefusesCallsWhileAnotherDeviceIsCurrent) {
  int count = 0;
  CUACT_TEST_CUDA(cudaGetDeviceCount(&count));
  if (count < 2) {
    GTEST_SKIP() << "needs two GPUs; this machine has " << count;
  }
  CUACT_TEST_CUDA(cudaSetDevice(0));
  ActivationLayer<float> layer(Activation::relu());
  CUACT_TEST_CUDA(cudaSetDevice(1));
  float* p = nullptr;
  CUACT_TEST_CUDA(cudaMalloc(&p, 16 * sizeof(float)));
  try {
    layer.forward(p, p, 16, nullptr);
    ADD_FAILURE() << "a call on device 1 was accepted by a device 0 layer";
  } catch (const invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "ActivationLayer::forward: the layer belongs to device 0 but device 1 is current");
  }
  CUACT_TEST_CUDA(cudaFree(p));
  CUACT_TEST_CUDA(cudaSetDevice(0));
}

using DeviceBufferTest = StreamTest;

TEST_F(DeviceBufferTest, FreesEverythingWhenAnExceptionUnwindsThroughIt) {
  // The default memory pool's own counters, not cudaMemGetInfo: other test processes share
  // the GPU (ctest -j), so device-wide free memory moves under this test.
  int device = 0;
  CUACT_TEST_CUDA(cudaGetDevice(&device));
  cudaMemPool_t pool = nullptr;
  CUACT_TEST_CUDA(cudaDeviceGetDefaultMemPool(&pool, device));
  const auto used_bytes = [&] {
    CUACT_TEST_CUDA(cudaStreamSynchronize(stream));
    std::uint64_t used = 0;
    CUACT_TEST_CUDA(cudaMemPoolGetAttribute(pool, cudaMemPoolAttrUsedMemCurrent, &used));
    return used;
  };
  const std::uint64_t before = used_bytes();
  try {
    DeviceBuffer<float> a(std::size_t(1) << 26, stream);   // 256 MiB
    DeviceBuffer<double> b(std::size_t(1) << 25, stream);  // 256 MiB
    DeviceBuffer<float> moved(std::move(a));
    EXPECT_GE(used_bytes(), before + (std::uint64_t(512) << 20));
    throw std::runtime_error("unwind");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(used_bytes(), before);
}

TEST_F(DeviceBufferTest, CopiesRoundTripAndMovesTransferOwnership) {
  const auto host = random_vector<double>(4099, -1, 1, 9);
  DeviceBuffer<double> a(host.size(), stream);
  a.copy_from_host(host);
  DeviceBuffer<double> b(std::move(a));
  EXPECT_EQ(a.data(), nullptr);
  EXPECT_EQ(b.size(), host.size());
  EXPECT_EQ(read(b), host);
}

}  // namespace
}  // namespace cuact::test
