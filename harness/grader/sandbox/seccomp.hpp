/// @file
/// @brief A seccomp filter that keeps a test's signals, tracing and memory access away
/// from every process but its own.
#pragma once

#include <sys/types.h>

#include <vector>

namespace grader {

/// The processes a test must not reach, as a signal's target names them: a PID, or a
/// process group as its negated id. At most kMaxTargets of them.
struct ProtectedTargets {
    static constexpr int kMaxTargets = 24;
    pid_t targets[kMaxTargets] = {};
    int count = 0;
};

/// The targets that protect @p grader when no PID namespace hides it: the grader, its
/// parent, its process group and its session (both as a PID and as a group), then
/// @p threads: the ids of the grader's and its parent's other threads, since a signal sent
/// to a thread's id reaches its whole process (`grader batch` grades from worker threads).
/// Those past kMaxTargets are left out.
ProtectedTargets grader_targets(pid_t grader, pid_t parent, pid_t group, pid_t session,
                                const std::vector<pid_t>& threads = {}) noexcept;

/// Installs, on the calling process and everything it will start, a seccomp filter under
/// which these fail with EPERM:
///  - always: kill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo and pidfd_open aimed at pid
///    -1 or at one of @p guarded's targets; and, whatever their target, tkill (obsolete:
///    raise() and pthread_kill() use tgkill), ptrace, process_vm_readv, process_vm_writev,
///    pidfd_getfd and kcmp (no lab traces or inspects another process);
///  - when @p guarded has targets (no PID namespace): fcntl F_SETOWN aimed at one of them,
///    and, whatever their target, F_SETOWN_EX, ioctl FIOSETOWN and SIOCSPGRP (their
///    target is behind a pointer) and pidfd_send_signal (a pidfd can be an open
///    /proc/PID directory, which no filter can tell from a child's).
/// The filter also refuses every system call of another architecture's ABI (x32,
/// int 0x80). On architectures other than x86_64 and aarch64 it installs nothing.
/// Sets no_new_privs. Async-signal-safe: meant for a forked child just before exec.
/// @returns true when the filter is in place.
bool install_kill_filter(const ProtectedTargets& guarded) noexcept;

}  // namespace grader
