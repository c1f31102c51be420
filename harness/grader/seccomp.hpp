/// @file
/// @brief A seccomp filter that keeps a test's signals away from everyone else.
#pragma once

#include <sys/types.h>

namespace grader {

/// Installs, on the calling process and everything it will start, a seccomp filter under
/// which kill(), tkill() and tgkill() fail with EPERM when aimed at pid -1 ("every
/// process I may signal"), and also, when @p protected_pid > 0, at that process or its
/// process group @p protected_pgid (the grader, when no PID namespace hides it). On
/// architectures other than x86_64 and aarch64 it installs nothing. Sets no_new_privs.
/// Async-signal-safe: meant for a forked child just before exec.
/// @returns true when the filter is in place.
bool install_kill_filter(pid_t protected_pid, pid_t protected_pgid) noexcept;

}  // namespace grader
