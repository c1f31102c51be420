/// @file
/// @brief Reading one test's result from the sealed records of the result channel.
#pragma once

#include <string>
#include <vector>

#include "harness/result_channel.hpp"
#include "results/verdict.hpp"

namespace grader {

/// The command line that runs exactly @p test of @p executable (a lab's test program
/// written with @p framework, "gtest" or "catch2") under the result channel. The test main
/// adds its canary (a test that must fail) itself, under a name of its own.
std::vector<std::string> sealed_test_command(const std::string& framework,
                                             const std::string& executable,
                                             const std::string& test);

/// @p name as a Catch2 test spec that selects exactly the test case of that name: commas,
/// brackets, quotes, backslashes and a leading '~' escaped with a backslash.
std::string catch2_test_spec(const std::string& name);

/// Reads what the test process sent on its result channel: @p stream (the first bytes,
/// up to the cap) of @p stream_bytes in all. The grader accepts exactly one begin and one
/// result for @p test, then the canary's record, then one end record, each sealed with
/// @p secret in sequence; anything else sets `integrity` to a plain description. Every
/// record is checked against the channel's schema first (its kind, and each field's type,
/// range and size): an authentic record that does not fit is `integrity` too. Never throws,
/// whatever the bytes.
FrameworkResult read_sealed_result(const std::string& stream, std::size_t stream_bytes,
                                   std::size_t cap, const harness::channel::Secret& secret,
                                   const std::string& test) noexcept;

}  // namespace grader
