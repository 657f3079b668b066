// Bias + activation (cuda/bias_dispatch.hpp, on the channelwise engine) run on the CPU
// (emulated_cuda.hpp: each block's threads as fibers) through the same dispatch as the
// device, against a CPU reference of y = act(x + b), dx = dy * act'(x + b) and dbias = the
// sum over each channel of dx as stored: every kernel of the engine (plain and masked tiles,
// channels last, vector and element paths, direct and chunked plans, the finish by warps and
// by blocks), every dtype, offsets 0, 1 and 3 and mixed, in place, overwrite and accumulate,
// each output alone (dx, the recomputed y, dbias) and all together, from the input and from
// the output; y and dx bit for bit, dbias within the reduction's bound, nothing written
// outside the outputs. Also the engine's promise that a parameter gradient does not depend
// on the GPU: grids of as many blocks as a GPU of 1, 8, 58, 108, 132, 148 or 170 SMs keeps
// resident give bitwise equal dbias and dalpha. And the bias alone (bias_add, bias_grad: the
// identity on the same kernels), against y = x + b and dbias = the sum of dy.
#include "tests/emulation/emulated_cuda.hpp"

#include "cuda/bias_dispatch.hpp"
#include "cuda/bias_identity.hpp"
#include "cuda/prelu_dispatch.hpp"
#include "tests/emulation/channelwise_coverage.hpp"
#include "tests/emulation/emulated_launcher.hpp"
#include "tests/emulation/guarded_buffer.hpp"
#include "tests/support/reference.hpp"
#include "tests/support/test_data.hpp"

#include <cuact/op_traits.hpp>
#include <cuact/ops.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <tuple>
#include <vector>

