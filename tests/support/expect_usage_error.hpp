#pragma once
// Checks that a call is refused as bad usage (exit 2) with exactly the message the user reads.
#include <gtest/gtest.h>

#include <string>

#include "host/util/errors.hpp"

namespace coopgrid::test {

/// Calls fn(); it must throw usage_error whose message is `message`.
template <class Fn>
void expect_usage_error(Fn&& fn, const std::string& message) {
  try {
    fn();
    ADD_FAILURE() << "no usage_error; expected: " << message;
  } catch (const usage_error& e) {
    EXPECT_EQ(std::string(e.what()), message);
  }
}

/// opt.validate() must throw usage_error with `message`.
template <class Options>
void expect_refused(const Options& opt, const std::string& message) {
  expect_usage_error([&] { opt.validate(); }, message);
}

}  // namespace coopgrid::test
