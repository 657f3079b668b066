// The elementwise kernel itself, run on the CPU (emulated_cuda.hpp) through the same dispatch
// as the device (cuda/elementwise_dispatch.hpp), against the CPU reference: forward, gradient
// from the input and from the output, for activations of each kind (piecewise linear, exp
// and tanh based, one chosen by its parameters); every dtype; counts around the vector
// width; tensors on 16-byte boundaries, all at the same offset past one (the peeled head)
// and at different offsets (the element path); in place; grids of 1, 3 and 64 blocks. The
// kernel's math runs on the host here, so results equal the reference bit for bit, and
// nothing may be written outside the output.
#include "tests/emulation/emulated_cuda.hpp"

#include "cuda/elementwise_dispatch.hpp"
#include "tests/emulation/emulated_launcher.hpp"
#include "tests/emulation/guarded_buffer.hpp"
#include "tests/support/reference.hpp"
#include "tests/support/test_data.hpp"
#include "tests/support/ulp.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <tuple>
#include <vector>

namespace cuact::detail {
namespace {

using emulation::EmulatedLauncher;
using emulation::expect_bitwise;
using test::Dtype;

/// Every pass of `op` over n elements: v (x, or y for the gradient from the output) and dy
/// at offset ov, the output at offset oo (elements past a 16-byte boundary).
template <class Op, class T>
void run_case(const Op& op, std::int64_t n, std::int64_t ov, std::int64_t oo, bool in_place,
              std::int64_t grid) {
  const auto x = test::random_vector<T>(n, -4, 4, 31);
  const auto dy = test::random_vector<T>(n, -2, 2, 32);
  std::vector<T> y_ref(static_cast<std::size_t>(n));
  reference::forward(op, x.data(), y_ref.data(), n);

  std::vector<Pass> passes = {Pass::forward, Pass::grad_from_input};
  if constexpr (has_grad_from_output_v<Op>) {
    passes.push_back(Pass::grad_from_output);
  }
  for (const Pass pass : passes) {
    SCOPED_TRACE(::testing::Message() << "pass " << static_cast<int>(pass));
    const std::vector<T>& v = pass == Pass::grad_from_output ? y_ref : x;
    std::vector<T> expected(static_cast<std::size_t>(n));
    if (pass == Pass::forward) {
      expected = y_ref;
    } else {
      reference::backward(op, pass == Pass::grad_from_input ? Saved::input : Saved::output,
                          v.data(), dy.data(), expected.data(), n);
    }
    const auto at = [](std::int64_t offset) {
      return static_cast<std::size_t>(offset) * sizeof(T);
    };
    emulation::GuardedBuffer<T> vb(n, at(ov)), dyb(n, at(ov)), outb(n, at(oo));
    vb.set(v);
    dyb.set(dy);
    // In place: the output is the input (forward) or dy (gradients), at that tensor's offset.
    T* out = outb.get();
    emulation::GuardedBuffer<T>* written = &outb;
    if (in_place) {
      written = pass == Pass::forward ? &vb : &dyb;
      out = written->get();
    }
    dispatch_unary(EmulatedLauncher{grid}, "test", pass, op, vb.get(),
                   pass == Pass::forward ? nullptr : dyb.get(), out, n);
    expect_bitwise(expected, written->values(), "out");
    ASSERT_TRUE(vb.guards_intact() && dyb.guards_intact() && outb.guards_intact())
        << "written outside the output";
  }
}

class ElementwiseEmulation : public ::testing::TestWithParam<Dtype> {};

TEST_P(ElementwiseEmulation, EveryPassMatchesTheReferenceOnEveryPath) {
  test::with_dtype(GetParam(), [](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    const auto ops = std::make_tuple(Relu<C>{}, LeakyRelu<C>{C(0.1)}, Elu<C>{C(1)}, Silu<C>{},
                                     Tanh<C>{}, Gelu<C>{GeluApproximate::tanh});
    std::apply(
        [&](const auto&... op) {
          (
              [&] {
                using Op = std::decay_t<decltype(op)>;
                for (const std::int64_t n : {1, 7, 8, 9, 100, 1031, 4100}) {
                  for (const auto& [ov, oo] :
                       {std::pair<std::int64_t, std::int64_t>{0, 0}, {1, 1}, {3, 3}, {1, 2}}) {
                    for (const bool in_place : {false, true}) {
                      if (in_place && ov != oo) {
                        continue;  // in place means one tensor, one offset
                      }
                      for (const std::int64_t grid : {1, 3, 64}) {
                        SCOPED_TRACE(::testing::Message()
                                     << Op::name << " n " << n << " offsets " << ov << "/" << oo
                                     << (in_place ? " in place" : "") << " grid " << grid);
                        run_case<Op, T>(op, n, ov, oo, in_place, grid);
                        if (::testing::Test::HasFatalFailure()) {
                          return;
                        }
                      }
                    }
                  }
                }
              }(),
              ...);
        },
        ops);
  });
}

INSTANTIATE_TEST_SUITE_P(AllDtypes, ElementwiseEmulation, ::testing::ValuesIn(test::kAllDtypes),
                         [](const ::testing::TestParamInfo<Dtype>& info) {
                           return std::string(test::dtype_name(info.param));
                         });

}  // namespace
}  // namespace cuact::detail
