/// @file
/// @brief A cgroup v2 per test: one memory and one process limit for all of a test's
/// processes together, and the kernel's own count of what those limits refused.
///
/// The grader makes a parent cgroup of its own (`grader-<pid>`, next to its own cgroup or
/// under it, wherever the memory and pids controllers can be delegated and it may write),
/// and one child of it per test. The test's first process joins the child before it runs
/// any code of the test; the kernel then charges every descendant to it, whatever it
/// does. After the test, cgroup.kill ends whatever is left and the child is removed.
/// Where cgroup v2 cannot be used (cgroup v1 or hybrid hierarchies, a read-only
/// /sys/fs/cgroup, a container whose root cgroup holds processes) there is none, and the
/// per-process limits stay the only ones (harness/README.md, "The sandbox").
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "course/unique_fd.hpp"

namespace grader {

/// The parent of the tests' cgroups, owned by this grader: removed when destroyed.
class CgroupParent {
  public:
    /// Makes the parent cgroup, with the memory and pids controllers enabled for its
    /// children. @returns nullptr when cgroup v2 cannot be used here, with @p why_not
    /// saying why. Never throws.
    static std::shared_ptr<CgroupParent> create(std::string& why_not) noexcept;

    ~CgroupParent();
    CgroupParent(const CgroupParent&) = delete;
    CgroupParent& operator=(const CgroupParent&) = delete;

    /// The parent's folder under /sys/fs/cgroup.
    const std::string& path() const { return path_; }
    /// A fresh name for a test's cgroup.
    std::string next_child();

  private:
    explicit CgroupParent(std::string path) : path_(std::move(path)) {}
    std::string path_;
    std::atomic<unsigned long> children_{0};  // tests may start side by side
};

/// What a test's cgroup counted: the kernel's own record of what its limits refused.
struct CgroupEvents {
    std::uint64_t oom_kills = 0;     ///< memory.events `oom_kill`: processes the OOM killer
                                     ///< ended at memory.max.
    std::uint64_t pids_refused = 0;  ///< pids.events `max`: forks refused at pids.max.
};

/// One test's cgroup: made with its limits, joined by the test's first process, killed
/// and removed when destroyed.
class TestCgroup {
  public:
    /// Makes a child of @p parent with memory.max = @p memory_max bytes (no swap) and
    /// pids.max = @p pids_max. @throws std::system_error naming the call and file.
    TestCgroup(CgroupParent& parent, std::uint64_t memory_max, int pids_max);
    /// Kills what is left in it, and removes it. Never throws.
    ~TestCgroup();
    TestCgroup(const TestCgroup&) = delete;
    TestCgroup& operator=(const TestCgroup&) = delete;

    /// Its cgroup.procs, open for writing: writing a PID (or "0", the writer itself)
    /// moves that process in. Open from the grader, so that a process in another user
    /// namespace can still use it (the kernel checks the opener's rights).
    int procs_fd() const { return procs_.get(); }
    /// Moves @p pid into it. @throws std::system_error naming `write cgroup.procs`.
    void add(pid_t pid) const;
    /// Kills every process in it (cgroup.kill, Linux >= 5.14; else each PID listed).
    void kill_all() const noexcept;
    /// What its limits refused so far.
    CgroupEvents events() const;
    /// Its folder.
    const std::string& path() const { return path_; }

  private:
    std::string path_;
    course::UniqueFd procs_;
};

/// Reads `key N` from the text of a flat-keyed cgroup file such as memory.events.
/// @returns N, or 0 when the key is absent.
std::uint64_t cgroup_counter(const std::string& text, const std::string& key);

}  // namespace grader
