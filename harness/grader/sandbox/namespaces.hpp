/// @file
/// @brief The pieces of a test's namespace sandbox: its filesystem view, its network,
/// its user ids, its capabilities and its process cap.
///
/// Everything marked async-signal-safe runs in a child cloned from the grader, before
/// exec, where only system calls are safe (no allocation, no locks, no exceptions). Those
/// that can fail say which step failed and leave errno set, for the grader's report.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>

namespace grader::ns {

/// The user and group a test runs as when the grader is root and the test program is
/// readable by it: `nobody`.
inline constexpr uid_t kNobody = 65534;

/// The flags that give a child new user, PID, mount, IPC, network and UTS namespaces.
int clone_flags() noexcept;

/// A step of the sandbox's setup that failed (errno says why), or none.
struct SetupFailure {
    const char* step = nullptr;  ///< What failed, in words ("mount /proc"); nullptr: nothing.
    const char* path = nullptr;  ///< The path it failed on, when there is one.
    explicit operator bool() const noexcept { return step != nullptr; }
};

/// One step of a filesystem view (view.hpp's ViewStep), prepared for the child.
struct MountStep {
    enum Kind : int { hide, show, show_writable, folder };
    Kind kind = hide;
    const char* path = nullptr;
    bool is_file = false;
};

/// Everything set_up_filesystem() needs, prepared by the parent.
struct FilesystemPlan {
    const MountStep* steps = nullptr;  ///< In the order to apply them (plan_view()).
    std::size_t count = 0;
    int* trees = nullptr;  ///< count slots for the child's detached copies of shown paths.
    bool devices = true;   ///< False: /dev holds only `null`.
    bool proc = true;      ///< False: /proc is an empty folder.
};

/// Writes the user and group id maps of @p child (just cloned into a new user namespace)
/// from the parent: for root, `0 0 1` and `65534 65534 1` (so the sandbox's init is root
/// inside, and the test can become nobody); otherwise the caller's own ids, mapped to
/// themselves. @returns an empty string, or what failed (with errno's text).
std::string write_id_maps(pid_t child, bool root);

/// In a new mount namespace: makes every mount private and read-only, then mounts a fresh
/// /proc (with /proc/sys and /proc/sysrq-trigger read-only; or an empty folder), a private
/// /tmp and /dev/shm (tmpfs), and applies the view's steps in order: a hidden folder gets
/// an empty read-only tmpfs, a hidden file /dev/null; a shown path is put back (copied
/// before anything changed) read-only, or writable for the working directory. Without
/// devices, /dev is replaced by a folder holding only `null`. Async-signal-safe.
SetupFailure set_up_filesystem(const FilesystemPlan& plan) noexcept;

/// In a new network namespace: brings its loopback interface up (it starts down), so
/// that a test may talk to itself on 127.0.0.1 and to nothing else. Async-signal-safe.
SetupFailure bring_up_loopback() noexcept;

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
SetupFailure lock_capabilities() noexcept;

/// Clears the permitted, effective and inheritable capability sets. Async-signal-safe.
SetupFailure drop_capabilities() noexcept;

}  // namespace grader::ns
