// The gated kernel itself, run on the CPU (emulated_cuda.hpp) through the same dispatch as
// the device (cuda/gated_dispatch.hpp) and the same views of the tensors as the entry points
// (cuda/gated_launch.hpp), against each layout's indexing (tests/support/gated_layout.hpp):
// forward and backward, every layout (gate first, gate second, interleaved, separate),
// activations of each kind (one chosen by its parameter), every dtype, the vector path
// (hidden a multiple of the vector, aligned), the element path (odd hidden, or misaligned),
// the backward over its input, grids of 1, 3 and 64 blocks. Bit for bit (the math runs on
// the host in both); nothing written outside the outputs.
#include "tests/emulation/emulated_cuda.hpp"

#include "cuda/gated_dispatch.hpp"
#include "cuda/gated_launch.hpp"
#include "tests/emulation/emulated_launcher.hpp"
#include "tests/emulation/guarded_buffer.hpp"
#include "tests/support/gated_layout.hpp"
#include "tests/support/test_data.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <tuple>
#include <vector>

namespace cuact::detail {
namespace {

using emulation::EmulatedLauncher;
using emulation::expect_bitwise;
using emulation::GuardedBuffer;
using test::Dtype;
using test::Where;
using test::where;

/// Forward and backward of `op` on [rows, hidden] outputs, every tensor `offset` elements
/// past a 16-byte boundary; separate gate and up are the two halves of one buffer. In place:
/// the backward writes its input's gradient over the input.
template <class G, class T>
void run_case(const G& op, GatedLayout layout, std::int64_t rows, std::int64_t hidden,
              std::int64_t offset, bool in_place, std::int64_t grid) {
  const std::int64_t n = rows * hidden;
  const bool separate = layout == GatedLayout::separate;
  const auto in = test::random_vector<T>(2 * n, -4, 4, 41);
  const auto dy = test::random_vector<T>(n, -3, 3, 42);
  std::vector<T> want_out(static_cast<std::size_t>(n));
  std::vector<T> want_din(static_cast<std::size_t>(2 * n));
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t c = 0; c < hidden; ++c) {
      const Where w = where(layout, r, c, hidden);
      const std::int64_t up_at = separate ? n + w.up : w.up;
      const auto g = to_compute(in[static_cast<std::size_t>(w.gate)]);
      const auto u = to_compute(in[static_cast<std::size_t>(up_at)]);
      const std::int64_t e = r * hidden + c;
      want_out[static_cast<std::size_t>(e)] = from_compute<T>(gated_forward_for<T>(op, g, u));
      const auto d = gated_backward_for<T>(op, g, u, to_compute(dy[static_cast<std::size_t>(e)]));
      want_din[static_cast<std::size_t>(w.gate)] = from_compute<T>(d.gate);
      want_din[static_cast<std::size_t>(up_at)] = from_compute<T>(d.up);
    }
  }
  const std::size_t at = static_cast<std::size_t>(offset) * sizeof(T);
  GuardedBuffer<T> in_b(2 * n, at), dy_b(n, at), out_b(n, at), din_b(2 * n, at);
  in_b.set(in);
  dy_b.set(dy);
  const auto view = [&](T* din) {
    if (separate) {
      GatedLaunch<T> p = separate_launch<T>(in_b.get(), in_b.get() + n, rows, hidden);
      p.out = din;
      p.out2 = din != nullptr ? din + n : nullptr;
      return p;
    }
    return packed_launch<T>(layout, in_b.get(), din, rows, hidden);
  };

  GatedLaunch<T> forward = view(nullptr);
  forward.out = out_b.get();
  dispatch_gated(EmulatedLauncher{grid}, false, op, forward);
  expect_bitwise(want_out, out_b.values(), "out");

  GatedLaunch<T> backward = view(in_place ? in_b.get() : din_b.get());
  backward.dy = dy_b.get();
  dispatch_gated(EmulatedLauncher{grid}, true, op, backward);
  expect_bitwise(want_din, in_place ? in_b.values() : din_b.values(), "din");
  ASSERT_TRUE(in_b.guards_intact() && dy_b.guards_intact() && out_b.guards_intact() &&
              din_b.guards_intact())
      << "written outside the outputs";
}

class GatedEmulation : public ::testing::TestWithParam<Dtype> {};

TEST_P(GatedEmulation, EveryLayoutMatchesTheReferenceOnEveryPath) {
  test::with_dtype(GetParam(), [](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    const auto ops = std::make_tuple(Swiglu<C>{}, Geglu<C>{Gelu<C>{GeluApproximate::tanh}},
                                     Reglu<C>{}, ClampedSwiglu<C>{C(1.702), C(3)});
    std::apply(
        [&](const auto&... op) {
          (
              [&] {
                using G = std::decay_t<decltype(op)>;
                for (const GatedLayout layout : {GatedLayout::gate_first, GatedLayout::gate_second,
                                                 GatedLayout::interleaved, GatedLayout::separate}) {
                  // hidden 16: the vector path for every dtype when aligned; 7: elements.
                  for (const auto& [rows, hidden] :
                       {std::pair<std::int64_t, std::int64_t>{3, 16}, {70, 16}, {5, 7}}) {
                    for (const std::int64_t offset : {0, 1}) {
                      for (const bool in_place : {false, true}) {
                        for (const std::int64_t grid : {1, 3, 64}) {
                          SCOPED_TRACE(::testing::Message()
                                       << G::name << " layout " << static_cast<int>(layout) << " ["
                                       << rows << ", " << hidden << "] offset " << offset
                                       << (in_place ? " in place" : "") << " grid " << grid);
                          run_case<G, T>(op, layout, rows, hidden, offset, in_place, grid);
                          if (::testing::Test::HasFatalFailure()) {
                            return;
                          }
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

INSTANTIATE_TEST_SUITE_P(AllDtypes, GatedEmulation, ::testing::ValuesIn(test::kAllDtypes),
                         [](const ::testing::TestParamInfo<Dtype>& info) {
                           return std::string(test::dtype_name(info.param));
                         });

}  // namespace
}  // namespace cuact::detail
