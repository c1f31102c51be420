/// @file
/// @brief Reading one Catch2 test case's result from the XML file its framework wrote.
#pragma once

#include <string>
#include <vector>

#include "verdict.hpp"

namespace grader {

/// The command line that runs exactly the Catch2 test case @p test of @p executable and
/// writes Catch2's XML report to @p result_file. (GoogleTest labs report over the sealed
/// channel instead: sealed_results.hpp.)
std::vector<std::string> catch2_test_command(const std::string& executable, const std::string& test,
                                             const std::string& result_file);

/// @p name as a Catch2 test spec that selects exactly the test case of that name: commas,
/// brackets, quotes, backslashes and a leading '~' escaped with a backslash.
std::string catch2_test_spec(const std::string& name);

/// Reads the result of @p test from Catch2 v2's XML reporter output (`--reporter xml
/// --out FILE`): failed expressions with their expansion, explicit failures, unexpected
/// exceptions and fatal conditions, each with its file:line and the INFO messages before
/// it. A test case without an OverallResult (cut short) gives `found == false`.
FrameworkResult read_catch2_xml(const std::string& result_file, const std::string& test);

}  // namespace grader
