// cuact::GrowOnlyBuffer (device_buffer.hpp), the layers' masks and workspaces, on the
// stand-in runtime: it allocates only to grow, keeps what it outgrew until it goes, refuses
// to grow during a graph capture, and is unchanged by a refusal.
#include <cuact/device_buffer.hpp>

#include "tests/host_calls/runtime_stand_ins.hpp"

#include <gtest/gtest.h>

#include <string>

namespace cuact {
namespace {

using namespace stand_in;

TEST(GrowOnlyBuffer, GrowsOnlyKeepsWhatItOutgrewAndRefusesToGrowDuringCapture) {
  const auto refusal = [] { return std::string("the scratch would have to grow"); };
  clear_calls();
  {
    GrowOnlyBuffer<float> b;
    EXPECT_EQ(b.size(), 0u);
    b.grow("f", 10, nullptr, refusal);
    EXPECT_EQ(b.size(), 10u);
    EXPECT_EQ(counts[kMallocAsync], 1);
    b.grow("f", 4, nullptr, refusal);  // fits: nothing allocated, nothing asked
    b.grow("f", 10, nullptr, refusal);
    EXPECT_EQ(counts[kMallocAsync], 1);
    EXPECT_EQ(counts[kStreamIsCapturing], 1);
    b.grow("f", 25, nullptr, refusal);
    EXPECT_EQ(b.size(), 25u);
    EXPECT_EQ(b.retired(), 1u);
    EXPECT_EQ(counts[kMallocAsync], 2);
    EXPECT_EQ(counts[kFreeAsync], 0) << "outgrown memory may still be in use: kept";

    capturing = true;
    b.grow("f", 25, nullptr, refusal);  // fits: allowed during capture
    try {
      b.grow("layer::forward", 26, nullptr, refusal);
      ADD_FAILURE() << "grew during capture";
    } catch (const invalid_argument& e) {
      EXPECT_STREQ(e.what(), "layer::forward: the scratch would have to grow");
    }
    capturing = false;
    EXPECT_EQ(b.size(), 25u);
    EXPECT_EQ(b.retired(), 1u);
    EXPECT_EQ(counts[kMallocAsync], 2);
  }
  EXPECT_EQ(counts[kFreeAsync], 2) << "the current and the outgrown memory, freed at the end";
}

TEST(GrowOnlyBuffer, ACountWhoseBytesOverflowIsRefused) {
  GrowOnlyBuffer<double> b;
  try {
    b.grow("f", SIZE_MAX / 4, nullptr, [] { return std::string(); });
    ADD_FAILURE() << "allocated";
  } catch (const invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "DeviceBuffer: 'count' = " + std::to_string(SIZE_MAX / 4) +
                                         " elements of 8 bytes overflow a 64-bit byte count");
  }
  EXPECT_EQ(b.size(), 0u);
}

}  // namespace
}  // namespace cuact
