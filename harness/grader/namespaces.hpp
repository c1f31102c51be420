/// @file
/// @brief The pieces of a test's namespace sandbox: its filesystem view, its user ids,
/// its capabilities and its process cap.
///
/// Everything marked async-signal-safe runs in a child cloned from the grader, before
/// exec, where only system calls are safe (no allocation, no locks, no exceptions).
#pragma once

#include <sys/types.h>

#include <string>

namespace grader::ns {

/// The user and group a test runs as when the grader is root and the test program is
/// readable by it: `nobody`.
inline constexpr uid_t kNobody = 65534;

/// The flags that give a child new user, PID and mount namespaces.
int clone_flags() noexcept;

/// Writes the user and group id maps of @p child (just cloned into a new user namespace)
/// from the parent: for root, `0 0 1` and `65534 65534 1` (so the sandbox's init is root
/// inside, and the test can become nobody); otherwise the caller's own ids, mapped to
/// themselves. @returns an empty string, or what failed (with errno's text).
std::string write_id_maps(pid_t child, bool root);

/// In a new mount namespace: makes every mount private and read-only, then mounts a fresh
/// /proc (with /proc/sys and /proc/sysrq-trigger read-only), a private /tmp and /dev/shm
/// (tmpfs), puts @p workdir back writable at its path, and @p keep_read_only (a folder,
/// or nullptr), read-only. Async-signal-safe.
/// @returns nullptr on success, else the name of the step that failed (errno is set).
const char* set_up_filesystem(const char* workdir, const char* keep_read_only) noexcept;

/// Lowers the PID namespace's pid_max (kernel.pid_max is per PID namespace from Linux
/// 6.14) so that at most @p max processes and threads can exist in it at once.
/// Async-signal-safe. @returns true when the cap is in place.
bool cap_processes(int max) noexcept;

/// The last PID handed out in the caller's PID namespace (/proc/sys/kernel/ns_last_pid),
/// which, in a fresh namespace, counts the processes and threads ever started in it.
/// Async-signal-safe. @returns -1 when unreadable.
int last_pid() noexcept;

/// Makes losing capabilities final (call it while still holding them): empties the
/// bounding set and the ambient set and locks the secure bits so that exec cannot give
/// root its capabilities back. Async-signal-safe.
void lock_capabilities() noexcept;

/// Clears the permitted, effective and inheritable capability sets. Async-signal-safe.
void drop_capabilities() noexcept;

}  // namespace grader::ns
