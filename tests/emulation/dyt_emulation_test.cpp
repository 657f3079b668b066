// The DyT kernels themselves, run on the CPU (emulated_cuda.hpp) through the same dispatch as
// the device (cuda/dyt_dispatch.hpp: the channelwise engine, then scalar_grad_kernel for the
// one alpha), against the CPU reference (the same channel functor on the host): every kernel
// path (coverage as PReLU's), every dtype, offsets 0, 1, 3 and mixed, in place, overwrite and
// accumulate, dx alone and the gradients alone: y and dx bit for bit, dgamma, dbeta and dalpha
// within the reduction's bound and bitwise the same for grids of 1, 3 and 64 blocks, nothing
// written outside the outputs, the workspace's scratch inside its size.
#include "tests/emulation/emulated_cuda.hpp"

#include "cuda/dyt_dispatch.hpp"
#include "tests/emulation/channelwise_coverage.hpp"
#include "tests/emulation/emulated_launcher.hpp"
#include "tests/emulation/guarded_buffer.hpp"
#include "tests/support/reference.hpp"
#include "tests/support/test_data.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace cuact::detail {
namespace {

using test::Dtype;

using emulation::EmulatedLauncher;
using emulation::expect_bitwise;

template <class T>
emulation::GuardedBuffer<T> buffer(std::int64_t n, std::int64_t offset) {
  return emulation::GuardedBuffer<T>(n, static_cast<std::size_t>(offset) * sizeof(T));
}

/// dalpha, dgamma, dbeta of one call.
template <class C>
struct Grads {
  C alpha;
  std::vector<C> gamma, beta;
};

/// got against base (accumulate; empty: overwrite) + the reference sums.
template <class T>
void expect_grads(const Grads<compute_t<T>>& got, const reference::ParamGrads& ref,
                  const Grads<compute_t<T>>* base, std::int64_t per_channel, const char* what) {
  const std::size_t channels = got.gamma.size();
  double alpha = 0, alpha_abs = 0;
  for (std::size_t c = 0; c < channels; ++c) {
    alpha += ref.sum[2][c];
    alpha_abs += ref.abs_sum[2][c];
    for (int t = 0; t < 2; ++t) {
      const double b = base != nullptr ? static_cast<double>((t == 0 ? base->gamma : base->beta)[c]) : 0.0;
      const double tol = reference::dalpha_tolerance<T>(ref.abs_sum[t][c] + std::fabs(b), per_channel + 1);
      const double v = static_cast<double>((t == 0 ? got.gamma : got.beta)[c]);
      ASSERT_NEAR(v, b + ref.sum[t][c], tol) << what << (t == 0 ? ": dgamma" : ": dbeta") << "[" << c << "]";
    }
  }
  const double b = base != nullptr ? static_cast<double>(base->alpha) : 0.0;
  const double tol = reference::dalpha_tolerance<T>(
      alpha_abs + std::fabs(b), per_channel * static_cast<std::int64_t>(channels) + 1);
  ASSERT_NEAR(static_cast<double>(got.alpha), b + alpha, tol) << what << ": dalpha";
}

template <class T>
bool same_bits(const Grads<compute_t<T>>& a, const Grads<compute_t<T>>& b) {
  using C = compute_t<T>;
  return std::memcmp(&a.alpha, &b.alpha, sizeof(C)) == 0 &&
         std::memcmp(a.gamma.data(), b.gamma.data(), a.gamma.size() * sizeof(C)) == 0 &&
         std::memcmp(a.beta.data(), b.beta.data(), a.beta.size() * sizeof(C)) == 0;
}

template <class T>
void run_case(const ChannelShape& shape, std::int64_t ox, std::int64_t oo) {
  using C = compute_t<T>;
  const std::int64_t n = shape.numel();
  const std::int64_t per_channel = n / shape.channels;
  const auto channels = static_cast<std::size_t>(shape.channels);
  const ChannelwisePlan plan = plan_channelwise(shape, true, kVecElems<T>, sizeof(C), 3);
  const auto x = test::random_vector<T>(n, -4, 4, 11);
  const auto dy = test::random_vector<T>(n, -2, 2, 12);
  const std::vector<C> alpha = {C(0.7)};
  const auto gamma = test::random_vector<C>(shape.channels, -2, 2, 13);
  const auto beta = test::random_vector<C>(shape.channels, -1, 1, 14);
  const DytChannel<T> f{alpha.data(), gamma.data(), beta.data()};
  std::vector<T> y_ref(static_cast<std::size_t>(n)), dx_ref(static_cast<std::size_t>(n));
  reference::channel_forward(f, x.data(), y_ref.data(), shape);
  const reference::ParamGrads g =
      reference::channel_backward(f, x.data(), dy.data(), dx_ref.data(), shape);
  const Grads<C> init{C(0.375), test::random_vector<C>(shape.channels, -1, 1, 15),
                      test::random_vector<C>(shape.channels, -1, 1, 16)};

  auto xb = buffer<T>(n, ox);
  auto dyb = buffer<T>(n, ox);
  auto out = buffer<T>(n, oo);
  xb.set(x);
  dyb.set(dy);
  // The workspace between guards: the scratch must stay inside dyt_workspace_bytes.
  const std::size_t ws_bytes = dyt_workspace_bytes(plan, shape.channels, sizeof(C));
  emulation::GuardedBuffer<unsigned char> ws(static_cast<std::int64_t>(ws_bytes), 5);
  const auto backward = [&](const EmulatedLauncher& l, const T* d, T* dx, Grads<C>* gr,
                            GradMode mode) {
    dispatch_dyt(l, plan, alpha.data(), gamma.data(), static_cast<const C*>(nullptr), xb.get(),
                 d, dx, gr != nullptr ? &gr->alpha : nullptr,
                 gr != nullptr ? gr->gamma.data() : nullptr,
                 gr != nullptr ? gr->beta.data() : nullptr, mode, ws.get());
  };

  dispatch_dyt(EmulatedLauncher{3}, plan, alpha.data(), gamma.data(), beta.data(), xb.get(),
               static_cast<const T*>(nullptr), out.get(), static_cast<C*>(nullptr),
               static_cast<C*>(nullptr), static_cast<C*>(nullptr), GradMode::overwrite, nullptr);
  expect_bitwise(y_ref, out.values(), "y");
  ASSERT_TRUE(out.guards_intact()) << "y: written outside";

  Grads<C> first;
  for (const std::int64_t grid : {1, 3, 64}) {
    SCOPED_TRACE(::testing::Message() << "grid " << grid);
    Grads<C> gr{C(-7), std::vector<C>(channels, C(-7)), std::vector<C>(channels, C(-7))};
    backward(EmulatedLauncher{grid}, dyb.get(), out.get(), &gr, GradMode::overwrite);
    expect_bitwise(dx_ref, out.values(), "dx");
    ASSERT_TRUE(out.guards_intact()) << "dx: written outside";
    ASSERT_TRUE(ws.guards_intact()) << "workspace: written outside";
    expect_grads<T>(gr, g, nullptr, per_channel, "overwrite");
    if (grid == 1) {
      first = gr;
    } else {
      ASSERT_TRUE(same_bits<T>(first, gr)) << "the gradients depend on the grid";
    }
  }
  if (ox == oo) {
    auto inplace = buffer<T>(n, ox);
    inplace.set(dy);
    Grads<C> gr = init;
    backward(EmulatedLauncher{3}, inplace.get(), inplace.get(), &gr, GradMode::accumulate);
    expect_bitwise(dx_ref, inplace.values(), "dx in place");
    expect_grads<T>(gr, g, &init, per_channel, "accumulate");
  }
  {
    auto dx_only = buffer<T>(n, oo);
    backward(EmulatedLauncher{3}, dyb.get(), dx_only.get(), nullptr, GradMode::overwrite);
    expect_bitwise(dx_ref, dx_only.values(), "dx alone");
    Grads<C> gr = init;
    backward(EmulatedLauncher{3}, dyb.get(), static_cast<T*>(nullptr), &gr, GradMode::accumulate);
    expect_grads<T>(gr, g, &init, per_channel, "gradients alone");
  }
}

std::vector<ChannelShape> shapes() {
  return {
      ChannelShape::matrix(7, 1000),      // a transformer's [tokens, hidden]: warps finish
      ChannelShape::matrix(130, 64),      // two chunks of rows
      ChannelShape::nhwc(2, 5, 5, 3),     // channels last, 3 channels
      ChannelShape::nhwc(8192, 1, 1, 3),  // 129 partials per channel: the block finish
      ChannelShape::nhwc(300, 1, 1, 8),   // channels last, four chunks
      ChannelShape::nchw(2, 3, 7, 7),     // masked tiles
      ChannelShape::nchw(2, 4, 8, 8),     // plain tiles
      ChannelShape::nchw(3, 5, 2, 2),     // rows shorter than a vector
      ChannelShape::nchw(2, 3, 4100, 1),  // two tiles per channel
      ChannelShape::shared(20011),        // one channel, four tiles
  };
}

class DytEmulation : public ::testing::TestWithParam<Dtype> {};

TEST_P(DytEmulation, EveryKernelMatchesTheReferenceAtEveryOffsetAndGrid) {
  test::with_dtype(GetParam(), [](auto tag) {
    using T = decltype(tag);
    emulation::ChannelwiseCoverage covered;
    for (const ChannelShape& shape : shapes()) {
      for (const auto& [ox, oo] :
           {std::pair<std::int64_t, std::int64_t>{0, 0}, {1, 1}, {3, 3}, {1, 2}}) {
        SCOPED_TRACE(::testing::Message() << "[" << shape.outer << ", " << shape.channels << ", "
                                          << shape.inner << "] offsets " << ox << "/" << oo);
        covered.add<T>(plan_channelwise(shape, true, kVecElems<T>, sizeof(compute_t<T>), 3), ox,
                       oo);
        run_case<T>(shape, ox, oo);
        if (::testing::Test::HasFatalFailure()) {
          return;
        }
      }
    }
    covered.expect_all();
  });
}

INSTANTIATE_TEST_SUITE_P(AllDtypes, DytEmulation, ::testing::ValuesIn(test::kAllDtypes),
                         [](const ::testing::TestParamInfo<Dtype>& info) {
                           return std::string(test::dtype_name(info.param));
                         });

}  // namespace
}  // namespace cuact::detail
