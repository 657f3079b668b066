// The PReLU kernels themselves, run on the CPU (emulated_cuda.hpp: each block's threads as
// fibers switched at barriers) through the same dispatch as the device
// (cuda/prelu_dispatch.hpp, on the channelwise engine), against the CPU reference: every kernel (channel tiles plain and
// masked, channels last, vector and element paths, the dalpha finish with warps or blocks,
// direct and chunked plans), every dtype, tensors at offsets 0, 1 and 3 from a 16-byte
// boundary and at different offsets, in place, overwrite and accumulate, each output alone:
// y and dx bit for bit, dalpha within the reduction's bound and bitwise the same for grids of
// 1, 3 and 64 blocks, nothing written outside the outputs, and no barrier that some threads
// miss. What the GPU tests check on a device, checked here on every CI run; what only a GPU
// shows (memory model, timing, the real CUB) stays with them.
#include "tests/emulation/emulated_cuda.hpp"

#include "cuda/prelu_dispatch.hpp"
#include "tests/emulation/channelwise_coverage.hpp"
#include "tests/emulation/emulated_launcher.hpp"
#include "tests/emulation/guarded_buffer.hpp"
#include "tests/support/reference.hpp"
#include "tests/support/test_data.hpp"
#include "tests/support/ulp.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace cuact::detail {
namespace {

using test::Dtype;

using emulation::EmulatedLauncher;
using emulation::expect_bitwise;

/// n elements of T starting `offset` elements past a 16-byte boundary, between guards.
template <class T>
emulation::GuardedBuffer<T> buffer(std::int64_t n, std::int64_t offset) {
  return emulation::GuardedBuffer<T>(n, static_cast<std::size_t>(offset) * sizeof(T));
}

template <class C>
void expect_dalpha(const std::vector<C>& got, const reference::PreluAlphaGrad& ref,
                   const std::vector<C>& base, std::int64_t per_channel, const char* what) {
  for (std::size_t c = 0; c < got.size(); ++c) {
    const double b = base.empty() ? 0.0 : static_cast<double>(base[c]);
    const double expected = b + ref.sum[c];
    const double tol =
        reference::dalpha_tolerance<C>(ref.abs_sum[c] + std::fabs(b), per_channel + 1);
    ASSERT_NEAR(static_cast<double>(got[c]), expected, tol) << what << ", channel " << c;
  }
}

struct Case {
  PreluShape shape;
};

using Covered = emulation::ChannelwiseCoverage;

/// Every call on `c.shape` with x, dy and the outputs at offsets (elements past a 16-byte
/// boundary) ox for x and dy, oo for y and dx.
template <class T>
void run_case(const Case& c, std::int64_t ox, std::int64_t oo) {
  using C = compute_t<T>;
  const PreluShape& shape = c.shape;
  const std::int64_t n = shape.numel();
  const std::int64_t per_channel = n / shape.channels;
  const ChannelwisePlan plan = plan_channelwise(shape, true, kVecElems<T>, sizeof(C));
  const auto x = test::random_vector<T>(n, -4, 4, 11);
  const auto dy = test::random_vector<T>(n, -2, 2, 12);
  const auto alpha = test::random_vector<C>(shape.channels, -0.5, 0.5, 13);
  const auto init = test::random_vector<C>(shape.channels, -1, 1, 14);
  std::vector<T> y_ref(static_cast<std::size_t>(n));
  std::vector<T> dx_ref(static_cast<std::size_t>(n));
  reference::prelu_forward(x.data(), alpha.data(), y_ref.data(), shape);
  const auto g = reference::prelu_backward(x.data(), dy.data(), alpha.data(), dx_ref.data(), shape);

  auto xb = buffer<T>(n, ox);
  auto dyb = buffer<T>(n, ox);
  auto out = buffer<T>(n, oo);
  xb.set(x);
  dyb.set(dy);
  std::vector<unsigned char> workspace(plan.workspace_bytes);

  // Forward, separate and in place.
  dispatch_prelu_forward(EmulatedLauncher{3}, plan, xb.get(), alpha.data(), out.get());
  expect_bitwise(y_ref, out.values(), "y");
  ASSERT_TRUE(out.guards_intact()) << "y: written outside";
  {
    auto inplace = buffer<T>(n, ox);
    inplace.set(x);
    dispatch_prelu_forward(EmulatedLauncher{3}, plan, inplace.get(), alpha.data(), inplace.get());
    expect_bitwise(y_ref, inplace.values(), "y in place");
    ASSERT_TRUE(inplace.guards_intact()) << "y in place: written outside";
  }

  // Backward, overwrite, for grids of 1, 3 and 64 blocks: dx exact, dalpha the same bits.
  std::vector<C> first;
  for (const std::int64_t grid : {1, 3, 64}) {
    SCOPED_TRACE(::testing::Message() << "grid " << grid);
    std::vector<C> dalpha(static_cast<std::size_t>(shape.channels), C(-7));
    dispatch_prelu_backward(EmulatedLauncher{grid}, plan, xb.get(), dyb.get(), alpha.data(),
                            out.get(), dalpha.data(), GradMode::overwrite, workspace.data());
    expect_bitwise(dx_ref, out.values(), "dx");
    ASSERT_TRUE(out.guards_intact()) << "dx: written outside";
    expect_dalpha<C>(dalpha, g, {}, per_channel, "dalpha");
    if (first.empty()) {
      first = dalpha;
    } else {
      ASSERT_EQ(std::memcmp(first.data(), dalpha.data(), first.size() * sizeof(C)), 0)
          << "dalpha depends on the grid";
    }
  }

  // Accumulate in place (dx == dy), when the tensors share an offset.
  if (ox == oo) {
    auto inplace = buffer<T>(n, ox);
    inplace.set(dy);
    std::vector<C> dalpha = init;
    dispatch_prelu_backward(EmulatedLauncher{3}, plan, xb.get(), inplace.get(), alpha.data(),
                            inplace.get(), dalpha.data(), GradMode::accumulate, workspace.data());
    expect_bitwise(dx_ref, inplace.values(), "dx in place");
    ASSERT_TRUE(inplace.guards_intact()) << "dx in place: written outside";
    expect_dalpha<C>(dalpha, g, init, per_channel, "dalpha accumulated");
  }

  // Each output alone.
  {
    auto dx_only = buffer<T>(n, oo);
    dispatch_prelu_backward<T>(EmulatedLauncher{3}, plan, xb.get(), dyb.get(), alpha.data(),
                               dx_only.get(), nullptr, GradMode::overwrite, nullptr);
    expect_bitwise(dx_ref, dx_only.values(), "dx alone");
    ASSERT_TRUE(dx_only.guards_intact()) << "dx alone: written outside";
    std::vector<C> dalpha = init;
    dispatch_prelu_backward<T>(EmulatedLauncher{3}, plan, xb.get(), dyb.get(), nullptr, nullptr,
                               dalpha.data(), GradMode::accumulate, workspace.data());
    expect_dalpha<C>(dalpha, g, init, per_channel, "dalpha alone");
  }
}

std::vector<Case> cases() {
  return {
      // Direct plans (one block per channel's sum).
      {PreluShape::nchw(2, 3, 7, 7)},   // masked tiles: rows of 49
      {PreluShape::nchw(2, 4, 8, 8)},   // plain tiles: rows of 64
      {PreluShape::nchw(3, 5, 2, 2)},   // rows shorter than a vector: super-rows
      {PreluShape::nhwc(2, 5, 5, 64)},  // channels last, one column element per channel
      {PreluShape::nhwc(2, 5, 5, 3)},   // channels last, 3 channels: not direct
      {PreluShape::matrix(7, 1000)},    // many channels: warps finish (not direct)
      {PreluShape::shared(1001)},       // shared alpha, odd count
      // Chunked plans (partials and channel_grads_kernel).
      {PreluShape::nchw(2, 3, 4100, 1)},  // two tiles per channel
      {PreluShape::shared(20011)},        // four tiles, the block finish
      {PreluShape::nhwc(300, 1, 1, 8)},   // channels last, four chunks
      {PreluShape::nhwc(200, 1, 1, 3)},   // 3 channels, chunks
      {PreluShape::matrix(130, 64)},      // two chunks of rows
      // 3 channels, 129 partials each: the block finish.
      {PreluShape::nhwc(8192, 1, 1, 3)},
  };
}

class PreluEmulation : public ::testing::TestWithParam<Dtype> {};

TEST_P(PreluEmulation, EveryKernelMatchesTheReferenceAtEveryOffsetAndGrid) {
  test::with_dtype(GetParam(), [](auto tag) {
    using T = decltype(tag);
    Covered covered;
    for (const Case& c : cases()) {
      for (const auto& [ox, oo] :
           {std::pair<std::int64_t, std::int64_t>{0, 0}, {1, 1}, {3, 3}, {1, 2}}) {
        SCOPED_TRACE(::testing::Message()
                     << "[" << c.shape.outer << ", " << c.shape.channels << ", " << c.shape.inner
                     << "] offsets " << ox << "/" << oo);
        covered.add<T>(plan_channelwise(c.shape, true, kVecElems<T>, sizeof(compute_t<T>)), ox,
                       oo);
        run_case<T>(c, ox, oo);
        if (::testing::Test::HasFatalFailure()) {
          return;
        }
      }
    }
    covered.expect_all();
  });
}

INSTANTIATE_TEST_SUITE_P(AllDtypes, PreluEmulation, ::testing::ValuesIn(test::kAllDtypes),
                         [](const ::testing::TestParamInfo<Dtype>& info) {
                           return std::string(test::dtype_name(info.param));
                         });

TEST(Emulation, ABarrierSomeThreadsMissIsReported) {
  EXPECT_THROW(emulation::launch(1, 64,
                                 [] {
                                   if (threadIdx.x < 32) {
                                     __syncthreads();
                                   }
                                 }),
               std::logic_error);
}

}  // namespace
}  // namespace cuact::detail
