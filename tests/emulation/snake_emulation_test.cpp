// The Snake and SnakeBeta kernels themselves, run on the CPU (emulated_cuda.hpp) through the
// same dispatch as the device (cuda/snake_dispatch.hpp, on the channelwise engine), against
// the CPU reference (the same channel functors on the host): every kernel (channel tiles
// plain and masked, channels last, vector and element paths, the finish with warps or
// blocks, direct and chunked plans), every dtype, tensors at offsets 0, 1 and 3 from a
// 16-byte boundary and at different offsets, in place, overwrite and accumulate, linear and
// log-scale parameters, each output alone: y and dx bit for bit, the parameter gradients
// within the reduction's bound and bitwise the same for grids of 1, 3 and 64 blocks, nothing
// written outside the outputs.
#include "tests/emulation/emulated_cuda.hpp"

#include "cuda/snake_dispatch.hpp"
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

/// The parameters of one call: alpha (and beta), as values or logarithms.
template <class C>
struct Params {
  std::vector<C> alpha, beta;
  bool log_scale;
};

template <class T>
Params<compute_t<T>> params(std::int64_t channels, bool log_scale) {
  using C = compute_t<T>;
  Params<C> p{log_scale ? test::random_vector<C>(channels, -1, 1, 21)
                        : test::random_vector<C>(channels, 0.25, 2, 21),
              log_scale ? test::random_vector<C>(channels, -1, 1, 22)
                        : test::random_vector<C>(channels, 0.5, 2, 22),
              log_scale};
  if (!log_scale) {
    p.alpha[0] = C(0);  // snake's limit y = x, through the kernels
  }
  return p;
}

/// The channel functor of Snake (kBeta false) or SnakeBeta over `p`.
template <class T, bool kBeta>
auto functor(const Params<compute_t<T>>& p) {
  if constexpr (kBeta) {
    return SnakeBetaChannel<T>{p.alpha.data(), p.beta.data(), p.log_scale};
  } else {
    return SnakeChannel<T>{p.alpha.data(), p.log_scale};
  }
}

template <class F>
using Grads = std::vector<std::vector<compute_t<typename F::Elem>>>;  // [term][channel]

template <class F>
GradPointers<compute_t<typename F::Elem>, F::kTerms> pointers(Grads<F>& g) {
  GradPointers<compute_t<typename F::Elem>, F::kTerms> p{};
  for (int t = 0; t < F::kTerms; ++t) {
    p.p[t] = g[t].data();
  }
  return p;
}

template <class F>
void expect_grads(const Grads<F>& got, const reference::ParamGrads& ref, const Grads<F>& base,
                  std::int64_t per_channel, const char* what) {
  for (int t = 0; t < F::kTerms; ++t) {
    for (std::size_t c = 0; c < got[t].size(); ++c) {
      const double b = base.empty() ? 0.0 : static_cast<double>(base[t][c]);
      const double tol = reference::dalpha_tolerance<typename F::Elem>(
          ref.abs_sum[t][c] + std::fabs(b), per_channel + 1);
      ASSERT_NEAR(static_cast<double>(got[t][c]), b + ref.sum[t][c], tol)
          << what << ", term " << t << ", channel " << c;
    }
  }
}

/// Every call of functor F on `shape` with x and dy at offset ox, the outputs at oo.
template <class F>
void run_case(const F& f, const ChannelShape& shape, std::int64_t ox, std::int64_t oo) {
  using T = typename F::Elem;
  using C = compute_t<T>;
  const std::int64_t n = shape.numel();
  const std::int64_t per_channel = n / shape.channels;
  const ChannelwisePlan plan = plan_channelwise(shape, true, kVecElems<T>, sizeof(C), F::kTerms);
  const auto x = test::random_vector<T>(n, -4, 4, 11);
  const auto dy = test::random_vector<T>(n, -2, 2, 12);
  std::vector<T> y_ref(static_cast<std::size_t>(n));
  std::vector<T> dx_ref(static_cast<std::size_t>(n));
  reference::channel_forward(f, x.data(), y_ref.data(), shape);
  const reference::ParamGrads g = reference::channel_backward(f, x.data(), dy.data(), dx_ref.data(), shape);
  Grads<F> init;
  for (int t = 0; t < F::kTerms; ++t) {
    init.push_back(test::random_vector<C>(shape.channels, -1, 1, 30 + t));
  }

  auto xb = buffer<T>(n, ox);
  auto dyb = buffer<T>(n, ox);
  auto out = buffer<T>(n, oo);
  xb.set(x);
  dyb.set(dy);
  std::vector<unsigned char> workspace(plan.workspace_bytes);
  const GradPointers<C, F::kTerms> none{};

  // Forward, separate and in place.
  dispatch_snake(EmulatedLauncher{3}, plan, f, xb.get(), nullptr, out.get(), none,
                 GradMode::overwrite, nullptr);
  expect_bitwise(y_ref, out.values(), "y");
  ASSERT_TRUE(out.guards_intact()) << "y: written outside";
  {
    auto inplace = buffer<T>(n, ox);
    inplace.set(x);
    dispatch_snake(EmulatedLauncher{3}, plan, f, inplace.get(), nullptr, inplace.get(), none,
                   GradMode::overwrite, nullptr);
    expect_bitwise(y_ref, inplace.values(), "y in place");
    ASSERT_TRUE(inplace.guards_intact()) << "y in place: written outside";
  }

  // Backward, overwrite, for grids of 1, 3 and 64 blocks: dx exact, the gradients the same
  // bits.
  Grads<F> first;
  for (const std::int64_t grid : {1, 3, 64}) {
    SCOPED_TRACE(::testing::Message() << "grid " << grid);
    Grads<F> grads(F::kTerms, std::vector<C>(static_cast<std::size_t>(shape.channels), C(-7)));
    dispatch_snake(EmulatedLauncher{grid}, plan, f, xb.get(), dyb.get(), out.get(),
                   pointers<F>(grads), GradMode::overwrite, workspace.data());
    expect_bitwise(dx_ref, out.values(), "dx");
    ASSERT_TRUE(out.guards_intact()) << "dx: written outside";
    expect_grads<F>(grads, g, {}, per_channel, "gradients");
    if (first.empty()) {
      first = grads;
    } else {
      for (int t = 0; t < F::kTerms; ++t) {
        ASSERT_EQ(std::memcmp(first[t].data(), grads[t].data(), first[t].size() * sizeof(C)), 0)
            << "term " << t << " depends on the grid";
      }
    }
  }

  // Accumulate in place (dx == dy), when the tensors share an offset.
  if (ox == oo) {
    auto inplace = buffer<T>(n, ox);
    inplace.set(dy);
    Grads<F> grads = init;
    dispatch_snake(EmulatedLauncher{3}, plan, f, xb.get(), inplace.get(), inplace.get(),
                   pointers<F>(grads), GradMode::accumulate, workspace.data());
    expect_bitwise(dx_ref, inplace.values(), "dx in place");
    ASSERT_TRUE(inplace.guards_intact()) << "dx in place: written outside";
    expect_grads<F>(grads, g, init, per_channel, "gradients accumulated");
  }

  // Each output alone.
  {
    auto dx_only = buffer<T>(n, oo);
    dispatch_snake(EmulatedLauncher{3}, plan, f, xb.get(), dyb.get(), dx_only.get(), none,
                   GradMode::overwrite, nullptr);
    expect_bitwise(dx_ref, dx_only.values(), "dx alone");
    ASSERT_TRUE(dx_only.guards_intact()) << "dx alone: written outside";
    Grads<F> grads = init;
    dispatch_snake(EmulatedLauncher{3}, plan, f, xb.get(), dyb.get(), static_cast<T*>(nullptr),
                   pointers<F>(grads), GradMode::accumulate, workspace.data());
    expect_grads<F>(grads, g, init, per_channel, "gradients alone");
  }
}

