// RReLU's training passes run on the CPU (emulated_cuda.hpp) through the same dispatch as the
// device (cuda/rrelu_dispatch.hpp: the elementwise kernel with RReLU's indexed adapter),
// against the CPU reference, whose slopes come from the tests' own Philox
// (tests/support/philox.hpp, checked against Random123's known answers): so the kernel's
// element-to-random-value map and cuRAND's Philox rounds (their host form here) are both
// checked. The forward and the backward from x and from y; every dtype; counts around the
// vector width; tensors on 16-byte boundaries (the vector path), at the same offset past one
// and at different offsets (the element path: an indexed adapter's vectors start on a
// multiple of the vector); in place; grids of 1, 3 and 64 blocks; a key by value and in
// device memory with an offset delta. Bit for bit, nothing written outside the output.
#include "tests/emulation/emulated_cuda.hpp"

#include "cuda/rrelu_dispatch.hpp"
#include "tests/emulation/emulated_launcher.hpp"
#include "tests/emulation/guarded_buffer.hpp"
#include "tests/support/reference.hpp"
#include "tests/support/test_data.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace cuact::detail {
namespace {

using emulation::EmulatedLauncher;
using emulation::expect_bitwise;
using test::Dtype;

struct Case {
  std::int64_t n;
  std::int64_t offset_in;   // elements past a 16-byte boundary: x (forward) or v and dy
  std::int64_t offset_out;  // y or dx
  bool in_place;
  std::int64_t grid;
  bool device_key;  // the key through a "device" pointer, plus an offset delta of 1
};

template <class T>
void run_case(const Case& c) {
  using C = compute_t<T>;
  const RRelu<C> op{C(0.125), C(0.375)};
  const RReluKey key{0x0123456789abcdefULL, 41};
  const RReluKey stored{key.seed, key.offset - 1};  // what a layer keeps before its forward
  // The key the kernels draw with: `key` both ways.
  const RReluKey* key_device = c.device_key ? &stored : nullptr;
  const RReluKey key_value = c.device_key ? RReluKey{} : key;
  const std::uint64_t delta = c.device_key ? 1 : 0;

  const auto x = test::random_vector<T>(c.n, -4, 4, 71);
  const auto dy = test::random_vector<T>(c.n, -2, 2, 72);
  std::vector<T> y(static_cast<std::size_t>(c.n));
  reference::rrelu_forward<T>(op, key, x.data(), y.data(), c.n);
  const auto at = [](std::int64_t offset) { return static_cast<std::size_t>(offset) * sizeof(T); };

  {  // forward
    emulation::GuardedBuffer<T> xb(c.n, at(c.offset_in)), yb(c.n, at(c.offset_out));
    xb.set(x);
    emulation::GuardedBuffer<T>& written = c.in_place ? xb : yb;
    dispatch_rrelu(EmulatedLauncher{c.grid}, false, op, key_value, key_device, delta, xb.get(),
                   static_cast<const T*>(nullptr), written.get(), c.n);
    expect_bitwise(y, written.values(), "y");
    ASSERT_TRUE(xb.guards_intact() && yb.guards_intact()) << "written outside the output";
  }
  for (const bool from_y : {false, true}) {  // backward, from x and from y
    SCOPED_TRACE(from_y ? "backward from y" : "backward from x");
    const std::vector<T>& v = from_y ? y : x;
    std::vector<T> expected(static_cast<std::size_t>(c.n));
    reference::rrelu_backward<T>(op, key, v.data(), dy.data(), expected.data(), c.n);
    emulation::GuardedBuffer<T> vb(c.n, at(c.offset_in)), dyb(c.n, at(c.offset_in)),
        dxb(c.n, at(c.offset_out));
    vb.set(v);
    dyb.set(dy);
    emulation::GuardedBuffer<T>& written = c.in_place ? dyb : dxb;
    dispatch_rrelu(EmulatedLauncher{c.grid}, true, op, key_value, key_device, delta, vb.get(),
                   dyb.get(), written.get(), c.n);
    expect_bitwise(expected, written.values(), "dx");
    ASSERT_TRUE(vb.guards_intact() && dyb.guards_intact() && dxb.guards_intact())
        << "written outside the output";
  }
}

class RReluEmulation : public ::testing::TestWithParam<Dtype> {};

TEST_P(RReluEmulation, EveryPassDrawsTheReferenceSlopesOnEveryPath) {
  test::with_dtype(GetParam(), [](auto tag) {
    using T = decltype(tag);
    for (const std::int64_t n : {1, 3, 7, 8, 9, 100, 1031, 4100}) {
      for (const auto& [oi, oo] :
           {std::pair<std::int64_t, std::int64_t>{0, 0}, {1, 1}, {3, 3}, {1, 2}, {0, 1}}) {
        for (const bool in_place : {false, true}) {
          if (in_place && oi != oo) {
            continue;  // in place means one tensor, one offset
          }
          for (const std::int64_t grid : {1, 3, 64}) {
            for (const bool device_key : {false, true}) {
              SCOPED_TRACE(::testing::Message() << "n " << n << " offsets " << oi << "/" << oo
                                                << (in_place ? " in place" : "") << " grid " << grid
                                                << (device_key ? " device key" : ""));
              run_case<T>({n, oi, oo, in_place, grid, device_key});
              if (::testing::Test::HasFatalFailure()) {
                return;
              }
            }
          }
        }
      }
    }
  });
}

INSTANTIATE_TEST_SUITE_P(AllDtypes, RReluEmulation, ::testing::ValuesIn(test::kAllDtypes),
                         [](const ::testing::TestParamInfo<Dtype>& info) {
                           return std::string(test::dtype_name(info.param));
                         });

}  // namespace
}  // namespace cuact::detail
