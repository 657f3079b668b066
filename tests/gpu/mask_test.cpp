// The 1-bit-mask passes (mask.hpp) on the GPU against the CPU reference, for every activation
// with a mask x element type: awkward sizes around the 32-element words and the vectors,
// pointers on and off 16-byte boundaries (vector and element paths), in place, outputs and
// mask poisoned first with guards after them. y and dx must match bit for bit, the mask must
// be exactly the documented layout (bits past n cleared, nothing past the last word written),
// and the backward from the mask must equal the backward from x bit for bit.
#include <cuact/cuact.h>
#include <cuact/mask.hpp>

#include "tests/support/device_buffer.hpp"
#include "tests/support/gpu_environment.hpp"
#include "tests/support/op_cases.hpp"
#include "tests/support/reference.hpp"
#include "tests/support/test_data.hpp"
#include "tests/support/ulp.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

namespace cuact::test {
namespace {

using reference::bits_of;

using Case = std::tuple<OpCase, Dtype>;

/// visit_functor for the ops with a mask (the only ones the cases hold).
template <class C, class Fn>
void visit_mask_functor(const OpCase& c, Fn&& fn) {
  visit_functor<C>(c, [&](const auto& f) {
    if constexpr (has_mask_v<std::decay_t<decltype(f)>>) {
      fn(f);
    } else {
      FAIL() << c.label << " has no mask";
    }
  });
}

constexpr std::int64_t kGuard = 9;
constexpr unsigned char kPoisonByte = 0xFF;

std::vector<std::int64_t> mask_sizes() {
  std::vector<std::int64_t> sizes = {1,
                                     2,
                                     7,
                                     8,
                                     9,
                                     31,
                                     32,
                                     33,
                                     63,
                                     64,
                                     65,
                                     255,
                                     256,
                                     257,
                                     1000,
                                     4099,
                                     (1 << 16) + 17,
                                     (1 << 20) + 3};
  const std::int64_t max_n = test_max_elements();
  sizes.erase(std::remove_if(sizes.begin(), sizes.end(), [&](std::int64_t n) { return n > max_n; }),
              sizes.end());
  return sizes;
}

/// Values around every branch point of the mask ops (0, +-3, 6, +-1), with signed zeros,
/// infinities and NaN.
template <class T>
std::vector<T> branch_values(std::int64_t n, std::uint64_t seed) {
  using C = compute_t<T>;
  const C specials[] = {C(0),
                        C(-0.0),
                        C(6),
                        C(-3),
                        C(3),
                        C(1),
                        C(-1),
                        std::numeric_limits<C>::infinity(),
                        -std::numeric_limits<C>::infinity(),
                        std::numeric_limits<C>::quiet_NaN()};
  std::vector<T> v = random_vector<T>(n, -8.0, 8.0, seed);
  for (std::int64_t i = 3; i < n; i += 13) {
    v[i] = from_compute<T>(specials[(i / 13) % (sizeof specials / sizeof specials[0])]);
  }
  return v;
}

template <class T>
void expect_same_bits(const std::vector<T>& expected, const T* got, const char* what) {
  std::int64_t bad = 0;
  std::int64_t first = -1;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (bits_of(expected[i]) != bits_of(got[i])) {
      first = first < 0 ? static_cast<std::int64_t>(i) : first;
      ++bad;
    }
  }
  EXPECT_EQ(bad, 0) << what << ": " << bad << " of " << expected.size()
                    << " elements differ, the first at " << first;
}

template <class T>
void expect_poisoned(const std::vector<T>& buffer, std::int64_t from, std::int64_t to,
                     const char* what) {
  const auto poison = static_cast<reference::bits_t<T>>(~reference::bits_t<T>(0));
  for (std::int64_t i = from; i < to; ++i) {
    ASSERT_EQ(bits_of(buffer[i]), poison) << what << ": element " << i << " was written";
  }
}

template <class T>
void run_case(const OpCase& op) {
  for (const std::int64_t n : mask_sizes()) {
    // offset 0: the vector path; 1: every T pointer off its 16-byte boundary (element path);
    // shifted: x and y differ in alignment.
    for (const std::int64_t offset : {0, 1}) {
      for (const bool in_place : {false, true}) {
        SCOPED_TRACE(::testing::Message()
                     << "n = " << n << ", offset = " << offset << ", in place = " << in_place);
        const std::uint64_t seed = static_cast<std::uint64_t>(n * 7 + offset);
        const std::vector<T> x = branch_values<T>(n, seed);
        const std::vector<T> dy = random_vector<T>(n, -3.0, 3.0, seed + 1);

        std::vector<T> y_expected(n);
        std::vector<T> dx_expected(n);
        std::vector<T> dx_from_mask(n);
        std::vector<std::uint32_t> mask_expected;
        visit_mask_functor<compute_t<T>>(op, [&](const auto& f) {
          reference::forward(f, x.data(), y_expected.data(), n);
          reference::backward(f, Saved::input, x.data(), dy.data(), dx_expected.data(), n);
          mask_expected = reference::mask(f, x.data(), n);
          reference::backward_from_mask(f, mask_expected.data(), dy.data(), dx_from_mask.data(), n);
        });
        // The mask's backward is the input's, bit for bit, on the CPU already.
        expect_same_bits(dx_expected, dx_from_mask.data(), "CPU backward from the mask");

        const std::int64_t total = offset + n + kGuard;
        const std::int64_t words = mask_words(n);
        TestDeviceBuffer<T> bx(total), by(total), bdy(total);
        TestDeviceBuffer<std::uint32_t> bmask(words + kGuard);
        for (auto* b : {&bx, &by, &bdy}) {
          CUACT_TEST_CUDA(cudaMemset(b->get(), kPoisonByte, total * sizeof(T)));
        }
        CUACT_TEST_CUDA(cudaMemset(bmask.get(), kPoisonByte, (words + kGuard) * 4));
        CUACT_TEST_CUDA(
            cudaMemcpy(bx.get() + offset, x.data(), n * sizeof(T), cudaMemcpyHostToDevice));
        CUACT_TEST_CUDA(
            cudaMemcpy(bdy.get() + offset, dy.data(), n * sizeof(T), cudaMemcpyHostToDevice));

        T* y = in_place ? bx.get() + offset : by.get() + offset;
        T* dx = in_place ? bdy.get() + offset : bx.get() + offset;  // x is no longer needed
        visit_mask_functor<compute_t<T>>(op, [&](const auto& f) {
          forward_with_mask(f, bx.get() + offset, y, bmask.get(), n, nullptr);
        });
        CUACT_TEST_CUDA(cudaDeviceSynchronize());
        const std::vector<T> y_buffer = (in_place ? bx : by).download();
        const std::vector<std::uint32_t> mask_buffer = bmask.download();
        expect_same_bits(y_expected, y_buffer.data() + offset, "y");
        expect_poisoned(y_buffer, offset + n, total, "past y");
        for (std::int64_t w = 0; w < words; ++w) {
          ASSERT_EQ(mask_buffer[w], mask_expected[w]) << "mask word " << w;
        }
        for (std::int64_t w = words; w < words + kGuard; ++w) {
          ASSERT_EQ(mask_buffer[w], 0xFFFFFFFFu) << "mask word " << w << " past the mask";
        }

        visit_mask_functor<compute_t<T>>(op, [&](const auto& f) {
          backward_from_mask(f, bmask.get(), bdy.get() + offset, dx, n, nullptr);
        });
        CUACT_TEST_CUDA(cudaDeviceSynchronize());
        const std::vector<T> dx_buffer = (in_place ? bdy : bx).download();
        expect_same_bits(dx_expected, dx_buffer.data() + offset, "dx");
        expect_poisoned(dx_buffer, offset + n, total, "past dx");
        if (::testing::Test::HasFailure()) {
          return;
        }
      }
    }
  }
}

/// Forward and backward with x and y (dy and dx) at different alignments: the element path.
template <class T>
void run_shifted(const OpCase& op) {
  const std::int64_t n = std::min<std::int64_t>(4099, test_max_elements());
  const std::vector<T> x = branch_values<T>(n, 5);
  const std::vector<T> dy = random_vector<T>(n, -3.0, 3.0, 6);
  std::vector<T> y_expected(n);
  std::vector<T> dx_expected(n);
  visit_mask_functor<compute_t<T>>(op, [&](const auto& f) {
    reference::forward(f, x.data(), y_expected.data(), n);
    reference::backward(f, Saved::input, x.data(), dy.data(), dx_expected.data(), n);
  });
  TestDeviceBuffer<T> bx(n), by(n + 1), bdy(n), bdx(n + 1);
  TestDeviceBuffer<std::uint32_t> bmask(mask_words(n));
  bx.upload(x);
  bdy.upload(dy);
  visit_mask_functor<compute_t<T>>(op, [&](const auto& f) {
    forward_with_mask(f, bx.get(), by.get() + 1, bmask.get(), n, nullptr);
    backward_from_mask(f, bmask.get(), bdy.get(), bdx.get() + 1, n, nullptr);
  });
  CUACT_TEST_CUDA(cudaDeviceSynchronize());
  expect_same_bits(y_expected, by.download().data() + 1, "y");
  expect_same_bits(dx_expected, bdx.download().data() + 1, "dx");
}

class Mask : public GpuTestWithParam<Case> {};

TEST_P(Mask, ForwardWritesYAndTheDocumentedMaskAndBackwardFromItEqualsBackwardFromX) {
  const OpCase op = std::get<0>(GetParam());
  with_dtype(std::get<1>(GetParam()), [&](auto tag) { run_case<decltype(tag)>(op); });
}

TEST_P(Mask, InputsAndOutputsOfDifferentAlignment) {
  const OpCase op = std::get<0>(GetParam());
  with_dtype(std::get<1>(GetParam()), [&](auto tag) { run_shifted<decltype(tag)>(op); });
}

std::vector<Case> mask_cases() {
  std::vector<Case> cases;
  for (const OpCase& op : all_op_cases()) {
    if (has_mask(op)) {
      for (Dtype dtype : kAllDtypes) {
        cases.emplace_back(op, dtype);
      }
    }
  }
  return cases;
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  return std::get<0>(info.param).label + "_" + dtype_name(std::get<1>(info.param));
}

INSTANTIATE_TEST_SUITE_P(MaskOps, Mask, ::testing::ValuesIn(mask_cases()), case_name);

class MaskNamed : public GpuTest {};

TEST_F(MaskNamed, NamedFunctionsPassTheirParameters) {
  const std::int64_t n = 1000;
  const std::vector<float> x = branch_values<float>(n, 9);
  const std::vector<float> dy = random_vector<float>(n, -3.0, 3.0, 10);
  TestDeviceBuffer<float> bx(n), by(n), bdy(n), bdx(n);
  TestDeviceBuffer<std::uint32_t> bmask(mask_words(n));
  bx.upload(x);
  bdy.upload(dy);
  hardtanh_forward_mask(bx.get(), by.get(), bmask.get(), n, -2.0f, 0.5f, nullptr);
  hardtanh_backward_mask(bmask.get(), bdy.get(), bdx.get(), n, -2.0f, 0.5f, nullptr);
  CUACT_TEST_CUDA(cudaDeviceSynchronize());
  const Hardtanh<float> op{-2.0f, 0.5f};
  std::vector<float> y(n);
  std::vector<float> dx(n);
  reference::forward(op, x.data(), y.data(), n);
  reference::backward(op, Saved::input, x.data(), dy.data(), dx.data(), n);
  expect_same_bits(y, by.download().data(), "y");
  expect_same_bits(dx, bdx.download().data(), "dx");
  EXPECT_EQ(bmask.download(), reference::mask(op, x.data(), n));
}

TEST_F(MaskNamed, TheCApiRoundTripsThroughCuactSavedMask) {
  const std::int64_t n = 777;
  const std::vector<__half> x = branch_values<__half>(n, 11);
  const std::vector<__half> dy = random_vector<__half>(n, -3.0, 3.0, 12);
  TestDeviceBuffer<__half> bx(n), by(n), bdy(n), bdx(n);
  TestDeviceBuffer<std::uint32_t> bmask(cuact_mask_words(n));
  bx.upload(x);
  bdy.upload(dy);
  const double slope[] = {-0.25};
  ASSERT_EQ(cuact_activation_forward_mask(CUACT_LEAKY_RELU, slope, 1, CUACT_DTYPE_F16, bx.get(),
                                          by.get(), bmask.get(), n, nullptr),
            CUACT_STATUS_SUCCESS)
      << cuact_last_error();
  ASSERT_EQ(cuact_activation_backward_params(CUACT_LEAKY_RELU, slope, 1, CUACT_SAVED_MASK,
                                             CUACT_DTYPE_F16, bmask.get(), bdy.get(), bdx.get(), n,
                                             nullptr),
            CUACT_STATUS_SUCCESS)
      << cuact_last_error();
  CUACT_TEST_CUDA(cudaDeviceSynchronize());
  const LeakyRelu<float> op{-0.25f};
  std::vector<__half> y(n);
  std::vector<__half> dx(n);
  reference::forward(op, x.data(), y.data(), n);
  reference::backward(op, Saved::input, x.data(), dy.data(), dx.data(), n);
  expect_same_bits(y, by.download().data(), "y");
  expect_same_bits(dx, bdx.download().data(), "dx");
}

}  // namespace
}  // namespace cuact::test
