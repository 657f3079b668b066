// Asserting that two result vectors hold the same bits, element by element (two NaNs count
// as equal), naming the first element that differs.
#pragma once

#include "tests/support/ulp.hpp"

#include <cuact/types.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace cuact::test {

template <class T>
void expect_bitwise(const std::vector<T>& expected, const std::vector<T>& got, const char* what) {
  ASSERT_EQ(expected.size(), got.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(reference::ulp_distance(expected[i], got[i]), 0u)
        << what << "[" << i << "]: expected " << to_compute(expected[i]) << ", got "
        << to_compute(got[i]);
  }
}

}  // namespace cuact::test