namespace cuact::detail {
namespace {

using emulation::EmulatedLauncher;
using emulation::expect_bitwise;
using test::Dtype;

template <class T>
emulation::GuardedBuffer<T> buffer(std::int64_t n, std::int64_t offset) {
  return emulation::GuardedBuffer<T>(n, static_cast<std::size_t>(offset) * sizeof(T));
}

/// The CPU reference of one call: y, dx (from the input, or from y) and dbias's exact sum
/// (in double) and sum of magnitudes, per channel.
template <class T>
struct Expected {
  std::vector<T> y;
  std::vector<T> dx;
  std::vector<double> sum;
  std::vector<double> abs_sum;
};

template <class Op, class T>
Expected<T> reference_of(const Op& op, const ChannelShape& shape, const std::vector<T>& x,
                         const std::vector<T>& dy, const std::vector<compute_t<T>>& bias,
                         bool from_output) {
  using C = compute_t<T>;
  const std::int64_t n = shape.numel();
  Expected<T> e{std::vector<T>(static_cast<std::size_t>(n)),
                std::vector<T>(static_cast<std::size_t>(n)),
                std::vector<double>(static_cast<std::size_t>(shape.channels)),
                std::vector<double>(static_cast<std::size_t>(shape.channels))};
  for (std::int64_t i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    const std::int64_t c = i / shape.inner % shape.channels;
    const C v = to_compute(x[k]) + bias[static_cast<std::size_t>(c)];
    e.y[k] = from_compute<T>(forward_for<T>(op, v));
    if constexpr (has_grad_from_output_v<Op>) {
      e.dx[k] = from_compute<T>(from_output ? op.grad_from_output(to_compute(e.y[k]),
                                                                  to_compute(dy[k]))
                                            : grad_from_input_for<T>(op, v, to_compute(dy[k])));
    } else {
      e.dx[k] = from_compute<T>(grad_from_input_for<T>(op, v, to_compute(dy[k])));
    }
    const double d = static_cast<double>(to_compute(e.dx[k]));
    e.sum[static_cast<std::size_t>(c)] += d;
    e.abs_sum[static_cast<std::size_t>(c)] += std::fabs(d);
  }
  return e;
}

template <class T>
void expect_dbias(const std::vector<compute_t<T>>& got, const Expected<T>& e,
                  const std::vector<compute_t<T>>& base, std::int64_t per_channel,
                  const char* what) {
  for (std::size_t c = 0; c < got.size(); ++c) {
    const double b = base.empty() ? 0.0 : static_cast<double>(base[c]);
    const double tol = reference::dalpha_tolerance<compute_t<T>>(e.abs_sum[c] + std::fabs(b),
                                                                 per_channel + 1);
    ASSERT_NEAR(static_cast<double>(got[c]), b + e.sum[c], tol) << what << ", channel " << c;
  }
}

/// Every bias call of `op` on `shape` with x and dy at offset ox, the outputs at oo.
template <class Op, class T>
void run_case(const Op& op, const ChannelShape& shape, std::int64_t ox, std::int64_t oo) {
  using C = compute_t<T>;
  const std::int64_t n = shape.numel();
  const std::int64_t per_channel = n / shape.channels;
  const ChannelwisePlan plan = plan_channelwise(shape, true, kVecElems<T>, sizeof(C));
  const auto x = test::random_vector<T>(n, -4, 4, 21);
  const auto dy = test::random_vector<T>(n, -2, 2, 22);
  const auto bias = test::random_vector<C>(shape.channels, -1, 1, 23);
  const auto init = test::random_vector<C>(shape.channels, -1, 1, 24);
  const Expected<T> e = reference_of(op, shape, x, dy, bias, false);
  std::vector<unsigned char> workspace(plan.workspace_bytes);
  auto xb = buffer<T>(n, ox);
  auto dyb = buffer<T>(n, ox);
  xb.set(x);
  dyb.set(dy);

  // Forward, separate and in place.
  {
    auto y = buffer<T>(n, oo);
    dispatch_bias<Op, T>(EmulatedLauncher{3}, "test", Pass::forward, plan, op, xb.get(), nullptr,
                  bias.data(), y.get(), nullptr, nullptr, GradMode::overwrite, nullptr);
    expect_bitwise(e.y, y.values(), "y");
    ASSERT_TRUE(y.guards_intact()) << "y: written outside";
    auto inplace = buffer<T>(n, ox);
    inplace.set(x);
    dispatch_bias<Op, T>(EmulatedLauncher{3}, "test", Pass::forward, plan, op, inplace.get(), nullptr,
                  bias.data(), inplace.get(), nullptr, nullptr, GradMode::overwrite, nullptr);
    expect_bitwise(e.y, inplace.values(), "y in place");
    ASSERT_TRUE(inplace.guards_intact()) << "y in place: written outside";
  }

  // Backward with everything, for grids of 1, 3 and 64 blocks: dx and y exact, dbias the
  // same bits.
  std::vector<C> first;
  for (const std::int64_t grid : {1, 3, 64}) {
    SCOPED_TRACE(::testing::Message() << "grid " << grid);
    auto dx = buffer<T>(n, oo);
    auto y = buffer<T>(n, oo);
    std::vector<C> dbias(static_cast<std::size_t>(shape.channels), C(-7));
    dispatch_bias<Op, T>(EmulatedLauncher{grid}, "test", Pass::grad_from_input, plan, op, xb.get(),
                  dyb.get(), bias.data(), dx.get(), y.get(), dbias.data(), GradMode::overwrite,
                  workspace.data());
    expect_bitwise(e.dx, dx.values(), "dx");
    expect_bitwise(e.y, y.values(), "recomputed y");
    ASSERT_TRUE(dx.guards_intact() && y.guards_intact()) << "written outside";
    expect_dbias<T>(dbias, e, {}, per_channel, "dbias");
    if (first.empty()) {
      first = dbias;
    } else {
      ASSERT_EQ(std::memcmp(first.data(), dbias.data(), first.size() * sizeof(C)), 0)
          << "dbias depends on the grid";
    }
  }

  // Accumulate in place (dx == dy), when the tensors share an offset.
  if (ox == oo) {
    auto inplace = buffer<T>(n, ox);
    inplace.set(dy);
    std::vector<C> dbias = init;
    dispatch_bias<Op, T>(EmulatedLauncher{3}, "test", Pass::grad_from_input, plan, op, xb.get(),
                  inplace.get(), bias.data(), inplace.get(), nullptr, dbias.data(),
                  GradMode::accumulate, workspace.data());
    expect_bitwise(e.dx, inplace.values(), "dx in place");
    ASSERT_TRUE(inplace.guards_intact()) << "dx in place: written outside";
    expect_dbias<T>(dbias, e, init, per_channel, "dbias accumulated");
    // And y recomputed over x at the same time (dx over dy): both inputs dead after.
    auto x_then_y = buffer<T>(n, ox);
    x_then_y.set(x);
    inplace.set(dy);
    dispatch_bias<Op, T>(EmulatedLauncher{3}, "test", Pass::grad_from_input, plan, op,
                         x_then_y.get(), inplace.get(), bias.data(), inplace.get(),
                         x_then_y.get(), nullptr, GradMode::overwrite, nullptr);
    expect_bitwise(e.dx, inplace.values(), "dx over dy");
    expect_bitwise(e.y, x_then_y.values(), "y over x");
    ASSERT_TRUE(inplace.guards_intact() && x_then_y.guards_intact()) << "written outside";
  }

  // Each output alone.
  {
    auto dx = buffer<T>(n, oo);
    dispatch_bias<Op, T>(EmulatedLauncher{3}, "test", Pass::grad_from_input, plan, op, xb.get(),
                  dyb.get(), bias.data(), dx.get(), nullptr, nullptr, GradMode::overwrite,
                  nullptr);
    expect_bitwise(e.dx, dx.values(), "dx alone");
    ASSERT_TRUE(dx.guards_intact()) << "dx alone: written outside";
    auto y = buffer<T>(n, oo);
    dispatch_bias<Op, T>(EmulatedLauncher{3}, "test", Pass::grad_from_input, plan, op, xb.get(),
                  dyb.get(), bias.data(), nullptr, y.get(), nullptr, GradMode::overwrite,
                  nullptr);
    expect_bitwise(e.y, y.values(), "y alone");
    ASSERT_TRUE(y.guards_intact()) << "y alone: written outside";
    std::vector<C> dbias = init;
    dispatch_bias<Op, T>(EmulatedLauncher{3}, "test", Pass::grad_from_input, plan, op, xb.get(),
                  dyb.get(), bias.data(), nullptr, nullptr, dbias.data(), GradMode::accumulate,
                  workspace.data());
    expect_dbias<T>(dbias, e, init, per_channel, "dbias alone");
  }

  // From the output: v = y, no bias read.
  if constexpr (has_grad_from_output_v<Op>) {
    if (allows_grad_from_output(op)) {
      const Expected<T> o = reference_of(op, shape, x, dy, bias, true);
      auto yb = buffer<T>(n, ox);
      yb.set(e.y);
      auto dx = buffer<T>(n, oo);
      std::vector<C> dbias(static_cast<std::size_t>(shape.channels));
      dispatch_bias<Op, T>(EmulatedLauncher{3}, "test", Pass::grad_from_output, plan, op, yb.get(),
                    dyb.get(), static_cast<const C*>(nullptr), dx.get(), nullptr, dbias.data(),
                    GradMode::overwrite, workspace.data());
      expect_bitwise(o.dx, dx.values(), "dx from y");
      ASSERT_TRUE(dx.guards_intact()) << "dx from y: written outside";
      expect_dbias<T>(dbias, o, {}, per_channel, "dbias from y");
    }
  }
}

std::vector<ChannelShape> shapes() {
  return {
      ChannelShape::matrix(7, 1000),    // [rows, C]: channels last, warps finish
      ChannelShape::matrix(130, 64),    // two chunks of rows
      ChannelShape::matrix(16, 64),     // direct: one column element per channel
      ChannelShape::nhwc(200, 1, 1, 3), // 3 channels: super-rows of several each
      ChannelShape::nchw(2, 3, 7, 7),   // masked tiles: rows of 49
      ChannelShape::nchw(2, 4, 8, 8),   // plain tiles, direct
      ChannelShape::nchw(2, 3, 4100, 1),  // two tiles per channel
      ChannelShape::shared(20011),      // one bias: four tiles
      ChannelShape::nhwc(8192, 1, 1, 3),  // 3 channels, 129 partials each: the block finish
  };
}

using Covered = emulation::ChannelwiseCoverage;

class BiasEmulation : public ::testing::TestWithParam<Dtype> {};

TEST_P(BiasEmulation, EveryKernelMatchesTheReferenceAtEveryOffsetAndGrid) {
  test::with_dtype(GetParam(), [](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    Covered covered;
    // A piecewise-linear op with a gradient from the output, a smooth one, one whose
    // parameter selects its formula.
    const auto ops = std::make_tuple(Relu<C>{}, Silu<C>{}, Gelu<C>{GeluApproximate::tanh});
    std::apply(
        [&](const auto&... op) {
          (
              [&] {
                for (const ChannelShape& shape : shapes()) {
                  for (const auto& [ox, oo] :
                       {std::pair<std::int64_t, std::int64_t>{0, 0}, {1, 1}, {3, 3}, {1, 2}}) {
                    if (::testing::Test::HasFatalFailure()) {
                      return;
                    }
                    SCOPED_TRACE(::testing::Message()
                                 << std::decay_t<decltype(op)>::name << " [" << shape.outer
                                 << ", " << shape.channels << ", " << shape.inner << "] offsets "
                                 << ox << "/" << oo);
                    covered.add<T>(plan_channelwise(shape, true, kVecElems<T>, sizeof(C)), ox,
                                   oo);
                    run_case<std::decay_t<decltype(op)>, T>(op, shape, ox, oo);
                  }
                }
              }(),
              ...);
        },
        ops);
    covered.expect_all();
  });
}

INSTANTIATE_TEST_SUITE_P(AllDtypes, BiasEmulation, ::testing::ValuesIn(test::kAllDtypes),
                         [](const ::testing::TestParamInfo<Dtype>& info) {
                           return std::string(test::dtype_name(info.param));
                         });

/// bias_add and bias_grad's kernels (the identity, forward and from the output with v = dy)
/// on `shape`, x and dy at offset ox, the outputs at oo.
template <class T>
void run_bias_alone_case(const ChannelShape& shape, std::int64_t ox, std::int64_t oo) {
  using C = compute_t<T>;
  using Op = BiasIdentity<C>;
  const std::int64_t n = shape.numel();
  const std::int64_t per_channel = n / shape.channels;
  const ChannelwisePlan plan = plan_channelwise(shape, true, kVecElems<T>, sizeof(C));
  const auto x = test::random_vector<T>(n, -4, 4, 31);
  const auto dy = test::random_vector<T>(n, -2, 2, 32);
  const auto bias = test::random_vector<C>(shape.channels, -1, 1, 33);
  const auto init = test::random_vector<C>(shape.channels, -1, 1, 34);
  Expected<T> e{std::vector<T>(static_cast<std::size_t>(n)), dy,
                std::vector<double>(static_cast<std::size_t>(shape.channels)),
                std::vector<double>(static_cast<std::size_t>(shape.channels))};
  for (std::int64_t i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    const auto c = static_cast<std::size_t>(i / shape.inner % shape.channels);
    e.y[k] = from_compute<T>(to_compute(x[k]) + bias[c]);
    e.sum[c] += static_cast<double>(to_compute(dy[k]));
    e.abs_sum[c] += std::fabs(static_cast<double>(to_compute(dy[k])));
  }
  std::vector<unsigned char> workspace(plan.workspace_bytes);
  auto xb = buffer<T>(n, ox);
  auto dyb = buffer<T>(n, ox);
  xb.set(x);
  dyb.set(dy);

  auto y = buffer<T>(n, oo);
  dispatch_bias<Op, T>(EmulatedLauncher{3}, "test", Pass::forward, plan, Op{}, xb.get(), nullptr,
                       bias.data(), y.get(), nullptr, nullptr, GradMode::overwrite, nullptr);
  expect_bitwise(e.y, y.values(), "x + b");
  ASSERT_TRUE(y.guards_intact()) << "x + b: written outside";
  auto inplace = buffer<T>(n, ox);
  inplace.set(x);
  dispatch_bias<Op, T>(EmulatedLauncher{3}, "test", Pass::forward, plan, Op{}, inplace.get(),
                       nullptr, bias.data(), inplace.get(), nullptr, nullptr,
                       GradMode::overwrite, nullptr);
  expect_bitwise(e.y, inplace.values(), "x + b in place");

  // dbias from dy alone, for grids of 1, 3 and 64 blocks: the same bits on each, and the same
  // as an activation's dbias whose gradient is dy (relu from an all-positive output).
  std::vector<C> first;
  for (const std::int64_t grid : {1, 3, 64}) {
    SCOPED_TRACE(::testing::Message() << "grid " << grid);
    std::vector<C> dbias(static_cast<std::size_t>(shape.channels), C(-7));
    dispatch_bias<Op, T>(EmulatedLauncher{grid}, "test", Pass::grad_from_output, plan, Op{},
                         dyb.get(), dyb.get(), static_cast<const C*>(nullptr),
                         static_cast<T*>(nullptr), static_cast<T*>(nullptr), dbias.data(),
                         GradMode::overwrite, workspace.data());
    expect_dbias<T>(dbias, e, {}, per_channel, "dbias");
    if (first.empty()) {
      first = dbias;
    } else {
      ASSERT_EQ(std::memcmp(first.data(), dbias.data(), first.size() * sizeof(C)), 0)
          << "dbias depends on the grid";
    }
  }
  auto ones = buffer<T>(n, ox);
  ones.set(std::vector<T>(static_cast<std::size_t>(n), from_compute<T>(C(1))));
  std::vector<C> relu_dbias(static_cast<std::size_t>(shape.channels));
  dispatch_bias<Relu<C>, T>(EmulatedLauncher{3}, "test", Pass::grad_from_output, plan, Relu<C>{},
                            ones.get(), dyb.get(), static_cast<const C*>(nullptr),
                            static_cast<T*>(nullptr), static_cast<T*>(nullptr),
                            relu_dbias.data(), GradMode::overwrite, workspace.data());
  ASSERT_EQ(std::memcmp(first.data(), relu_dbias.data(), first.size() * sizeof(C)), 0)
      << "bias_grad's dbias is not bias_backward's for a gradient of dy";

  std::vector<C> dbias = init;
  dispatch_bias<Op, T>(EmulatedLauncher{3}, "test", Pass::grad_from_output, plan, Op{}, dyb.get(),
                       dyb.get(), static_cast<const C*>(nullptr), static_cast<T*>(nullptr),
                       static_cast<T*>(nullptr), dbias.data(), GradMode::accumulate,
                       workspace.data());
  expect_dbias<T>(dbias, e, init, per_channel, "dbias accumulated");
}

class BiasAloneEmulation : public ::testing::TestWithParam<Dtype> {};

TEST_P(BiasAloneEmulation, AddAndGradMatchTheReferenceOnEveryKernel) {
  test::with_dtype(GetParam(), [](auto tag) {
    using T = decltype(tag);
    Covered covered;
    for (const ChannelShape& shape : shapes()) {
      for (const auto& [ox, oo] :
           {std::pair<std::int64_t, std::int64_t>{0, 0}, {1, 1}, {3, 3}, {1, 2}}) {
        SCOPED_TRACE(::testing::Message() << "[" << shape.outer << ", " << shape.channels
                                          << ", " << shape.inner << "] offsets " << ox << "/"
                                          << oo);
        covered.add<T>(plan_channelwise(shape, true, kVecElems<T>, sizeof(compute_t<T>)), ox,
                       oo);
        run_bias_alone_case<T>(shape, ox, oo);
        if (::testing::Test::HasFatalFailure()) {
          return;
        }
      }
    }
    covered.expect_all();
  });
}

INSTANTIATE_TEST_SUITE_P(AllDtypes, BiasAloneEmulation, ::testing::ValuesIn(test::kAllDtypes),
                         [](const ::testing::TestParamInfo<Dtype>& info) {
                           return std::string(test::dtype_name(info.param));
                         });

/// The resident grid of a GPU of `sms` SMs for 256-thread blocks (8 per SM at most).
std::int64_t grid_of(int sms) { return static_cast<std::int64_t>(sms) * 8; }

TEST(ChannelwiseDeterminism, GradientsAreTheSameBitsOnEveryGpusGrid) {
  using T = __nv_bfloat16;
  using C = float;
  for (const ChannelShape& shape :
       {ChannelShape::matrix(4096, 96), ChannelShape::nchw(4, 3, 128, 128),
        ChannelShape::nchw(4, 3, 130, 130),
        ChannelShape::shared(300001)}) {
    SCOPED_TRACE(::testing::Message() << "[" << shape.outer << ", " << shape.channels << ", "
                                      << shape.inner << "]");
    const std::int64_t n = shape.numel();
    const ChannelwisePlan plan = plan_channelwise(shape, true, kVecElems<T>, sizeof(C));
    ASSERT_FALSE(plan.direct);
    const auto x = test::random_vector<T>(n, -4, 4, 41);
    const auto dy = test::random_vector<T>(n, -2, 2, 42);
    const auto param = test::random_vector<C>(shape.channels, -0.5, 0.5, 43);
    auto xb = buffer<T>(n, 0);
    auto dyb = buffer<T>(n, 0);
    xb.set(x);
    dyb.set(dy);
    std::vector<unsigned char> workspace(plan.workspace_bytes);
    std::vector<C> first_dbias;
    std::vector<C> first_dalpha;
    for (const int sms : {1, 8, 58, 108, 132, 148, 170}) {
      SCOPED_TRACE(::testing::Message() << sms << " SMs");
      std::vector<C> dbias(static_cast<std::size_t>(shape.channels));
      dispatch_bias<Gelu<C>, T>(EmulatedLauncher{grid_of(sms)}, "test", Pass::grad_from_input, plan,
                    Gelu<C>{}, xb.get(), dyb.get(), param.data(), static_cast<T*>(nullptr),
                    static_cast<T*>(nullptr), dbias.data(), GradMode::overwrite,
                    workspace.data());
      std::vector<C> dalpha(static_cast<std::size_t>(shape.channels));
      dispatch_prelu_backward<T>(EmulatedLauncher{grid_of(sms)}, plan, xb.get(), dyb.get(),
                                 nullptr, nullptr, dalpha.data(), GradMode::overwrite,
                                 workspace.data());
      if (first_dbias.empty()) {
        first_dbias = dbias;
        first_dalpha = dalpha;
        continue;
      }
      ASSERT_EQ(std::memcmp(first_dbias.data(), dbias.data(), dbias.size() * sizeof(C)), 0)
          << "dbias depends on the grid";
      ASSERT_EQ(std::memcmp(first_dalpha.data(), dalpha.data(), dalpha.size() * sizeof(C)), 0)
          << "dalpha depends on the grid";
    }
  }
}

}  // namespace
}  // namespace cuact::detail
