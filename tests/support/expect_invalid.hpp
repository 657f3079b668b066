// Checking that a call is refused with cuact::invalid_argument and an exact message.
#pragma once

#include <cuact/error.hpp>

#include <gtest/gtest.h>

#include <exception>
#include <functional>
#include <string>

namespace cuact::test {

/// Adds a failure unless call() throws cuact::invalid_argument whose what() is `message`.
inline void expect_invalid_argument(const std::function<void()>& call, const std::string& message) {
  try {
    call();
    ADD_FAILURE() << "no exception; expected: " << message;
  } catch (const invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), message);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception type: " << e.what() << "; expected: " << message;
  }
}

}  // namespace cuact::test
