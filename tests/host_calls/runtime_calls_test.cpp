// The CUDA runtime calls each entry point makes on its host path, counted without a GPU:
// this executable is linked with -Wl,--wrap for every CUDA runtime function libcuact
// references (tests/CMakeLists.txt), so that cuact's calls reach the stand-ins of
// runtime_stand_ins.cpp instead: a device 0 with 132 SMs, device pointers everywhere, and launches
// that are recorded but run nothing. These calls and cuact's own code make up the host cost a GPU
// run measures (cuact_bench's host_us): a change that adds a query to the hot path fails
// here. The time cuact itself spends per call (everything but the runtime) is printed. A
// runtime function libcuact starts to call without a stand-in here reaches the real
// runtime, which fails on a machine without a GPU: the test fails then too.
#include <cuact/cuact.h>
#include <cuact/activations.hpp>
#include <cuact/gated.hpp>
#include <cuact/bias.hpp>
#include <cuact/layers.hpp>
#include <cuact/mask.hpp>
#include <cuact/prelu.hpp>
#include <cuact/rrelu.hpp>
#include <cuact/dyt.hpp>
#include <cuact/snake.hpp>

#include "tests/host_calls/runtime_stand_ins.hpp"

#include <cuda_runtime.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <string>

namespace cuact {
namespace {

using namespace stand_in;

// Never dereferenced: the stand-in launches run nothing.
template <class T>
T* fake_device(std::uintptr_t address) {
  return reinterpret_cast<T*>(address);
}

/// The runtime calls of one call of `f`, after a first call that fills the caches (plans,
/// occupancy, device attributes), as in a training loop.
template <class F>
std::array<int, kFnCount> calls_of(F&& f) {
  f();
  clear_calls();
  f();
  std::array<int, kFnCount> got{};
  std::copy(std::begin(counts), std::end(counts), got.begin());
  return got;
}

/// Microseconds cuact spends per call of `f` with the stand-in runtime: its own host work.
template <class F>
double own_host_us(F&& f) {
  constexpr int kCalls = 20000;
  f();
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kCalls; ++i) {
    f();
  }
  const auto t1 = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::micro>(t1 - t0).count() / kCalls;
}

std::string describe(const std::array<int, kFnCount>& got) {
  std::string s;
  for (int fn = 0; fn < kFnCount; ++fn) {
    if (got[fn] != 0) {
      s += std::string(kFnNames[fn]) + " x" + std::to_string(got[fn]) + "; ";
    }
  }
  return s;
}

constexpr std::int64_t kN = 1 << 20;
float* const x = fake_device<float>(0x100000000);
float* const dy = fake_device<float>(0x200000000);
float* const y = fake_device<float>(0x300000000);
float* const alpha = fake_device<float>(0x400000000);
float* const dalpha = fake_device<float>(0x500000000);
void* const workspace = fake_device<void>(0x600000000);
std::uint32_t* const mask = fake_device<std::uint32_t>(0x700000000);
float* const dx = fake_device<float>(0x800000000);

struct Expected {
  const char* what;
  int pointer_queries;  // one per distinct non-null pointer
  int device_queries;
  int launches;
};

void expect_calls(const Expected& e, const std::array<int, kFnCount>& got, double us) {
  std::printf("[ host     ] %-24s %5.2f us of cuact's own per call; runtime: %s\n", e.what, us,
              describe(got).c_str());
  EXPECT_EQ(got[kPointerGetAttributes], e.pointer_queries) << e.what;
  EXPECT_EQ(got[kGetDevice], e.device_queries) << e.what;
  EXPECT_EQ(got[kLaunch], e.launches) << e.what;
  EXPECT_EQ(got[kGetLastError], e.launches) << e.what;  // one check per launch
  // Capture-safe queries: one relaxed-mode scope per call (enter and leave).
  EXPECT_EQ(got[kExchangeCaptureMode], 2) << e.what;
  // Everything cacheable is cached: no device attribute, occupancy or kernel attribute
  // query after the first call, and nothing allocated, copied or synchronized.
  for (const Fn fn :
       {kDeviceGetAttribute, kOccupancy, kFuncGetAttributes, kPeekAtLastError, kStreamIsCapturing,
        kMallocAsync, kFreeAsync, kMemsetAsync, kMemcpyAsync, kSetDevice, kGetDeviceCount}) {
    EXPECT_EQ(got[fn], 0) << e.what << ": " << kFnNames[fn];
  }
}

template <class F>
void check(const Expected& e, F&& f) {
  expect_calls(e, calls_of(f), own_host_us(f));
}

TEST(RuntimeCalls, ElementwiseForwardAndBackward) {
  check({"relu_forward", 2, 2, 1}, [] { relu_forward(x, y, kN, nullptr); });
  check({"relu_forward in place", 1, 2, 1}, [] { relu_forward(x, x, kN, nullptr); });
  check({"gelu_backward", 3, 2, 1},
        [] { gelu_backward(x, dy, y, kN, GeluApproximate::none, Saved::input, nullptr); });
}

TEST(RuntimeCalls, MasksRreluAndGated) {
  check({"relu_forward_mask", 3, 2, 1}, [] { relu_forward_mask(x, y, mask, kN, nullptr); });
  check({"relu_backward_mask", 3, 2, 1}, [] { relu_backward_mask(mask, dy, y, kN, nullptr); });
  check({"rrelu_forward training", 2, 2, 1}, [] {
    rrelu_forward(x, y, kN, 0.125f, 0.25f, true, RReluKey{1, 2}, nullptr);
  });
  check({"swiglu forward", 2, 2, 1},
        [] { gated_forward(Swiglu<float>{}, GatedLayout::gate_first, x, y, 1024, 1024, nullptr); });
}

TEST(RuntimeCalls, CApiAndLayers) {
  check({"cuact_activation_forward", 2, 2, 1}, [] {
    EXPECT_EQ(cuact_activation_forward(CUACT_RELU, 0.0, CUACT_DTYPE_F32, x, y, kN, nullptr),
              CUACT_STATUS_SUCCESS);
  });
  ActivationLayer<float> elu(Elu<float>{1.0f});
  check({"ActivationLayer forward", 2, 3, 1}, [&] { elu.forward(x, y, kN, nullptr); });
  check({"ActivationLayer backward", 3, 3, 1}, [&] { elu.backward(dy, dx, kN, nullptr); });
}

TEST(RuntimeCalls, PreluAndBias) {
  const PreluShape nchw = PreluShape::nchw(32, 64, 28, 28);
  const PreluShape nhwc = PreluShape::nhwc(32, 28, 28, 3);
  const std::size_t bytes = 1 << 24;
  check({"prelu_forward nchw", 3, 2, 1}, [&] { prelu_forward(x, alpha, y, nchw, nullptr); });
  check({"prelu_backward nchw", 6, 3, 2}, [&] {
    prelu_backward(x, dy, alpha, y, dalpha, nchw, GradMode::accumulate, workspace, bytes, nullptr);
  });
  check({"prelu_backward nhwc3", 6, 3, 2}, [&] {
    prelu_backward(x, dy, alpha, y, dalpha, nhwc, GradMode::overwrite, workspace, bytes, nullptr);
  });
  // Small tensors: one block sums each channel whole and writes dalpha (a direct plan), so
  // one launch; the overload without a workspace then allocates none.
  const PreluShape small_nchw = PreluShape::nchw(2, 64, 7, 7);
  const PreluShape small_nhwc = PreluShape::nhwc(2, 7, 7, 64);
  check({"prelu_backward small nchw", 6, 2, 1}, [&] {
    prelu_backward(x, dy, alpha, y, dalpha, small_nchw, GradMode::accumulate, workspace, bytes,
                   nullptr);
  });
  check({"prelu_backward small nhwc", 6, 2, 1}, [&] {
    prelu_backward(x, dy, alpha, y, dalpha, small_nhwc, GradMode::overwrite, workspace, bytes,
                   nullptr);
  });
  check({"prelu_backward small, own", 5, 2, 1},
        [&] { prelu_backward(x, dy, alpha, y, dalpha, small_nchw, GradMode::overwrite, nullptr); });
  // The device is asked once per call for its pointers and once per launch (the cached
  // resident grid), not for the plan. Bias + activation: the same.
  const ChannelShape gemm = ChannelShape::matrix(4096, 768);
  check({"gelu_bias_forward", 3, 2, 1},
        [&] { bias_forward(Gelu<float>{}, x, alpha, y, gemm, nullptr); });
  check({"gelu_bias_backward", 6, 3, 2}, [&] {
    bias_backward(Gelu<float>{}, x, dy, alpha, dx, dalpha, nullptr, gemm, Saved::input,
                  GradMode::accumulate, workspace, bytes, nullptr);
  });
}

TEST(RuntimeCalls, SnakeAndSnakeBeta) {
  float* const beta = fake_device<float>(0x900000000);
  float* const dbeta = fake_device<float>(0xA00000000);
  const ChannelShape bigvgan{16, 512, 8192};  // [B, C, T]: chunked, the partials' finish
  const std::size_t bytes = 1 << 24;
  check({"snake_forward", 3, 2, 1},
        [&] { snake_forward(x, alpha, y, bigvgan, ParamScale::linear, nullptr); });
  check({"snake_backward", 6, 3, 2}, [&] {
    snake_backward(x, dy, alpha, dx, dalpha, bigvgan, ParamScale::log, GradMode::accumulate,
                   workspace, bytes, nullptr);
  });
  check({"snakebeta_forward", 4, 2, 1},
        [&] { snakebeta_forward(x, alpha, beta, y, bigvgan, ParamScale::log, nullptr); });
  check({"snakebeta_backward", 8, 3, 2}, [&] {
    snakebeta_backward(x, dy, alpha, beta, dx, dalpha, dbeta, bigvgan, ParamScale::log,
                       GradMode::accumulate, workspace, bytes, nullptr);
  });
  check({"snakebeta_backward dx", 5, 2, 1}, [&] {
    snakebeta_backward(x, dy, alpha, beta, dx, nullptr, nullptr, bigvgan, ParamScale::linear,
                       GradMode::overwrite, nullptr, 0, nullptr);
  });
}

TEST(RuntimeCalls, Dyt) {
  float* const gamma = fake_device<float>(0x900000000);
  float* const dgamma = fake_device<float>(0xA00000000);
  float* const dbeta = fake_device<float>(0xB00000000);
  const ChannelShape tokens = ChannelShape::matrix(8192, 4096);
  const std::size_t bytes = 1 << 24;
  check({"dyt_forward", 5, 2, 1},
        [&] { dyt_forward(x, alpha, gamma, dbeta, y, tokens, nullptr); });
  // The pass, the per-channel finish and the sum of dalpha's shares.
  check({"dyt_backward", 9, 3, 3}, [&] {
    dyt_backward(x, dy, alpha, gamma, dx, dalpha, dgamma, dbeta, tokens, GradMode::accumulate,
                 workspace, bytes, nullptr);
  });
}

TEST(RuntimeCalls, SnakeLayersAllocateOnlyWhenMadeOrGrown) {
  const ChannelShape shape{4, 64, 4096};
  clear_calls();
  SnakeBetaLayer<float> layer(64, nullptr, ParamScale::log);
  // Four parameter buffers (alpha, beta and their gradients), two copies of the initial
  // values, two zeroed gradients.
  EXPECT_EQ(counts[kMallocAsync], 4);
  EXPECT_EQ(counts[kMemcpyAsync], 2);
  EXPECT_EQ(counts[kMemsetAsync], 2);
  layer.reserve(shape, nullptr);
  EXPECT_EQ(counts[kMallocAsync], 5);  // the workspace
  clear_calls();
  layer.forward(x, y, shape, nullptr);
  layer.backward(dy, dx, nullptr);
  EXPECT_EQ(counts[kMallocAsync], 0);
  EXPECT_EQ(counts[kLaunch], 3);  // forward; backward and its finish
  SnakeLayer<__half> snake(64, nullptr);
  clear_calls();
  snake.forward(fake_device<__half>(0x100000000), fake_device<__half>(0x300000000), shape,
                nullptr);
  snake.backward(fake_device<__half>(0x200000000), fake_device<__half>(0x800000000), nullptr);
  EXPECT_EQ(counts[kMallocAsync], 1);  // the workspace, on first use
  EXPECT_EQ(counts[kLaunch], 3);
  DytLayer<__nv_bfloat16> dyt(768, nullptr);
  const ChannelShape tokens = ChannelShape::matrix(512, 768);
  dyt.reserve(tokens, nullptr);
  clear_calls();
  dyt.forward(fake_device<__nv_bfloat16>(0x100000000), fake_device<__nv_bfloat16>(0x300000000),
              tokens, nullptr);
  dyt.backward(fake_device<__nv_bfloat16>(0x200000000), fake_device<__nv_bfloat16>(0x800000000),
               nullptr);
  EXPECT_EQ(counts[kMallocAsync], 0);  // reserved
  EXPECT_GE(counts[kLaunch], 3);       // forward; the pass, (the finish,) dalpha's sum
}

// With a device to plan for, these shapes once reached the planner: [2, 2^61 - 1, 1] in f16
// divided by zero (SIGFPE), [1, 2^61 - 1, 1] in f32 returned too small a workspace. Now the
// argument check refuses them before the device is asked anything; a shape past 2^50
// elements that does plan is still planned.
TEST(RuntimeCalls, PreluShapesNoDeviceCanPlanAreRefusedBeforeTheDevice) {
  const std::int64_t two61 = std::int64_t{1} << 61;
  std::size_t bytes = 0;
  clear_calls();
  EXPECT_EQ(cuact_prelu_backward_workspace_size(CUACT_DTYPE_F16, 2, two61 - 1, 1, &bytes),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(cuact_prelu_backward_workspace_size(CUACT_DTYPE_F32, 1, two61 - 1, 1, &bytes),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(std::string(cuact_last_error()),
            "prelu_backward_workspace_size: 'shape' [1, 2305843009213693951, 1] is too large to "
            "plan: its super-row width would exceed 2^61");
  EXPECT_EQ(counts[kGetDevice], 0);
  EXPECT_EQ(bytes, 0u);
  EXPECT_EQ(
      cuact_prelu_backward_workspace_size(CUACT_DTYPE_F32, 1, 1, std::int64_t{1} << 55, &bytes),
      CUACT_STATUS_SUCCESS);
  EXPECT_GT(bytes, 256u);  // the alignment slack and the partials of many tiles
}

}  // namespace
}  // namespace cuact
