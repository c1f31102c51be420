/// @file
/// @brief Lab 04 — waiting for a child: raw statuses decoded, WNOHANG, timeouts, zombies.
///
/// A child that ends does not vanish: it stays a *zombie* holding its exit status until
/// its parent waits for it. This lab decodes that status (the notes' `256` is "exited
/// with code 1") and builds the three ways to wait for a Lab 03 `Child`: blocking,
/// polling (WNOHANG), and with a timeout. Lesson: `lessons/04-wait-and-zombies.md`.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "spawn.hpp"

namespace proc {

/// A raw wait status, as `waitpid` stores it, and what it means.
///
/// Decoding follows the `<sys/wait.h>` macros (WIFEXITED, WEXITSTATUS, WIFSIGNALED,
/// WTERMSIG, WCOREDUMP, WIFSTOPPED, WSTOPSIG, WIFCONTINUED); every member is a pure
/// function of raw(), so any int can be decoded, including crafted ones.
class ExitStatus {
  public:
    /// Wraps @p raw, a status filled in by waitpid/wait4.
    explicit ExitStatus(int raw) noexcept : raw_(raw) {}

    /// The raw status, unchanged (e.g. 256 for `false`).
    int raw() const noexcept { return raw_; }

    /// The exit code (0–255) if the child ended by exit()/returning from main, else none.
    std::optional<int> exit_code() const;
    /// The signal that killed the child, if a signal ended it, else none.
    std::optional<int> term_signal() const;
    /// True if a signal ended the child *and* it dumped core.
    bool core_dumped() const;
    /// The signal that stopped the child, if the status reports a stop (waitpid with
    /// WUNTRACED), else none.
    std::optional<int> stop_signal() const;
    /// True if the status reports that a stopped child was continued (WCONTINUED).
    bool continued() const;

    /// True only for "exited with code 0".
    bool success() const;

    /// What a shell would put in `$?`: the exit code, or 128 + N when killed by signal N.
    /// For a stopped/continued status, 128 + the stop signal / 0 (shells differ; the
    /// course uses this rule).
    int shell_code() const;

    /// The status in words, keeping the number: "exited with code 1 (raw status 256)",
    /// "killed by SIGKILL (raw status 9)", "killed by SIGSEGV, core dumped (raw status
    /// 139)", "stopped by SIGSTOP (raw status 4991)", "continued (raw status 65535)".
    /// Signals without an abbreviation (real-time ones) read "signal 40".
    std::string to_string() const;

    /// Two statuses are equal when their raw values are.
    bool operator==(const ExitStatus& other) const noexcept { return raw_ == other.raw_; }

  private:
    int raw_;
};

/// The name of signal @p sig as a shell prints it: "SIGKILL" (from `sigabbrev_np`), or
/// "signal N" for a number without an abbreviation.
std::string signal_name(int sig);

/// Blocks until @p child ends, reaps it (it stops being a zombie) and marks it reaped.
/// Restarts waitpid when a signal handler interrupts it (EINTR).
/// @returns its status.
/// @throws std::system_error with ECHILD naming `waitpid` if @p child was already
///         reaped (or is empty): a PID must never be waited for twice, since the kernel
///         may have reused it.
ExitStatus wait(Child& child);

/// Reaps @p child if it has ended, without blocking (`waitpid(pid, WNOHANG)`).
/// @returns its status if it had ended (and it is now reaped), or none if it is still
///          running. waitpid's 0 means "not yet", never "exited with 0": a child that
///          ended an instant after the call is reported by the next call.
/// @throws std::system_error with ECHILD naming `waitpid` if it was already reaped.
std::optional<ExitStatus> try_wait(Child& child);

/// Waits at most @p timeout for @p child to end, without busy-waiting: sleeps in poll()
/// on a pidfd (`pidfd_open`, Linux 5.3+), which becomes readable when the child ends.
/// Restarts after EINTR with the time left.
/// @returns its status (reaped) if it ended in time, or none (still running, unreaped).
/// @throws std::system_error with ECHILD naming `waitpid` if it was already reaped;
///         naming `pidfd_open` if the kernel lacks it (ENOSYS) or refuses.
std::optional<ExitStatus> wait_for(Child& child, std::chrono::milliseconds timeout);

}  // namespace proc
