/// @file
/// @brief Lab 08, tasks 3 and 4 — a job table: wait for the foreground job, reap the
/// background ones, and `jobs`, `fg`, `bg`.
///
/// A shell keeps a table of its jobs, each one process group led by one process. It waits
/// for a foreground job until it *stops or ends* (WUNTRACED: Ctrl-Z must give the prompt
/// back), and learns about background jobs from SIGCHLD. It never reaps from a signal
/// handler: SIGCHLD stays blocked and is read from a descriptor (a signalfd) in the
/// shell's own loop, so that no status is reaped behind the table's back, before a job is
/// in it, or twice. Lesson: `lessons/08-job-control.md`.
#pragma once

#include <sys/types.h>
#include <termios.h>

#include <signal.h>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "course/unique_fd.hpp"
#include "spawn.hpp"
#include "terminal.hpp"
#include "wait.hpp"

namespace proc {

/// SIGCHLD as a descriptor: while it lives, SIGCHLD is blocked in the calling thread and
/// each one that arrives makes fd() readable (a signalfd), for poll() to wait on together
/// with the terminal. Not copyable or movable.
class ChildSignals {
  public:
    /// Blocks SIGCHLD (`sigprocmask`), keeping the previous mask, and opens a non-blocking,
    /// close-on-exec signalfd for it.
    /// @throws std::system_error naming `sigprocmask` or `signalfd` (the mask is then
    ///         restored).
    ChildSignals();
    /// Closes the descriptor and restores the signal mask; never throws.
    ~ChildSignals();
    ChildSignals(const ChildSignals&) = delete;
    ChildSignals& operator=(const ChildSignals&) = delete;

    /// The signalfd: readable while a SIGCHLD is pending.
    int fd() const noexcept { return fd_.get(); }
    /// Reads every pending SIGCHLD from fd() without blocking, so that fd() stops being
    /// readable until the next one. Ordinary signals do not queue: one may stand for
    /// several children that changed state, so the caller then reaps in a loop.
    /// @returns how many were read (0 when none was pending).
    /// @throws std::system_error naming `read`.
    int drain();

  private:
    course::UniqueFd fd_;
    sigset_t previous_mask_{};
};

/// What a job is doing, as far as the shell knows.
enum class JobState {
    running,  ///< Started or continued, and not seen to stop or end since.
    stopped,  ///< Stopped by a signal (Ctrl-Z's SIGTSTP, SIGSTOP, SIGTTIN, SIGTTOU).
    done,     ///< Ended (exited or killed) and reaped.
};

/// One job: a process group the shell started, led by one process.
struct Job {
    int number = 0;       ///< Its number, from 1: what `%1` names.
    std::string command;  ///< Its command line (the words joined by spaces), for messages.
    Child leader;         ///< Its leader, a Lab 03 Child; the leader's PID is the group's ID.
    JobState state = JobState::running;  ///< Running, stopped or done.
    /// The last change the leader's wait status reported (stopped by SIGTSTP, exited with
    /// code 0, killed by SIGINT, ...); none until it reports one.
    std::optional<ExitStatus> status;
    /// The terminal's modes when the job last stopped in the foreground, for `fg` to give
    /// them back; none if it never did.
    std::optional<termios> modes;
    /// The job's process group.
    pid_t pgid() const noexcept { return leader.pid(); }
};

/// The jobs of a shell that holds a Terminal.
///
/// Only the table's jobs are ever waited for, each by its own PID, never with
/// `waitpid(-1, ...)`: the caller's other children keep their statuses.
class JobTable {
  public:
    /// An empty table, for a shell holding @p terminal (which must outlive it).
    explicit JobTable(const Terminal& terminal);
    /// Ends every job that is not done: SIGKILL to its group, then its leader is reaped
    /// (the Child's destructor). Never throws.
    ~JobTable();
    JobTable(const JobTable&) = delete;
    JobTable& operator=(const JobTable&) = delete;

    /// The jobs by number, in order.
    const std::map<int, Job>& jobs() const noexcept { return jobs_; }
    /// Removes the jobs that are done (once they have been reported).
    void forget_done();

    /// Task 3. Starts @p argv as a new job (Lab 08's launch_job), numbered one more than
    /// the highest number in the table (1 when it is empty), with @p argv joined by spaces
    /// as its command. A foreground job gets the terminal and is waited for
    /// (wait_in_foreground()); a background job is left running.
    /// @returns the job, in the table whatever its state.
    /// @throws what launch_job throws (nothing is added to the table then).
    Job& start(const std::vector<std::string>& argv, bool background);

    /// Task 3. Waits for @p job, which holds the terminal, until its leader stops or ends
    /// (`waitpid` with WUNTRACED, restarted after EINTR), and records it: state, status,
    /// the leader marked reaped when it ended, the terminal's modes when it stopped. Then
    /// takes the terminal back (Terminal::take_back()), whatever happened.
    /// @returns the job's new state: stopped or done.
    /// @throws std::system_error naming `waitpid`, or what take_back() throws.
    JobState wait_in_foreground(Job& job);

    /// Task 3. Collects, without blocking, every change of every job that is not done
    /// (`waitpid(pid, WNOHANG | WUNTRACED | WCONTINUED)` per job, until it has nothing more
    /// to say) and records it as wait_in_foreground() does (continued: running again).
    /// Call it whenever ChildSignals::fd() is readable, after drain().
    /// @returns the numbers of the jobs whose state changed, in order.
    /// @throws std::system_error naming `waitpid`.
    std::vector<int> reap();

    /// Task 4. The job @p spec names: "%N" or "N" is job number N; "", "%" , "%%" and
    /// "%+" are the *current* job, the highest-numbered job that is not done.
    /// @returns the job, or nullptr when there is none or @p spec means nothing.
    Job* find(std::string_view spec);

    /// Task 4 (`fg`). Gives @p job the terminal (with the modes it had when it stopped, if
    /// it did), sends SIGCONT to its whole group (`kill(-pgid, SIGCONT)`: every process of
    /// a stopped job is stopped), marks it running and waits for it (wait_in_foreground()).
    /// @returns its new state. @throws std::invalid_argument if it is done; std::system_error
    ///          naming `tcsetattr`, `tcsetpgrp`, `kill` or `waitpid`.
    JobState resume_in_foreground(Job& job);

    /// Task 4 (`bg`). Sends SIGCONT to @p job's whole group and marks it running; the shell
    /// keeps the terminal. @throws std::invalid_argument if it is done; std::system_error
    ///          naming `kill`.
    void resume_in_background(Job& job);

  private:
    const Terminal& terminal_;
    std::map<int, Job> jobs_;
};

/// Task 4. One line of `jobs`, without a newline: "[N] STATE  COMMAND", where STATE is
/// "Running", "Stopped (SIGTSTP)" (the stop signal's name), "Done" (exited with 0),
/// "Exit 3" (exited with code 3) or "Killed (SIGINT)" (the signal's name).
/// Example: "[1] Stopped (SIGTSTP)  cat".
std::string describe(const Job& job);

}  // namespace proc
