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
                                             const std::string& executable,
                                             const std::string& test,
                                             const std::string& result_file);

/// Reads the result of @p test from GoogleTest's JSON output (`--gtest_output=json:`).
/// A missing or malformed file gives `found == false`.
FrameworkResult read_gtest_json(const std::string& result_file, const std::string& test);

/// Reads the result of @p test from Catch2 v2's XML reporter output.
FrameworkResult read_catch2_xml(const std::string& result_file, const std::string& test);

/// Reads the result file of either framework.
FrameworkResult read_framework_result(const std::string& framework,
                                      const std::string& result_file, const std::string& test);

}  // namespace grader
