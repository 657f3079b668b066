// Every elementwise op x element type x direction on the GPU against the CPU reference:
// awkward sizes, pointers offset from 16-byte alignment, in place, outputs poisoned first
// (every element must be written) with guard elements around them (nothing else may be),
// and two streams at once, for every activation of the registry (op_cases.hpp). Ops of
// accuracy class kBitwise must match bit for bit, the others within their class
// (reference::gpu_tolerance_ulp).
#include <cuact/activations.hpp>

#include "tests/support/reference.hpp"
#include "tests/support/ulp.hpp"
#include "tests/support/device_buffer.hpp"
#include "tests/support/gpu_environment.hpp"
#include "tests/support/op_cases.hpp"
#include "tests/support/test_data.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <ostream>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace cuact::test {
namespace {

using reference::bits_of;
using reference::bits_t;
using reference::ulp_distance;

enum class Direction { forward, backward_from_input, backward_from_output };
// How the output buffer relates to the inputs. separate_shifted puts the output one element
// further than the inputs, so the pointers differ in misalignment (the scalar path); in the
// other cases they share it (the vector path, with a peeled head when offset > 0).
enum class Aliasing { separate, separate_shifted, out_is_first_input, out_is_second_input };

using Case = std::tuple<OpCase, Dtype, Direction>;

const char* const kDirectionNames[] = {"forward", "backward_from_input", "backward_from_output"};

// Readable parameters in gtest's output (instead of raw bytes).
void PrintTo(Direction d, std::ostream* os) { *os << kDirectionNames[static_cast<int>(d)]; }

constexpr std::int64_t kGuard = 9;           // untouchable elements after the output
constexpr unsigned char kPoisonByte = 0xFF;  // all-ones: a NaN in every element type

std::vector<std::int64_t> test_sizes() {
  std::vector<std::int64_t> sizes = {0, 1, 2, 3, 7, 8, 9, 31, 33, 1000, 4099, (1 << 20) + 3};
  const std::int64_t max_n = test_max_elements();
  sizes.erase(std::remove_if(sizes.begin(), sizes.end(), [&](std::int64_t n) { return n > max_n; }),
              sizes.end());
  return sizes;
}

/// Random values in [lo, hi], with spec edge values (0, -0, 6, +-inf, NaN, a subnormal)
/// sprinkled every 101 elements.
template <class T>
std::vector<T> random_values(std::int64_t n, double lo, double hi, std::uint64_t seed) {
  using C = compute_t<T>;
  const C specials[] = {
      C(0),
      C(-0.0),
      C(6),
      std::numeric_limits<C>::infinity(),
      -std::numeric_limits<C>::infinity(),
      std::numeric_limits<C>::quiet_NaN(),
      to_compute(from_compute<T>(std::is_same_v<T, double> ? C(1e-310) : C(1e-39))),
      C(-1e-6)};
  std::vector<T> v = random_vector<T>(n, lo, hi, seed);
  for (std::int64_t i = 50; i < n; i += 101) {
    v[i] = from_compute<T>(specials[(i / 101) % (sizeof specials / sizeof specials[0])]);
  }
  return v;
}

/// Fails with the first few differences when `got` is not within the op's tolerance of
/// `expected` (reference::gpu_close; dy: the gradient's incoming values, empty forward).
template <class T>
void expect_close(const std::vector<T>& expected, const T* got, const Accuracy& accuracy,
                  bool backward, Saved saved, const std::vector<T>& in0,
                  const std::vector<T>& dy) {
  std::int64_t bad = 0;
  std::ostringstream first;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const double dyi = dy.empty() ? 0.0 : static_cast<double>(to_compute(dy[i]));
    if (!reference::gpu_close(expected[i], got[i], accuracy, backward, saved, dyi)) {
      if (bad < 5) {
        first << "\n  [" << i << "] input " << to_compute(in0[i]) << ": expected "
              << to_compute(expected[i]) << ", got " << to_compute(got[i]) << " ("
              << ulp_distance(expected[i], got[i]) << " ulp)";
      }
      ++bad;
    }
  }
  EXPECT_EQ(bad, 0) << bad << " of " << expected.size() << " elements beyond tolerance"
                    << first.str();
}

