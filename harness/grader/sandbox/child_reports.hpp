/// @file
/// @brief Decoding what the sandbox's child wrote on its report pipe (ChildReport records,
/// sandbox_child.hpp): the grader's side, which allocates and may be fuzzed alone.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "sandbox/sandbox_child.hpp"

namespace grader::child {

/// The most report bytes the grader reads: a failed step, or the init's account, comes
/// once per process; more is not the child's doing.
inline constexpr std::size_t kMaxReportBytes = 64 * sizeof(ChildReport);

/// What the report pipe said.
struct ChildReports {
    bool ended = false;   ///< The init's account of how the test ended arrived.
    int status = 0;       ///< The test's wait status (the last account's).
    int leftovers = 0;    ///< Processes killed at the end, over every account.
    int last_pid = -1;    ///< The namespace's last PID (the last account's).
    bool failed = false;  ///< A step failed, or the bytes are not reports.
    std::string failure;  ///< When failed: "cannot STEP (PATH): ERRNO" for the first failed
                          ///< step, or why the bytes are not reports ("" if out of memory).
};

/// Decodes @p bytes as whole ChildReports, in order. A report is checked before it is
/// used: its texts end within their arrays and are printable, its errno, wait status and
/// counts are in range; a failed step stops the decoding (the first one wins). Bytes
/// that are not whole, valid reports set `failure` to say so. Never throws.
ChildReports decode_child_reports(std::string_view bytes) noexcept;

}  // namespace grader::child
