/// @file
/// @brief Setting up the grader's own protections before any test runs.
#pragma once

#include <string>
#include <vector>

#include "sandbox.hpp"

namespace grader {

/// Makes the grader a subreaper and fills in the per-test limits that suit this user
/// (an ordinary user gets RLIMIT_NPROC; root, for whom the kernel ignores it, does not).
/// @returns each protection now active, in words, for the report.
std::vector<std::string> apply_protections(Limits& limits);

}  // namespace grader