template <class T>
void run_case(const OpCase& op, Direction direction) {
  const Saved saved = direction == Direction::backward_from_output ? Saved::output : Saved::input;
  const std::vector<Aliasing> aliasings =
      direction == Direction::forward
          ? std::vector<Aliasing>{Aliasing::separate, Aliasing::separate_shifted,
                                  Aliasing::out_is_first_input}
          : std::vector<Aliasing>{Aliasing::separate, Aliasing::separate_shifted,
                                  Aliasing::out_is_first_input, Aliasing::out_is_second_input};

  for (const std::int64_t n : test_sizes()) {
    for (const std::int64_t offset : {0, 1, 2, 3}) {
      for (const Aliasing aliasing : aliasings) {
        SCOPED_TRACE(::testing::Message() << "n = " << n << ", offset = " << offset
                                          << ", aliasing = " << static_cast<int>(aliasing));
        const std::uint64_t seed = static_cast<std::uint64_t>(n * 31 + offset);
        // The saved tensor: x itself, or y = f(x) computed by the reference.
        std::vector<T> in0 = random_values<T>(n, -8.0, 8.0, seed);
        if (saved == Saved::output) {
          visit_functor<compute_t<T>>(
              op, [&](const auto& f) { reference::forward(f, in0.data(), in0.data(), n); });
        }
        const std::vector<T> in1 = random_values<T>(n, -3.0, 3.0, seed + 7);

        std::vector<T> expected(static_cast<std::size_t>(n));
        visit_functor<compute_t<T>>(op, [&](const auto& f) {
          if (direction == Direction::forward) {
            reference::forward(f, in0.data(), expected.data(), n);
          } else {
            reference::backward(f, saved, in0.data(), in1.data(), expected.data(), n);
          }
        });

        // Each buffer: `offset` (or out_offset) leading elements, n data elements, guard
        // elements after them, all poisoned before the inputs are written.
        const std::int64_t out_offset = offset + (aliasing == Aliasing::separate_shifted ? 1 : 0);
        const std::int64_t total = offset + 1 + n + kGuard;
        TestDeviceBuffer<T> b0(total), b1(total), b_out(total);
        for (auto* b : {&b0, &b1, &b_out}) {
          CUACT_TEST_CUDA(cudaMemset(b->get(), kPoisonByte, total * sizeof(T)));
        }
        CUACT_TEST_CUDA(
            cudaMemcpy(b0.get() + offset, in0.data(), n * sizeof(T), cudaMemcpyHostToDevice));
        CUACT_TEST_CUDA(
            cudaMemcpy(b1.get() + offset, in1.data(), n * sizeof(T), cudaMemcpyHostToDevice));
        T* out = aliasing == Aliasing::out_is_first_input    ? b0.get()
                 : aliasing == Aliasing::out_is_second_input ? b1.get()
                                                             : b_out.get();

        if (direction == Direction::forward) {
          call_forward<T>(op, b0.get() + offset, out + out_offset, n, nullptr);
        } else {
          call_backward<T>(op, saved, b0.get() + offset, b1.get() + offset, out + out_offset, n,
                           nullptr);
        }
        CUACT_TEST_CUDA(cudaDeviceSynchronize());

        std::vector<T> result(static_cast<std::size_t>(total));
        CUACT_TEST_CUDA(cudaMemcpy(result.data(), out, total * sizeof(T), cudaMemcpyDeviceToHost));
        expect_close(expected, result.data() + out_offset, accuracy_of(op),
                     direction != Direction::forward, saved, in0,
                     direction == Direction::forward ? std::vector<T>() : in1);
        for (std::int64_t i = 0; i < out_offset; ++i) {
          ASSERT_EQ(bits_of(result[i]), static_cast<bits_t<T>>(~bits_t<T>(0)))
              << "element " << i << " before the output was written";
        }
        for (std::int64_t i = out_offset + n; i < total; ++i) {
          ASSERT_EQ(bits_of(result[i]), static_cast<bits_t<T>>(~bits_t<T>(0)))
              << "guard element " << i - out_offset - n << " past the output was written";
        }
        if (::testing::Test::HasFailure()) {
          return;  // one failing configuration says enough
        }
      }
    }
  }
}

