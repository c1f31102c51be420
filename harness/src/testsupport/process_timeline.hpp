/// @file
/// @brief The processes a test started and what became of them, told under its failure.
///
/// A failing test in a course about processes is best explained by the processes it caused:
/// which it started (and what each ran), how each ended, whether the test reaped it, which
/// were still running or left as zombies, and which descriptors stayed open. The test main
/// records that here while the test runs: its stand-ins for fork, the exec and posix_spawn
/// calls, the wait calls and kill (timeline_stand_ins.hpp) append events to a log in memory
/// shared with every child the test forks, so a child's exec is seen too. At the test's
/// end, before the leak checks clean up, the main takes a snapshot of what is still there;
/// describe() then tells it in a few lines, which the result channel carries to the grader
/// when the test failed.
///
/// Every recording function is safe in a child between fork (or vfork) and exec: no
/// allocation, no lock, only stores into the shared log.
#pragma once

#include <sys/types.h>

#include <string>

namespace harness::timeline {

/// Maps the shared log, resolves the C library's functions the stand-ins call, and starts
/// the clock. Called once by the test main, before any test; recording is off until then.
void install() noexcept;

/// The C library's function @p name (looked up once by install(); nullptr when it lacks it).
void* real_function(const char* name) noexcept;

/// Starts a new test: forgets every event, remembers the open descriptors, restarts the clock.
void begin_test();

/// @p pid was started by the calling process, with @p how ("fork", "posix_spawn").
void started(pid_t pid, const char* how) noexcept;
/// Process @p pid is about to run @p argv (an exec call, or posix_spawn's child).
void runs(pid_t pid, const char* const* argv) noexcept;
/// The exec the calling process tried failed with @p error.
void exec_failed(int error) noexcept;
/// The calling process reaped @p pid, which had ended with @p raw_status, using @p call.
void reaped(pid_t pid, int raw_status, const char* call) noexcept;
/// The calling process saw @p pid stop or continue (@p raw_status), without reaping it.
void changed(pid_t pid, int raw_status) noexcept;
/// The calling process sent @p sig to @p target (a PID, or -PGID for a group).
void signalled(pid_t target, int sig) noexcept;

/// Freezes what the test left: the events so far, every process they name and every child
/// of the test process (state, command line, exit code of a zombie), and the descriptors
/// opened since begin_test(). Call at the test's end, before anything kills or closes them.
void end_test();

/// The frozen test's processes in a few lines, oldest first ("" when it started none and left
/// no descriptor open). At most @p max_processes processes are named; the rest are counted.
std::string describe(std::size_t max_processes = 40);

}  // namespace harness::timeline
