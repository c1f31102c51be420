/// @file
/// @brief The sandbox's child side: everything that runs between clone and exec.
///
/// run_sandboxed() (sandbox.cpp, the grader's side) prepares a ChildPlan, then clones.
/// The child (the namespace's init and the test it starts, or, without namespaces, the
/// test itself) runs only the code declared here: no allocation, no exceptions, no locks,
/// only async-signal-safe calls, because the grader may have other threads. Every failure
/// before exec reaches the grader as one ChildReport {step, path, errno} on the report
/// pipe, and the child exits with kSetupFailed; a privilege that would not drop is such
/// a failure, never carried past.
#pragma once

#include <sys/types.h>

#include <cstddef>

#include "sandbox/namespaces.hpp"
#include "sandbox/sandbox.hpp"

#include "sandbox/seccomp.hpp"

namespace grader::child {

/// The exit status of a child whose setup failed (its report says why).
inline constexpr int kSetupFailed = 125;
/// At most this many descriptors are passed to the program (SandboxIo's, then the
/// resource events').
inline constexpr int kMaxPassed = 5;

/// The grader's pipe ends a run's plan holds (ChildPlan::grader_ends), by what each one
/// carries: the child closes them all (the init, at once; the test, at exec).
enum GraderEnd : int {
    kOutputRead,  ///< The program's stdout and stderr.
    kReportRead,  ///< The child's reports (ChildReport).
    kSyncWrite,   ///< Isolated: closed once the init's ids are mapped and it is in its cgroup.
    kStreamRead,  ///< SandboxIo::stream_fd, the test's sealed results (-1: none).
    kEventsRead,  ///< The program's resource events.
    kGraderEnds,
};

/// A run's plan, prepared before clone so that the child needs no allocation.
struct ChildPlan {
    char* const* argv = nullptr;
    char* const* envp = nullptr;
    const char* workdir = nullptr;  ///< Writable (the grader gave it to nobody, when root).
    const char* cwd = nullptr;      ///< Where the program starts.
    ns::FilesystemPlan filesystem;  ///< With isolated: the view.
    const Limits* limits = nullptr;
    int output_fd = -1;           ///< The program's stdout and stderr.
    int passed[kMaxPassed] = {};  ///< Given to the program as 3, 4, ...
    int passed_count = 0;
    int sync_fd = -1;    ///< Isolated: end of file once the ids are mapped
                         ///< and the init is in its cgroup.
    int report_fd = -1;  ///< Where ChildReports go.
    int cgroup_fd = -1;  ///< Not isolated: the test joins its cgroup itself.
    int grader_ends[kGraderEnds] = {-1, -1, -1, -1, -1};  ///< By GraderEnd: closed in the init.
    bool root = false;                                    ///< The grader is root.
    bool isolated = false;
    ProtectedTargets guarded;  ///< Not isolated: the grader's pids and groups no signal,
                               ///< trace or pidfd may reach (empty in a PID namespace,
                               ///< where the grader is out of sight).
};

/// What the child tells the grader: a failed step, or (the init, at the end) how the test
/// ended. One write, smaller than PIPE_BUF, so never mixed with another.
struct ChildReport {
    int status = 0;       ///< The test's wait status.
    int leftovers = 0;    ///< Processes still alive when the test ended (killed).
    int last_pid = -1;    ///< The namespace's last PID: processes + threads started.
    int error = 0;        ///< errno of the failed step.
    char step[96] = {};   ///< The step that failed ("" when none).
    char path[192] = {};  ///< The path it failed on ("" when none).
};

/// clone(2) with @p flags and SIGCHLD, as a raw system call (no atfork handlers in the
/// child of a threaded parent). @returns 0 in the child, its PID in the parent, -1.
pid_t clone_child(int flags) noexcept;

/// The namespace's init (PID 1): sets up the network and the filesystem, starts the test,
/// reaps every orphan, and when the test ends kills what is left and reports.
[[noreturn]] void run_init(const ChildPlan& plan) noexcept;

/// The test itself: session, cgroup, limits, user, signals, working directory, seccomp,
/// descriptors, then exec.
[[noreturn]] void exec_program(const ChildPlan& plan) noexcept;

}  // namespace grader::child
