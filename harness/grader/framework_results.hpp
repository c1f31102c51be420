/// @file
/// @brief Reading one test's result from the file its framework wrote.
#pragma once

#include <string>
#include <vector>

#include "verdict.hpp"

namespace grader {

/// The command line that runs exactly @p test of @p executable and writes its result to
/// @p result_file, for the lab's framework ("gtest" or "catch2").
std::vector<std::string> single_test_command(const std::string& framework,
                                             const std::string& executable, const std::string& test,
                                             const std::string& result_file);

/// @p name as a Catch2 test spec that selects exactly the test case of that name: commas,
/// brackets, quotes, backslashes and a leading '~' escaped with a backslash.
std::string catch2_test_spec(const std::string& name);

/// Reads the result of @p test from GoogleTest's JSON output (`--gtest_output=json:`).
/// A missing or malformed file gives `found == false`.
FrameworkResult read_gtest_json(const std::string& result_file, const std::string& test);

/// Reads the result of @p test from Catch2 v2's XML reporter output (`--reporter xml
/// --out FILE`): failed expressions with their expansion, explicit failures, unexpected
/// exceptions and fatal conditions, each with its file:line and the INFO messages before
/// it. A test case without an OverallResult (cut short) gives `found == false`.
FrameworkResult read_catch2_xml(const std::string& result_file, const std::string& test);

/// Reads the result file of either framework.
FrameworkResult read_framework_result(const std::string& framework, const std::string& result_file,
                                      const std::string& test);

}  // namespace grader
