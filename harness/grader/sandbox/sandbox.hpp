/// @file
/// @brief Runs one untrusted program to completion, whatever it does.
///
/// The program runs in a new session with resource limits, its output captured through
/// a pipe and capped; it is killed at its deadline; and everything it started is killed
/// and reaped before run_sandboxed() returns (the grader is a child subreaper, so
/// orphans and daemons come back to it). With Limits::isolate it also runs in new user,
/// PID, mount, IPC, network and UTS namespaces under a tiny init of the grader's (PID 1
/// there), on a read-only filesystem that hides what Limits::view says; killing that
/// init ends everything the program started at once. With Limits::cgroup, all its
/// processes share one memory and one process limit. See harness/README.md, "The
/// sandbox", for the full list.
///
/// This file is the grader's side. What runs in the child between clone and exec lives
/// in sandbox_child.cpp (async-signal-safe only).
#pragma once

#include <sys/resource.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sandbox/cgroup.hpp"
#include "sandbox/deadline_snapshot.hpp"
#include "sandbox/view.hpp"

namespace grader {

/// What a sandboxed run may use.
struct Limits {
    double wall_seconds = 10;            ///< Killed (with all it started) after this.
    std::size_t output_cap = 64 * 1024;  ///< Bytes of stdout+stderr kept; the rest is
                                         ///< read and dropped, so a flood cannot block.
    rlim_t address_space = 4ull << 30;   ///< RLIMIT_AS, bytes (0: leave unchanged).
    rlim_t file_size = 64ull << 20;      ///< RLIMIT_FSIZE, bytes (0: leave unchanged).
    rlim_t max_processes = 0;            ///< RLIMIT_NPROC (0: leave unchanged).
    bool isolate = false;                ///< New user+PID+mount namespaces, read-only filesystem
                                         ///< but for the working directory and a private /tmp.
    int process_cap = 0;                 ///< With isolate: the namespace's pid_max, a hard cap on
                                         ///< processes+threads (Linux >= 6.14; 0: none).
    bool filter_kill = false;            ///< seccomp: kill(-1, ...) fails with EPERM (and, without
                                         ///< isolate, so does a kill aimed at the grader).
    bool drop_root = false;              ///< When the grader is root, run the program as nobody
                                         ///< (65534) when nobody can run it, else as root with no
                                         ///< capabilities.
    bool nobody_only = false;            ///< With drop_root: nobody or nothing, never root
                                         ///< (a compile: root could read root-only files).
    std::shared_ptr<const View> view;    ///< With isolate: what it sees of the files (nullptr:
                                         ///< everything, read-only).
    std::shared_ptr<CgroupParent> cgroup;   ///< A cgroup v2 of its own per run, under this
                                            ///< parent (nullptr: none).
    std::uint64_t memory_max = 4ull << 30;  ///< With cgroup: memory.max, all its processes
                                            ///< together (no swap).
    int pids_max = 1024;                    ///< With cgroup: pids.max, processes+threads together.
};

/// Descriptors a sandboxed run is given besides stdin, stdout and stderr, and a second
/// stream the grader reads during the run (the test's result channel).
struct SandboxIo {
    /// Handed to the program as descriptors 3, 4, ... in this order (without
    /// close-on-exec); every other descriptor above 2 is closed. At most 4.
    std::vector<int> pass_fds;
    /// The grader's read end of a pipe the program writes to: read during the run like the
    /// output, into Outcome::stream, at most stream_cap bytes (the rest read and dropped).
    int stream_fd = -1;
    std::size_t stream_cap = 1 << 20;
    /// Added to the program's environment ("NAME=value").
    std::vector<std::string> env;
    /// The grader's whole environment for the program: for builds and compiles, whose
    /// tools read theirs (CMAKE_*, CCACHE_*, ...). Otherwise (tests, listings: student
    /// code runs) only the variables every program may expect (kTestEnvironment) and
    /// those named COURSE_TEST_*, never what else the grader's caller set, such as a
    /// CI's job token.
    bool whole_environment = false;
    /// Where the program starts (read-only unless inside the working directory); empty:
    /// the working directory.
    std::string cwd;
    /// When the program runs past its deadline, look at it before it is killed
    /// (Outcome::at_deadline): where its threads were, its children, its descriptors.
    bool look_at_deadline = false;
};

/// The variables of the grader's environment a test (or a listing) gets: a name, or a
/// prefix ending in '_' or '*' ("LC_*"), besides io.env and the course's COURSE_TEST_*.
inline constexpr const char* kTestEnvironment[] = {
    "PATH",     "HOME",         "USER",          "LOGNAME",      "SHELL",        "LANG",
    "LANGUAGE", "LC_*",         "TERM",          "TZ",           "COLUMNS",      "LINES",
    "NO_COLOR", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "COURSE_TEST_*"};

/// How a sandboxed run ended.
struct Outcome {
    bool started = false;                  ///< False when fork/exec failed (see output).
    int raw_status = 0;                    ///< The wait status of the program itself.
    bool timed_out = false;                ///< Killed at the deadline.
    std::string output;                    ///< stdout and stderr, interleaved, up to the cap.
    std::size_t output_bytes = 0;          ///< Everything it wrote, kept or not.
    bool output_truncated = false;         ///< output_bytes > the cap.
    double seconds = 0;                    ///< Wall time from start to the program's end.
    int leftovers_killed = 0;              ///< Descendants still alive after it ended (killed).
    int processes_started = -1;            ///< With isolate: processes and threads it started,
                                           ///< itself included (-1: unknown).
    bool process_limit_reached = false;    ///< With isolate: it started about as many
                                           ///< processes+threads as its limits allow.
    rlim_t address_space = 0;              ///< The RLIMIT_AS it ran under (0: none).
    std::string sandbox_error;             ///< Why the sandbox could not start it (empty: it did).
    std::string stream;                    ///< What came on SandboxIo::stream_fd, up to its cap.
    std::size_t stream_bytes = 0;          ///< Everything that came on it, kept or not.
    std::uint64_t memory_max = 0;          ///< With a cgroup: the memory.max it ran under.
    std::uint64_t memory_limit_kills = 0;  ///< With a cgroup: processes the kernel's OOM
                                           ///< killer ended at memory.max.
    std::uint64_t process_limit_refusals = 0;  ///< With a cgroup: forks refused at pids.max.
    DeadlineSnapshot at_deadline;              ///< With SandboxIo::look_at_deadline and a timeout.
    std::string resource_events;               ///< The program's resource events, one per line
                                               ///< (harness/resource_events.hpp).
    bool resource_events_cut = false;          ///< More came than the grader reads.

    /// Whether the program recorded a resource event of @p kind ("out-of-memory", ...).
    bool resource_event(const char* kind) const;
};

/// Runs @p argv (argv[0] is a path) in @p workdir under @p limits and returns how it
/// ended. Never throws for anything the program does; throws std::system_error only if
/// the grader itself cannot create a pipe or fork. When the grader is root and
/// limits.drop_root, @p workdir is given to nobody first. @p io's descriptors are the
/// caller's: it keeps them open during the call and closes them after. The program also
/// gets, after io's, the descriptor of its resource events (its number in
/// HARNESS_EVENTS_FD), read into Outcome::resource_events. A step of the sandbox's setup
/// that fails (in the child: a privilege that would not drop, a mount, exec) is told in
/// Outcome::sandbox_error as "cannot STEP (PATH): ERRNO", and the program never runs.
Outcome run_sandboxed(const std::vector<std::string>& argv, const std::string& workdir,
                      const Limits& limits, const SandboxIo& io = {});

}  // namespace grader