class Elementwise : public GpuTestWithParam<Case> {};

TEST_P(Elementwise, MatchesTheCpuReferenceForEverySizeOffsetAndAliasing) {
  // Named copies: C++17 lambdas cannot capture structured bindings.
  const OpCase op = std::get<0>(GetParam());
  const Direction direction = std::get<2>(GetParam());
  with_dtype(std::get<1>(GetParam()), [&](auto tag) { run_case<decltype(tag)>(op, direction); });
}

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (const OpCase& op : all_op_cases()) {
    for (Dtype dtype : kAllDtypes) {
      cases.emplace_back(op, dtype, Direction::forward);
      cases.emplace_back(op, dtype, Direction::backward_from_input);
      if (allows_grad_from_output(op)) {
        cases.emplace_back(op, dtype, Direction::backward_from_output);
      }
    }
  }
  return cases;
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  const auto& [op, dtype, direction] = info.param;
  return std::string(op.label) + "_" + dtype_name(dtype) + "_" +
         kDirectionNames[static_cast<int>(direction)];
}

INSTANTIATE_TEST_SUITE_P(AllOps, Elementwise, ::testing::ValuesIn(all_cases()), case_name);

class ElementwiseStreams : public GpuTest {};

TEST_F(ElementwiseStreams, TwoStreamsRunningDifferentOpsAtOnceBothGetTheirOwnResults) {
  const std::int64_t n = std::min<std::int64_t>((1 << 22) + 5, test_max_elements());
  const std::vector<float> xa = random_values<float>(n, -8, 8, 1);
  const std::vector<__half> xb = random_values<__half>(n, -8, 8, 2);
  const std::vector<__half> dyb = random_values<__half>(n, -3, 3, 3);
  TestDeviceBuffer<float> da(n), ya(n);
  TestDeviceBuffer<__half> db(n), dyd(n), dxb(n);
  da.upload(xa);
  db.upload(xb);
  dyd.upload(dyb);

  cudaStream_t s1 = nullptr;
  cudaStream_t s2 = nullptr;
  CUACT_TEST_CUDA(cudaStreamCreateWithFlags(&s1, cudaStreamNonBlocking));
  CUACT_TEST_CUDA(cudaStreamCreateWithFlags(&s2, cudaStreamNonBlocking));
  for (int repeat = 0; repeat < 3; ++repeat) {
    relu6_forward(da.get(), ya.get(), n, s1);
    elu_backward(db.get(), dyd.get(), dxb.get(), n, 0.5f, Saved::input, s2);
  }
  CUACT_TEST_CUDA(cudaStreamSynchronize(s1));
  CUACT_TEST_CUDA(cudaStreamSynchronize(s2));
  CUACT_TEST_CUDA(cudaStreamDestroy(s1));
  CUACT_TEST_CUDA(cudaStreamDestroy(s2));

  std::vector<float> expected_a(n);
  std::vector<__half> expected_b(n);
  reference::forward(Relu6<float>{}, xa.data(), expected_a.data(), n);
  reference::backward(Elu<float>::elu(0.5f), Saved::input, xb.data(), dyb.data(), expected_b.data(),
                      n);
  expect_close(expected_a, ya.download().data(), Relu6<float>::accuracy, false, Saved::input, xa,
               {});
  expect_close(expected_b, dxb.download().data(), Elu<float>::accuracy, true, Saved::input, xb,
               dyb);
}

}  // namespace
}  // namespace cuact::test
