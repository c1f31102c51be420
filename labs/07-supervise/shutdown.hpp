/// @file
/// @brief Lab 07, task 2 — noticing SIGTERM safely: a flag and a self-pipe.
///
/// A signal handler interrupts the program between any two instructions, perhaps in the
/// middle of malloc or of a printf that holds stdio's lock. So a handler may only call
/// async-signal-safe functions (signal-safety(7)): it sets a `volatile sig_atomic_t` and
/// writes one byte to a pipe, and that is all. The program's own loop then notices the
/// flag (between two steps of work) or the readable pipe (in poll, alongside its other
/// descriptors) and shuts down in ordinary code, where anything is allowed.
/// Lesson: `lessons/07-forever-tasks.md`.
#pragma once

#include <chrono>
#include <initializer_list>
#include <vector>

#include <signal.h>

#include "course/unique_fd.hpp"

namespace proc {

/// Catches termination signals (by default SIGTERM and SIGINT) for as long as it lives,
/// and turns them into a flag and a readable descriptor (the *self-pipe trick*).
///
/// The handler is installed with sigaction and SA_RESTART; it saves and restores errno,
/// records the signal's number and writes one byte to a non-blocking, close-on-exec pipe.
/// Only one ShutdownFlag may exist at a time in a process (the handler has one place to
/// write to). The destructor restores the previous dispositions. Not copyable or movable.
class ShutdownFlag {
  public:
    /// Installs the handler for each of @p signals.
    /// @throws std::logic_error if another ShutdownFlag exists; std::system_error naming
    ///         `pipe2`, `fcntl` or `sigaction` on failure (nothing stays installed then).
    explicit ShutdownFlag(std::initializer_list<int> signals = {SIGTERM, SIGINT});
    /// Restores the signals' previous dispositions and closes the pipe; never throws.
    ~ShutdownFlag();
    ShutdownFlag(const ShutdownFlag&) = delete;
    ShutdownFlag& operator=(const ShutdownFlag&) = delete;

    /// True once one of the signals has arrived (async-signal-safe to call).
    bool requested() const noexcept;
    /// The signal that arrived (the latest, if several), or 0 if none has.
    int signal() const noexcept;
    /// The pipe's read end: poll() reports it readable once a signal has arrived. Do not
    /// read from it (others may be polling it too); it stays readable.
    int fd() const noexcept { return read_.get(); }
    /// Sleeps in poll() until a signal arrives or @p timeout passes (restarting after
    /// EINTR with the time left). A negative timeout waits for ever.
    /// @returns requested() at the end. @throws std::system_error naming `poll`.
    bool wait_for(std::chrono::milliseconds timeout) const;

  private:
    course::UniqueFd read_;
    course::UniqueFd write_;
    std::vector<int> signals_;
    std::vector<struct sigaction> previous_;
};

/// Ends the process the way signal @p sig would have if it had not been caught: restores
/// its default disposition, unblocks it and raises it, so that the parent's wait reports
/// "killed by SIG..." (the GNU convention after cleaning up in a handler's stead). A
/// shell shows `$?` = 128 + sig either way. Falls back to `_exit(128 + sig)` if the
/// default action of @p sig does not end the process.
[[noreturn]] void exit_as_if_killed_by(int sig);

}  // namespace proc
