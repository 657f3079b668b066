// RReLU on the GPU: cuRAND's documented stream (curand_init + curand) against the CPU
// Philox; training forward and backward (from x and from y, key by value and in device
// memory) bit for bit against the CPU reference for every element type, on vector and
// element paths and in place, so the slopes do not depend on the grid or the alignment;
// evaluation against leaky_relu; the statistics of the slopes the GPU drew; and the layer,
// whose offset advances per training forward, also on every replay of a captured graph.
#include <cuact/activations.hpp>
#include <cuact/rrelu.hpp>

#include "tests/support/device_buffer.hpp"
#include "tests/support/gpu_environment.hpp"
#include "tests/support/philox.hpp"
#include "tests/support/reference.hpp"
#include "tests/support/test_data.hpp"
#include "tests/support/ulp.hpp"

#include <curand_kernel.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace cuact::test {
namespace {

__global__ void curand_values(std::uint64_t seed, std::uint64_t subsequence, std::uint64_t first,
                              std::uint32_t* out, int count) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < count) {
    curandStatePhilox4_32_10_t state;
    curand_init(seed, subsequence, first + i, &state);
    out[i] = curand(&state);
  }
}

class RReluGpu : public GpuTest {};

TEST_F(RReluGpu, CurandsDocumentedStreamIsTheCpuPhilox) {
  constexpr int kCount = 4099;
  TestDeviceBuffer<std::uint32_t> out(kCount);
  for (const std::uint64_t first : {std::uint64_t{0}, (std::uint64_t{1} << 34) + 3}) {
    curand_values<<<(kCount + 255) / 256, 256>>>(0x1234567890abcdefULL, 77, first, out.get(),
                                                 kCount);
    CUACT_TEST_CUDA(cudaDeviceSynchronize());
    const std::vector<std::uint32_t> got = out.download();
    for (int i = 0; i < kCount; ++i) {
      ASSERT_EQ(got[i], reference::philox_value(0x1234567890abcdefULL, 77, first + i))
          << "value " << first + i;
    }
  }
}

template <class T>
void expect_same_bits(const std::vector<T>& expected, const T* got, const std::string& what) {
  for (std::size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(reference::bits_of(expected[i]), reference::bits_of(got[i]))
        << what << "[" << i << "]: " << to_compute(expected[i]) << " vs " << to_compute(got[i]);
  }
}

template <class T>
void run_training(std::int64_t n, std::int64_t offset, bool in_place, bool device_key) {
  SCOPED_TRACE(::testing::Message() << "n " << n << ", offset " << offset << ", in place "
                                    << in_place << ", device key " << device_key);
  using C = compute_t<T>;
  const RRelu<C> op{C(0.1), C(0.4)};
  const RReluKey key{0xC0FFEEULL + static_cast<std::uint64_t>(n),
                     5 + static_cast<std::uint64_t>(offset)};
  std::vector<T> x = random_vector<T>(n, -4.0, 4.0, static_cast<std::uint64_t>(n));
  if (n > 3) {
    x[1] = from_compute<T>(C(-0.0));
    x[2] = from_compute<T>(C(0));
    x[3] = from_compute<T>(std::numeric_limits<C>::quiet_NaN());
  }
  const std::vector<T> dy = random_vector<T>(n, -2.0, 2.0, static_cast<std::uint64_t>(n) + 1);
  std::vector<T> y(n), dx(n);
  reference::rrelu_forward<T>(op, key, x.data(), y.data(), n);
  reference::rrelu_backward<T>(op, key, x.data(), dy.data(), dx.data(), n);

  TestDeviceBuffer<T> bx(n + offset), by(n + offset), bdy(n + offset), bdx(n + offset);
  TestDeviceBuffer<RReluKey> bkey(1);
  CUACT_TEST_CUDA(cudaMemcpy(bkey.get(), &key, sizeof key, cudaMemcpyHostToDevice));
  CUACT_TEST_CUDA(cudaMemcpy(bx.get() + offset, x.data(), n * sizeof(T), cudaMemcpyHostToDevice));
  CUACT_TEST_CUDA(cudaMemcpy(bdy.get() + offset, dy.data(), n * sizeof(T), cudaMemcpyHostToDevice));
  T* gx = bx.get() + offset;
  T* gy = in_place ? gx : by.get() + offset;
  T* gdy = bdy.get() + offset;
  T* gdx = in_place ? gdy : bdx.get() + offset;
  // The backward from y first needs x: from x into gdx (not in place), then from y.
  if (device_key) {
    rrelu_forward(gx, gy, n, op.lower, op.upper, true, static_cast<const RReluKey*>(bkey.get()),
                  nullptr);
    rrelu_backward(gy, gdy, gdx, n, op.lower, op.upper, true,
                   static_cast<const RReluKey*>(bkey.get()), Saved::output, nullptr);
  } else {
    rrelu_forward(gx, gy, n, op.lower, op.upper, true, key, nullptr);
    rrelu_backward(gy, gdy, gdx, n, op.lower, op.upper, true, key, Saved::output, nullptr);
  }
  CUACT_TEST_CUDA(cudaDeviceSynchronize());
  std::vector<T> got_y(n), got_dx(n);
  CUACT_TEST_CUDA(cudaMemcpy(got_y.data(), gy, n * sizeof(T), cudaMemcpyDeviceToHost));
  CUACT_TEST_CUDA(cudaMemcpy(got_dx.data(), gdx, n * sizeof(T), cudaMemcpyDeviceToHost));
  expect_same_bits(y, got_y.data(), "y");
  expect_same_bits(dx, got_dx.data(), "dx from y");

  if (!in_place) {
    // From x too: the same slopes, the same gradient.
    rrelu_backward(gx, gdy, gdx, n, op.lower, op.upper, true, key, Saved::input, nullptr);
    CUACT_TEST_CUDA(cudaDeviceSynchronize());
    CUACT_TEST_CUDA(cudaMemcpy(got_dx.data(), gdx, n * sizeof(T), cudaMemcpyDeviceToHost));
    expect_same_bits(dx, got_dx.data(), "dx from x");
  }
}

