/// @file
/// @brief Setting up the grader's own protections before any test runs.
#pragma once

#include <string>
#include <vector>

#include "sandbox/sandbox.hpp"
#include "sandbox/view.hpp"

namespace grader {

/// Makes the grader a subreaper and fills in the per-test limits that suit this machine
/// and this user: namespaces when a probe shows they work (else the fallback: nobody for
/// root, RLIMIT_NPROC), what student code may not see (student_view() of @p layout), a
/// cgroup v2 per test when one can be made, the seccomp kill filter when it loads, the
/// process caps. @returns each protection now active, in words, for the report.
std::vector<std::string> apply_protections(Limits& limits, const CourseLayout& layout = {});

/// The limits of one compile of student code (sandboxed-compile): namespaces when they
/// work, nobody (never root) when the grader is root, 2 GiB of address space, 64
/// processes, the seccomp filter, @p seconds at most.
Limits compile_limits(double seconds);

/// Makes the calling process (the grader) not dumpable, so that no test, even of the same
/// user, can ptrace it, read or write its memory or open its descriptors through /proc.
/// @throws std::system_error naming `prctl`.
void refuse_tracing();

/// Why unprivileged user namespaces are turned off here, read from the settings under
/// @p proc_sys that turn them off (user.max_user_namespaces,
/// kernel.apparmor_restrict_unprivileged_userns, kernel.unprivileged_userns_clone), with
/// how to turn them on; "" when none of them is set (or they spare the caller: @p root).
std::string userns_restriction(bool root, const std::string& proc_sys = "/proc/sys");

/// Whether a test can run in new user+PID+mount namespaces here (a real run of
/// /bin/true under the full sandbox). @p why_not says what failed otherwise.
bool namespaces_work(std::string& why_not);

/// Whether the seccomp kill filter loads here (checked in a child).
bool seccomp_works();

}  // namespace grader
