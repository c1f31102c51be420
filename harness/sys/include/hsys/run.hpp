/// @file
/// @brief The harness's one loop for running a process under a deadline while reading its
/// output.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace hsys {

/// A descriptor to read while a process runs, and what came from it.
struct Stream {
    int fd = -1;            ///< The read end; not owned. Made non-blocking by the wait.
    std::size_t cap = 0;    ///< At most this many bytes are kept in data.
    std::string data{};     ///< What was read, up to cap.
    std::size_t total = 0;  ///< Every byte read, kept or dropped (total > cap: truncated).
    bool open = true;       ///< False once end of file was read.
};

/// How a waited-for process ended.
struct WaitResult {
    int status = 0;          ///< Its raw wait status (after the kill when timed out).
    bool timed_out = false;  ///< The deadline passed: it was killed.
    double seconds = 0;      ///< Wall time from the call to its end.
};

/// Waits for @p pid (our child) to end or for @p deadline, reading every open stream
/// meanwhile (under its cap). Sleeps in poll() on a pidfd and the streams; without pidfd
/// (kernel < 5.3) it polls in 20 ms slices. At the deadline it sends @p kill_signal to
/// the group -pid (when @p kill_group) and to pid, then reaps it (so @p kill_signal must
/// end it: a caught SIGTERM would leave the wait blocked). Once the process has
/// ended, it drains only what the streams hold at once (non-blocking, at most one pipe's
/// worth), so a descendant keeping a pipe open cannot block it; such a stream stays open.
/// @returns the raw status, whether it timed out, and the seconds it took.
/// @throws std::system_error naming "poll", "read", "fcntl" or "waitpid"; @p pid is then
///         killed (SIGKILL, with its group when @p kill_group) and reaped before the throw,
///         unless waitpid said ECHILD (not our child: never signalled). EINVAL for a @p pid
///         of 1 or less, which kill() would read as a group or as every process.
WaitResult wait_with_deadline(pid_t pid, std::span<Stream*> streams,
                              std::chrono::steady_clock::time_point deadline,
                              int kill_signal = SIGKILL, bool kill_group = true,
                              const std::function<void()>& before_kill = {});

/// Reads what @p stream holds right now without blocking (it must be non-blocking, as
/// wait_with_deadline() leaves it), at most one pipe's worth, so a writer that goes on
/// writing cannot keep the caller here. Closes the stream at end of file.
/// @returns the bytes read, kept or dropped.
/// @throws std::system_error naming "read".
std::size_t drain(Stream& stream);

/// What to run under a deadline.
struct RunOptions {
    std::vector<std::string> argv{};                ///< PATH-searched program and arguments.
    std::optional<std::vector<std::string>> env{};  ///< nullopt: ours.
    std::string cwd{};                              ///< empty: ours.
    double wall_seconds = 60;                       ///< The deadline, from the start.
    std::size_t output_cap = 1 << 20;               ///< Bytes of output kept (each stream).
    bool merge_stderr = true;  ///< stderr into output; otherwise into error_output.
};

/// How a run went.
struct RunResult {
    int status = 0;                 ///< The raw wait status.
    bool timed_out = false;         ///< Killed at the deadline.
    double seconds = 0;             ///< Wall time.
    std::string output{};           ///< stdout (and stderr when merged), up to output_cap.
    bool output_truncated = false;  ///< More than output_cap bytes came.
    std::string error_output{};     ///< stderr when not merged, up to output_cap.
    bool error_truncated = false;   ///< More than output_cap bytes came on stderr.
};

/// Runs @p options.argv in a new process group, stdin from /dev/null, stdout (and stderr)
/// into a pipe, under wait_with_deadline(), then SIGKILLs the whole group, so nothing it
/// started survives in it (a process that left the group with setsid() is not followed).
/// @returns its status, output and timing; a program that cannot be started is an error,
///          not a status 127.
/// @throws std::system_error from spawn() (naming the program), "pipe2", "open
///         /dev/null", or wait_with_deadline().
RunResult run_with_deadline(const RunOptions& options);

}  // namespace hsys