std::vector<ChannelShape> shapes() {
  return {
      // Direct plans (one block per channel's sum).
      ChannelShape::nchw(2, 3, 7, 7),   // masked tiles: rows of 49
      ChannelShape::nchw(2, 4, 8, 8),   // plain tiles: rows of 64
      ChannelShape::nchw(3, 5, 2, 2),   // rows shorter than a vector: super-rows
      ChannelShape::nhwc(2, 5, 5, 64),  // channels last
      ChannelShape::nhwc(2, 5, 5, 3),   // channels last, 3 channels: not direct
      ChannelShape::matrix(7, 1000),    // many channels: warps finish
      ChannelShape::shared(1001),       // one shared parameter, odd count
      // Chunked plans (partials and channel_grads_kernel).
      ChannelShape::nchw(2, 3, 4100, 1),  // two tiles per channel
      ChannelShape::shared(20011),        // four tiles, the block finish
      ChannelShape::nhwc(300, 1, 1, 8),   // channels last, four chunks
      ChannelShape::matrix(130, 64),      // two chunks of rows
      ChannelShape::nhwc(8192, 1, 1, 3),  // 3 channels, 129 partials each: the block finish
  };
}

template <class T, bool kBeta>
void run_all() {
  using C = compute_t<T>;
  emulation::ChannelwiseCoverage covered;
  for (const ChannelShape& shape : shapes()) {
    for (const bool log_scale : {false, true}) {
      const auto p = params<T>(shape.channels, log_scale);
      const auto f = functor<T, kBeta>(p);
      using F = decltype(f);
      for (const auto& [ox, oo] :
           {std::pair<std::int64_t, std::int64_t>{0, 0}, {1, 1}, {3, 3}, {1, 2}}) {
        // The log scale only changes the parameters: the aligned offsets suffice for it.
        if (log_scale && ox != 0) {
          continue;
        }
        SCOPED_TRACE(::testing::Message()
                     << "[" << shape.outer << ", " << shape.channels << ", " << shape.inner
                     << "] offsets " << ox << "/" << oo << (log_scale ? " log scale" : ""));
        covered.add<T>(plan_channelwise(shape, true, kVecElems<T>, sizeof(C), F::kTerms), ox, oo);
        run_case(f, shape, ox, oo);
        if (::testing::Test::HasFatalFailure()) {
          return;
        }
      }
    }
  }
  covered.expect_all();
}

std::string name_of(const ::testing::TestParamInfo<Dtype>& info) {
  return std::string(test::dtype_name(info.param));
}

class SnakeEmulation : public ::testing::TestWithParam<Dtype> {};

TEST_P(SnakeEmulation, EveryKernelMatchesTheReferenceAtEveryOffsetAndGrid) {
  test::with_dtype(GetParam(), [](auto tag) { run_all<decltype(tag), false>(); });
}

class SnakeBetaEmulation : public ::testing::TestWithParam<Dtype> {};

TEST_P(SnakeBetaEmulation, EveryKernelMatchesTheReferenceAtEveryOffsetAndGrid) {
  test::with_dtype(GetParam(), [](auto tag) { run_all<decltype(tag), true>(); });
}

INSTANTIATE_TEST_SUITE_P(AllDtypes, SnakeEmulation, ::testing::ValuesIn(test::kAllDtypes), name_of);
INSTANTIATE_TEST_SUITE_P(AllDtypes, SnakeBetaEmulation, ::testing::ValuesIn(test::kAllDtypes),
                         name_of);

}  // namespace
}  // namespace cuact::detail
