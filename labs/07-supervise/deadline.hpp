/// @file
/// @brief Lab 07, task 1 — running a child with a deadline: SIGTERM, a grace period, SIGKILL.
///
/// A command that should take a second sometimes hangs for ever. The cure is a deadline:
/// when it passes, ask the child to stop (SIGTERM, which it may catch to clean up), give
/// it a grace period, and only then force it (SIGKILL, which nothing can catch). Both
/// signals go to the child's whole *process group*, so that the children it started die
/// with it. Lesson: `lessons/07-forever-tasks.md`.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "spawn.hpp"
#include "wait.hpp"

namespace proc {

/// How a child that was given a deadline came to its end.
enum class Ending {
    finished,    ///< It ended on its own before the deadline (whatever its status).
    terminated,  ///< It was sent SIGTERM and ended within the grace period.
    killed,      ///< It outlived the grace period too: SIGKILL ended it.
};

/// The ending in words: "finished before the deadline", "ended after SIGTERM",
/// "killed by SIGKILL after the grace period".
std::string to_string(Ending ending);

/// What run_with_deadline() and stop_gracefully() report. The child is reaped.
struct DeadlineResult {
    Ending ending;      ///< Which of the three ended it.
    ExitStatus status;  ///< Its wait status: e.g. "killed by SIGTERM", or "exited with
                        ///< code 0" for a child that caught SIGTERM and exited.
};

/// Sends @p sig to the process group whose ID is @p child's PID, that is to the child and
/// to every process it started that stayed in its group (`kill(-pid, sig)`). The child
/// must have been started with SpawnOptions::new_process_group; if it leads no group
/// (ESRCH), the signal goes to the child alone.
/// @throws std::system_error naming `kill` on any other failure (EPERM, EINVAL), or
///         std::logic_error if @p child is empty or already reaped (its PID may be reused).
void signal_group(const Child& child, int sig);

/// Stops @p child the polite way: SIGTERM (then SIGCONT, so a stopped group can act on
/// it) to its process group, waits up to @p grace for it to end, and if it has not,
/// SIGKILL to the group; then reaps it. Never busy-waits (Lab 04's wait_for).
/// @returns Ending::terminated or Ending::killed, with the status.
/// @throws std::system_error from kill/pidfd_open/poll/waitpid; std::logic_error as
///         signal_group().
DeadlineResult stop_gracefully(Child& child, std::chrono::milliseconds grace);

/// Waits up to @p timeout for @p child to end; if it does, returns Ending::finished and
/// its status. Otherwise stops it with stop_gracefully(child, @p grace).
/// The child should lead its own process group (SpawnOptions::new_process_group).
/// @throws as stop_gracefully().
DeadlineResult run_with_deadline(Child& child, std::chrono::milliseconds timeout,
                                 std::chrono::milliseconds grace);

/// Starts @p argv (argv[0] searched in PATH, the parent's environment, @p options with
/// new_process_group forced on) and runs it with run_with_deadline().
/// @throws std::system_error when it cannot be started (see Lab 03's spawnp), or as
///         run_with_deadline(); std::invalid_argument for an empty @p argv.
DeadlineResult run_with_deadline(const std::vector<std::string>& argv,
                                 std::chrono::milliseconds timeout, std::chrono::milliseconds grace,
                                 SpawnOptions options = {});

/// The calling process's environment as a list of "NAME=value" strings (a copy of
/// `environ`), for spawning children that should inherit it.
std::vector<std::string> current_environment();

}  // namespace proc
