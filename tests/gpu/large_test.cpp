// Counts past 2^31: the 64-bit indexing of the elementwise and PReLU kernels, on tensors of
// more than 2^31 elements (about 4 GiB per 16-bit tensor; ~15 GiB of GPU memory and as much
// host memory in all). Built always, registered with ctest only with -DCUACT_LARGE_TESTS=ON
// (label "large"): they take tens of seconds, mostly in the host-side checks.
#include <cuact/activations.hpp>
#include <cuact/prelu.hpp>

#include "tests/support/reference.hpp"
#include "tests/support/ulp.hpp"
#include "tests/support/device_buffer.hpp"
#include "tests/support/gpu_environment.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace cuact::test {
namespace {

constexpr std::int64_t kPast2To31 = (std::int64_t(1) << 31) + 13;

/// A cheap deterministic value in [-10, 10] for element i (random data generation would
/// dominate the run time at this size).
float pattern(std::int64_t i, std::uint64_t salt) {
  const std::uint64_t h = (static_cast<std::uint64_t>(i) + salt) * 0x9E3779B97F4A7C15ull;
  return static_cast<float>(static_cast<std::int64_t>((h >> 40) % 2001) - 1000) / 100.0f;
}

class LargeTensors : public GpuTest {
 protected:
  void SetUp() override {
    GpuTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) {
      return;
    }
    std::size_t free = 0;
    std::size_t total = 0;
    CUACT_TEST_CUDA(cudaMemGetInfo(&free, &total));
    if (free < (std::size_t(16) << 30)) {
      GTEST_SKIP() << "needs 16 GiB of free GPU memory, has " << (free >> 30) << " GiB";
    }
  }
};

TEST_F(LargeTensors, Relu6InPlaceOverMoreThan2To31HalfElementsWritesEveryElementRight) {
  const std::int64_t n = kPast2To31;
  std::vector<__half> host(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    host[i] = __float2half_rn(pattern(i, 1));
  }
  TestDeviceBuffer<__half> x(n);
  x.upload(host);
  relu6_forward(x.get(), x.get(), n, nullptr);
  CUACT_TEST_CUDA(cudaDeviceSynchronize());
  const std::vector<__half> got = x.download();
  const Relu6<float> op;
  for (std::int64_t i = 0; i < n; ++i) {
    const __half want = __float2half_rn(op.forward(__half2float(host[i])));
    ASSERT_EQ(reference::ulp_distance(want, got[i]), 0u) << "element " << i;
  }
}

TEST_F(LargeTensors, PreluBackwardNhwcOverMoreThan2To31ElementsGivesDxAndDalpha) {
  const PreluShape shape = PreluShape::matrix((std::int64_t(1) << 31) / 64 + 3, 64);
  const std::int64_t n = shape.numel();
  ASSERT_GT(n, std::int64_t(1) << 31);
  std::vector<__nv_bfloat16> hx(static_cast<std::size_t>(n));
  std::vector<__nv_bfloat16> hdy(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    hx[i] = __float2bfloat16_rn(pattern(i, 2));
    hdy[i] = __float2bfloat16_rn(pattern(i, 3) / 10.0f);
  }
  std::vector<float> alpha(64);
  for (int c = 0; c < 64; ++c) {
    alpha[c] = 0.01f * static_cast<float>(c - 32);
  }
  TestDeviceBuffer<__nv_bfloat16> x(n), dy(n);
  TestDeviceBuffer<float> dalpha(64), alpha_d(64);
  x.upload(hx);
  dy.upload(hdy);
  alpha_d.upload(alpha);
  prelu_backward(x.get(), dy.get(), alpha_d.get(), dy.get(), dalpha.get(), shape,
                 GradMode::overwrite, nullptr);
  CUACT_TEST_CUDA(cudaDeviceSynchronize());

  const std::vector<__nv_bfloat16> dx = dy.download();
  std::vector<__nv_bfloat16> want(static_cast<std::size_t>(n));
  const auto ref = reference::prelu_backward(hx.data(), hdy.data(), alpha.data(), want.data(), shape);
  for (std::int64_t i = 0; i < n; ++i) {
    ASSERT_EQ(reference::ulp_distance(want[i], dx[i]), 0u) << "element " << i;
  }
  const std::vector<float> got = dalpha.download();
  for (int c = 0; c < 64; ++c) {
    EXPECT_NEAR(got[c], ref.sum[c],
                reference::dalpha_tolerance<__nv_bfloat16>(ref.abs_sum[c], n / 64))
        << "channel " << c;
  }
}

}  // namespace
}  // namespace cuact::test