template <class T>
void run_all_training() {
  const std::int64_t sizes[] = {1, 3, 8, 9, 31, 1000, 4099, (1 << 20) + 3};
  for (const std::int64_t n : sizes) {
    if (n > test_max_elements()) {
      continue;
    }
    for (const std::int64_t offset : {0, 1}) {
      for (const bool in_place : {false, true}) {
        run_training<T>(n, offset, in_place, (n + offset) % 2 == 0);
        if (::testing::Test::HasFailure()) {
          return;
        }
      }
    }
  }
}

class RReluTrainingGpu : public GpuTest, public ::testing::WithParamInterface<Dtype> {};

TEST_P(RReluTrainingGpu, MatchesTheCpuStreamBitForBitOnEveryPath) {
  with_dtype(GetParam(), [](auto tag) { run_all_training<decltype(tag)>(); });
}

INSTANTIATE_TEST_SUITE_P(AllDtypes, RReluTrainingGpu, ::testing::ValuesIn(kAllDtypes),
                         [](const ::testing::TestParamInfo<Dtype>& info) {
                           return std::string(dtype_name(info.param));
                         });

TEST_F(RReluGpu, EvaluationIsLeakyReluWithTheMeanSlope) {
  const std::int64_t n = 10007;
  const std::vector<__nv_bfloat16> x = random_vector<__nv_bfloat16>(n, -4, 4, 3);
  const std::vector<__nv_bfloat16> dy = random_vector<__nv_bfloat16>(n, -2, 2, 4);
  const RRelu<float> op{0.125f, 1.0f / 3.0f};
  std::vector<__nv_bfloat16> y(n), dx(n);
  reference::forward(LeakyRelu<float>{op.eval_slope()}, x.data(), y.data(), n);
  reference::backward(LeakyRelu<float>{op.eval_slope()}, Saved::input, x.data(), dy.data(),
                      dx.data(), n);
  TestDeviceBuffer<__nv_bfloat16> bx(n), by(n), bdy(n), bdx(n);
  bx.upload(x);
  bdy.upload(dy);
  rrelu_forward(bx.get(), by.get(), n, op.lower, op.upper, false,
                static_cast<const RReluKey*>(nullptr), nullptr);
  rrelu_backward(bx.get(), bdy.get(), bdx.get(), n, op.lower, op.upper, false, RReluKey{},
                 Saved::input, nullptr);
  CUACT_TEST_CUDA(cudaDeviceSynchronize());
  expect_same_bits(y, by.download().data(), "y");
  expect_same_bits(dx, bdx.download().data(), "dx");
}

