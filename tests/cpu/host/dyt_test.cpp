// DyT on the host: the argument rules decided before the first CUDA call (outputs stay
// untouched), and the workspace, which every backward with gradients needs.
#include <cuact/dyt.hpp>
#include <cuact/error.hpp>

#include "tests/support/expect_invalid.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace cuact {
namespace {

constexpr float kSentinel = 42.0f;

class DytArguments : public ::testing::Test {
 protected:
  ChannelShape shape = ChannelShape::matrix(8, 3);
  std::vector<float> x = std::vector<float>(24, 1.0f);
  std::vector<float> dy = std::vector<float>(24, 1.0f);
  std::vector<float> alpha = std::vector<float>(1, 0.5f);
  std::vector<float> gamma = std::vector<float>(3, 1.0f);
  std::vector<float> beta = std::vector<float>(3, 0.0f);
  std::vector<float> out = std::vector<float>(24, kSentinel);
  std::vector<float> grads = std::vector<float>(7, kSentinel);  // dalpha, dgamma[3], dbeta[3]
  std::vector<unsigned char> workspace = std::vector<unsigned char>(1 << 16);

  void expect_invalid(const std::function<void()>& call, const std::string& message) {
    test::expect_invalid_argument(call, message);
    for (float v : out) {
      ASSERT_EQ(v, kSentinel) << "dx or y was written";
    }
    for (float v : grads) {
      ASSERT_EQ(v, kSentinel) << "a gradient was written";
    }
  }
  void backward(float* dx, float* da, float* dg, float* db, void* ws, std::size_t bytes,
                const float* gamma_ = nullptr) {
    dyt_backward(x.data(), dy.data(), alpha.data(), gamma_ != nullptr ? gamma_ : gamma.data(), dx,
                 da, dg, db, shape, GradMode::overwrite, ws, bytes, nullptr);
  }
};

TEST_F(DytArguments, NullPointersAndPartialGradientsAreRejected) {
  expect_invalid(
      [&] { dyt_forward<float>(x.data(), nullptr, gamma.data(), beta.data(), out.data(), shape,
                               nullptr); },
      "dyt_forward: 'alpha' is null but n = 24");
  expect_invalid(
      [&] { dyt_forward<float>(x.data(), alpha.data(), gamma.data(), nullptr, out.data(), shape,
                               nullptr); },
      "dyt_forward: 'beta' is null but n = 24");
  expect_invalid([&] { backward(out.data(), grads.data(), nullptr, nullptr, nullptr, 0); },
                 "dyt_backward: 'dalpha', 'dgamma' and 'dbeta' must all be null or all be given, "
                 "got dalpha alone");
  expect_invalid([&] { backward(nullptr, nullptr, nullptr, nullptr, nullptr, 0); },
                 "dyt_backward: 'dx', 'dalpha', 'dgamma' and 'dbeta' are all null: nothing to "
                 "compute");
  // Even a tensor whose channels a block sums whole needs the workspace (dalpha's shares).
  expect_invalid(
      [&] { backward(out.data(), grads.data(), grads.data() + 1, grads.data() + 4, nullptr, 0); },
      "dyt_backward: 'workspace' is null but dalpha is requested");
  expect_invalid(
      [&] {
        backward(out.data(), grads.data(), grads.data() + 1, grads.data() + 4, workspace.data(),
                 512);
      },
      "dyt_backward: 'workspace_bytes' = 512 is too small: this call needs at least " +
          std::to_string(dyt_backward_workspace_size<float>(shape)) +
          " bytes (see dyt_backward_workspace_size)");
}

TEST_F(DytArguments, OverlapsAreRejected) {
  expect_invalid(
      [&] {
        backward(out.data(), grads.data(), grads.data() + 1, grads.data() + 3, workspace.data(),
                 workspace.size());
      },
      "dyt_backward: 'dgamma' overlaps 'dbeta' (they must be separate buffers)");
  expect_invalid(
      [&] {
        backward(out.data(), grads.data(), grads.data() + 1, grads.data() + 4, workspace.data(),
                 workspace.size(), grads.data() + 4);
      },
      "dyt_backward: 'dbeta' overlaps 'gamma' (they must be separate buffers)");
}

TEST(DytWorkspace, ThePlansPartialsPlusOneValuePerChannel) {
  EXPECT_EQ(dyt_backward_workspace_size<float>(ChannelShape{0, 4, 4}), 0u);
  const ChannelShape small = ChannelShape::matrix(8, 3);
  // A direct plan's lower bound (512 bytes for 3 terms of 3 channels), the scratch of 3
  // floats and its alignment slack.
  EXPECT_EQ(dyt_backward_workspace_size<float>(small), 512u + 3 * 4 + 4);
  EXPECT_EQ(dyt_backward_workspace_size<double>(small), 512u + 3 * 8 + 8);
  EXPECT_THROW(dyt_backward_workspace_size<float>(ChannelShape{1, 0, 1}), invalid_argument);
}

}  // namespace
}  // namespace cuact
