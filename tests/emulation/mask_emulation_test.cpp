// The 1-bit-mask kernels themselves, run on the CPU (emulated_cuda.hpp, with full-warp
// shuffles and ballots) through the same dispatch as the device (cuda/mask_dispatch.hpp),
// against the CPU reference: the forward's y bit for bit and its mask word for word as
// mask.hpp documents it (bit i % 32 of word i / 32 is op.mask_bit(x[i]), bits past n clear),
// the backward from the mask bit for bit equal to the backward from x; vector and element
// paths, read-only and in place, every dtype, counts around words and vectors, grids of 1, 3
// and 64 blocks; nothing written outside y, dx and the mask.
#include "tests/emulation/emulated_cuda.hpp"

#include "cuda/mask_dispatch.hpp"
#include "tests/emulation/emulated_launcher.hpp"
#include "tests/emulation/guarded_buffer.hpp"
#include "tests/support/reference.hpp"
#include "tests/support/test_data.hpp"
#include "tests/support/ulp.hpp"

#include <cuact/mask.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace cuact::detail {
namespace {

using test::Dtype;

using emulation::EmulatedLauncher;
using emulation::expect_bitwise;
template <class V>
using Guarded = emulation::GuardedBuffer<V>;

/// Forward with a mask and backward from it, x and the outputs `offset` bytes past a
/// 16-byte boundary (a multiple of sizeof(T); 0 takes the vector path), in place or not.
template <class Op, class T>
void run_case(const Op& op, std::int64_t n, std::size_t offset, bool in_place, std::int64_t grid) {
  const auto x = test::random_vector<T>(n, -3, 3, 21);
  const auto dy = test::random_vector<T>(n, -2, 2, 22);
  std::vector<T> y_ref(static_cast<std::size_t>(n));
  std::vector<T> dx_ref(static_cast<std::size_t>(n));
  reference::forward(op, x.data(), y_ref.data(), n);
  reference::backward(op, Saved::input, x.data(), dy.data(), dx_ref.data(), n);
  std::vector<std::uint32_t> mask_ref(static_cast<std::size_t>(mask_words(n)), 0u);
  for (std::int64_t i = 0; i < n; ++i) {
    if (op.mask_bit(to_compute(x[static_cast<std::size_t>(i)]))) {
      mask_ref[static_cast<std::size_t>(i / 32)] |= 1u << (i % 32);
    }
  }

  Guarded<T> in(n, offset);
  Guarded<T> out_separate(n, offset);
  Guarded<std::uint32_t> mask(mask_words(n), 0);
  in.set(x);
  T* out = in_place ? in.get() : out_separate.get();
  dispatch_masked(EmulatedLauncher{grid}, "test", false, op, in.get(), mask.get(), out, n);
  expect_bitwise(y_ref, in_place ? in.values() : out_separate.values(), "y");
  const auto words = mask.values();
  for (std::size_t w = 0; w < words.size(); ++w) {
    ASSERT_EQ(words[w], mask_ref[w]) << "mask word " << w;
  }
  ASSERT_TRUE(in.guards_intact() && out_separate.guards_intact() && mask.guards_intact())
      << "forward: written outside y or the mask";

  Guarded<T> g(n, offset);
  Guarded<T> dx_separate(n, offset);
  g.set(dy);
  T* dx = in_place ? g.get() : dx_separate.get();
  dispatch_masked(EmulatedLauncher{grid}, "test", true, op, g.get(), mask.get(), dx, n);
  expect_bitwise(dx_ref, in_place ? g.values() : dx_separate.values(), "dx from the mask");
  ASSERT_TRUE(g.guards_intact() && dx_separate.guards_intact()) << "backward: written outside dx";
}

class MaskEmulation : public ::testing::TestWithParam<Dtype> {};

TEST_P(MaskEmulation, ForwardAndBackwardMatchTheReferenceOnEveryPath) {
  test::with_dtype(GetParam(), [](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    const auto ops = std::make_tuple(Relu<C>{}, LeakyRelu<C>{C(-0.2)}, Hardtanh<C>{});
    std::apply(
        [&](const auto&... op) {
          (
              [&] {
                for (const std::int64_t n : {1, 7, 31, 32, 33, 255, 256, 257, 1000, 8193}) {
                  for (const std::size_t offset : {std::size_t{0}, sizeof(T)}) {
                    for (const bool in_place : {false, true}) {
                      for (const std::int64_t grid : {1, 3, 64}) {
                        SCOPED_TRACE(::testing::Message()
                                     << op.name << " n " << n << " offset " << offset
                                     << (in_place ? " in place" : "") << " grid " << grid);
                        run_case<std::decay_t<decltype(op)>, T>(op, n, offset, in_place, grid);
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

INSTANTIATE_TEST_SUITE_P(AllDtypes, MaskEmulation, ::testing::ValuesIn(test::kAllDtypes),
                         [](const ::testing::TestParamInfo<Dtype>& info) {
                           return std::string(test::dtype_name(info.param));
                         });

}  // namespace
}  // namespace cuact::detail
