// The per-device cache behind SM counts, occupancy and pageable-access queries.
#include "cuda/detail/per_device.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace cuact::detail {
namespace {

TEST(PerDeviceValue, ComputesOncePerDeviceAndKeepsZeroAsAValue) {
  PerDeviceValue cache;
  int calls = 0;
  EXPECT_EQ(cache.get(0,
                      [&] {
                        ++calls;
                        return 0;
                      }),
            0);
  EXPECT_EQ(cache.get(0,
                      [&] {
                        ++calls;
                        return 7;
                      }),
            0);  // cached, even though it is 0
  EXPECT_EQ(cache.get(3,
                      [&] {
                        ++calls;
                        return 132;
                      }),
            132);
  EXPECT_EQ(cache.get(3,
                      [&] {
                        ++calls;
                        return 1;
                      }),
            132);
  EXPECT_EQ(calls, 2);
}

TEST(PerDeviceValue, OrdinalsPastTheTableAreComputedEveryTime) {
  PerDeviceValue cache;
  int calls = 0;
  const int past = PerDeviceValue::kMaxDevices;
  EXPECT_EQ(cache.get(past, [&] { return ++calls; }), 1);
  EXPECT_EQ(cache.get(past, [&] { return ++calls; }), 2);
  EXPECT_EQ(cache.get(-1, [&] { return ++calls; }), 3);
}

TEST(PerDeviceValue, ManyThreadsReadingAtOnceAllSeeTheSameValue) {
  static PerDeviceValue cache;  // as in the library: a function-local static
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        if (cache.get(i % 4, [&] { return 100 + i % 4; }) != 100 + i % 4) {
          ++wrong;
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace cuact::detail