TEST_F(RReluGpu, TheSlopesTheGpuDrewAreUniformOnTheirRange) {
  const std::int64_t n = std::min<std::int64_t>(1 << 22, test_max_elements());
  TestDeviceBuffer<float> bx(n), by(n);
  const std::vector<float> minus_one(n, -1.0f);
  bx.upload(minus_one);
  rrelu_forward(bx.get(), by.get(), n, 0.2f, 0.7f, true, RReluKey{99, 1}, nullptr);
  CUACT_TEST_CUDA(cudaDeviceSynchronize());
  const std::vector<float> y = by.download();
  double sum = 0;
  double sum_sq = 0;
  for (const float v : y) {
    const double a = -static_cast<double>(v);
    ASSERT_GE(a, 0.2f);
    ASSERT_LE(a, 0.7f);
    sum += a - 0.45;
    sum_sq += (a - 0.45) * (a - 0.45);
  }
  const double variance = 0.25 / 12;
  EXPECT_NEAR(sum / n, 0.0, 5 * std::sqrt(variance / n));
  EXPECT_NEAR(sum_sq / n, variance, 5 * 0.25 / std::sqrt(180.0 * n));
}

class RReluLayerGpu : public GpuTest {};

TEST_F(RReluLayerGpu, EachTrainingForwardDrawsWithTheNextOffsetAlsoInReplayedGraphs) {
  const std::int64_t n = 5003;
  cudaStream_t stream = nullptr;
  CUACT_TEST_CUDA(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  const std::vector<float> x = random_vector<float>(n, -3, 3, 11);
  const std::vector<float> dy = random_vector<float>(n, -1, 1, 12);
  TestDeviceBuffer<float> bx(n), by(n), bdy(n), bdx(n);
  bx.upload(x);
  bdy.upload(dy);
  const RRelu<float> op{0.1f, 0.3f};
  RReluLayer<float> layer(op.lower, op.upper, 2024, stream, 10);

  const auto expect_step = [&](std::uint64_t offset) {
    std::vector<float> y(n), dx(n);
    reference::rrelu_forward<float>(op, {2024, offset}, x.data(), y.data(), n);
    reference::rrelu_backward<float>(op, {2024, offset}, x.data(), dy.data(), dx.data(), n);
    CUACT_TEST_CUDA(cudaStreamSynchronize(stream));
    expect_same_bits(y, by.download().data(), "y at offset " + std::to_string(offset));
    expect_same_bits(dx, bdx.download().data(), "dx at offset " + std::to_string(offset));
  };
  const auto step = [&] {
    layer.forward(bx.get(), by.get(), n, stream);
    layer.backward(bdy.get(), bdx.get(), n, stream);
  };
  step();
  expect_step(10);
  step();
  expect_step(11);

  cudaGraph_t graph = nullptr;
  cudaGraphExec_t exec = nullptr;
  CUACT_TEST_CUDA(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal));
  step();
  CUACT_TEST_CUDA(cudaStreamEndCapture(stream, &graph));
  CUACT_TEST_CUDA(cudaGraphInstantiate(&exec, graph, 0));
  for (std::uint64_t replay = 0; replay < 3; ++replay) {
    CUACT_TEST_CUDA(cudaGraphLaunch(exec, stream));
    expect_step(12 + replay);
  }
  RReluKey key{};
  CUACT_TEST_CUDA(cudaMemcpy(&key, layer.key(), sizeof key, cudaMemcpyDeviceToHost));
  EXPECT_EQ(key.seed, 2024u);
  EXPECT_EQ(key.offset, 14u);

  // Evaluation: the mean slope, the key untouched.
  layer.eval();
  step();
  std::vector<float> y(n);
  reference::forward(LeakyRelu<float>{op.eval_slope()}, x.data(), y.data(), n);
  CUACT_TEST_CUDA(cudaStreamSynchronize(stream));
  expect_same_bits(y, by.download().data(), "y in evaluation");
  CUACT_TEST_CUDA(cudaMemcpy(&key, layer.key(), sizeof key, cudaMemcpyDeviceToHost));
  EXPECT_EQ(key.offset, 14u);
  CUACT_TEST_CUDA(cudaGraphExecDestroy(exec));
  CUACT_TEST_CUDA(cudaGraphDestroy(graph));
  CUACT_TEST_CUDA(cudaStreamDestroy(stream));
}

}  // namespace
}  // namespace cuact::test
