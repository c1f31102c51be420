/// @file
/// @brief Lab 07, task 3 — a supervisor that keeps a forever task running.
///
/// A server, a queue consumer, a watcher: tasks meant to run for ever, which still die
/// (a crash, a lost connection). A supervisor restarts them, waiting a little longer
/// after each quick death (exponential backoff), and gives up when the task keeps dying
/// (too many deaths within a time window), like systemd's `Restart=`, `RestartSec=` and
/// `StartLimitBurst=`/`StartLimitIntervalSec=`. Asked to stop, it stops the task the
/// polite way (Task 1's stop_gracefully). Time is injected, both the clock and the
/// sleeping, so that tests of the backoff run instantly and exactly.
/// Lesson: `lessons/07-forever-tasks.md`.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "deadline.hpp"
#include "progress_bar.hpp"
#include "spawn.hpp"
#include "wait.hpp"

namespace proc {

/// Sleeps for @p seconds unless descriptor @p stop_fd (-1: none) becomes readable first.
/// @returns true if it slept the whole time, false if @p stop_fd woke it.
using SleepFor = std::function<bool(double seconds, int stop_fd)>;

/// The real SleepFor: poll() on @p stop_fd with the time as its timeout, restarting
/// after EINTR with the time left. @throws std::system_error naming `poll`.
bool real_sleep_for(double seconds, int stop_fd);

/// Receives each line the supervisor logs (without a newline).
using LogSink = std::function<void(const std::string& line)>;

/// How a Supervisor behaves. Durations are in seconds (doubles, like Lab 06's Clock).
struct SupervisorOptions {
    std::string name = "task";     ///< The task's name in messages.
    double initial_backoff = 0.1;  ///< Delay before the restart after a first death.
    double backoff_factor = 2.0;   ///< Each further death within the window multiplies it.
    double max_backoff = 30.0;     ///< The delay never exceeds this.
    /// Give up when the task has died more than this many times within `window`
    /// (so it gets at most this many restarts in a row).
    int max_restarts = 5;
    double window = 60.0;  ///< Deaths older than this many seconds are forgotten.
    /// When stopping: time between SIGTERM and SIGKILL.
    std::chrono::milliseconds grace{5000};
    /// A descriptor that becomes readable when the supervisor must stop (e.g.
    /// ShutdownFlag::fd()); -1: never. Not owned. Never read from.
    int stop_fd = -1;
    Clock clock;         ///< Seconds on a monotonic clock; empty: monotonic_seconds().
    SleepFor sleep_for;  ///< Empty: real_sleep_for.
    LogSink log;         ///< Empty: lines go to standard error, prefixed "supervisor: ".
};

/// The delay before restarting after the @p deaths-th death within the window (1 for the
/// first): `initial_backoff · backoff_factor^(deaths−1)`, at most `max_backoff`.
/// With the defaults: 0.1, 0.2, 0.4, 0.8, ... 30, 30.
double backoff_delay(const SupervisorOptions& options, int deaths);

/// pidfd_open(2): a descriptor that poll() reports readable once process @p pid has ended,
/// for Supervisor::wait_or_stop. Made as a system call: glibc 2.36's <sys/pidfd.h> lacks
/// extern "C". @returns the descriptor (the caller closes it), or -1 with errno set.
int open_pidfd(pid_t pid);

/// Seconds as the log writes them: shortest form, at most 6 significant digits
/// ("0.1", "1.6", "60").
std::string format_seconds(double seconds);

/// Why Supervisor::run() returned.
enum class SupervisorOutcome {
    gave_up,  ///< The task died more than max_restarts times within the window.
    stopped,  ///< stop_fd became readable; the task (if running) was stopped.
};

/// What Supervisor::run() reports.
struct SupervisorResult {
    SupervisorOutcome outcome;              ///< Why it returned.
    int starts = 0;                         ///< How many times the task was started.
    std::optional<ExitStatus> last_status;  ///< The task's last status, if it ever ended.
};

/// Keeps one task running: starts it, waits for it to end (or for a stop request),
/// restarts it after a backoff, gives up when it dies too often.
///
/// Log lines, exactly (NAME = options.name, P = the PID, S = format_seconds):
///   - `started NAME (pid P)`
///   - `NAME (pid P) exited with code 1` / `NAME (pid P) killed by SIGSEGV` (Lab 04's
///     ExitStatus::to_string() without its "(raw status N)")
///   - `restarting NAME in S s`
///   - `giving up on NAME: it failed N times in W s (exited with code 1 each time)`
///     ("once" for N = 1; W = the window), or `(last time: ...)` when the statuses differ
///   - `stopping NAME (pid P)` then `NAME (pid P) ended after SIGTERM: killed by SIGTERM`
///     or `NAME (pid P) killed by SIGKILL after the grace period: killed by SIGKILL`
///   - `stopped while waiting to restart NAME` when the stop comes during a backoff.
/// Every task it starts is waited for before run() returns: no zombie, and since each
/// task leads its own process group and is stopped by group, no orphan of the task's own.
class Supervisor {
  public:
    /// Starts the task and returns it. It must lead a new process group
    /// (SpawnOptions::new_process_group). Exceptions propagate out of run().
    using Launch = std::function<Child()>;

    /// @param launch starts one run of the task; @param options see SupervisorOptions.
    Supervisor(Launch launch, SupervisorOptions options);

    /// Supervises until it gives up or is asked to stop (see the class comment).
    /// @throws what launch throws (the running task, if any, is killed and reaped
    ///         first); std::system_error from the waits.
    SupervisorResult run();

  private:
    std::optional<ExitStatus> wait_or_stop(Child& child);
    bool note_death(const ExitStatus& status);
    void log(const std::string& line) const;

    Launch launch_;
    SupervisorOptions options_;
    std::vector<std::pair<double, std::string>> deaths_;  // (time, status) in the window
};

/// A Launch that starts @p argv (argv[0] searched in PATH) in a new process group with
/// the supervisor's environment and standard streams.
Supervisor::Launch launch_command(std::vector<std::string> argv);

}  // namespace proc
