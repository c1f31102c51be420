/// @file
/// @brief Lab 08, task 2 — a shell's hold on its controlling terminal.
///
/// A terminal belongs to one session, and at any moment one process group of that session
/// is its *foreground group*: the group its keys signal (Ctrl-C: SIGINT, Ctrl-Z: SIGTSTP,
/// Ctrl-\\: SIGQUIT) and the only group allowed to read from it. A job-control shell hands
/// the terminal to each foreground job and takes it back when the job stops or ends. To
/// take it back it calls tcsetpgrp from the background, which raises SIGTTOU: so the shell
/// ignores SIGTTOU, and the keys meant for its jobs as well. Lesson:
/// `lessons/08-job-control.md`.
#pragma once

#include <signal.h>
#include <sys/types.h>
#include <termios.h>

#include <array>

namespace proc {

/// The signals a job-control shell ignores while it holds its terminal: the keyboard's
/// (SIGINT, SIGQUIT, SIGTSTP), which are meant for its jobs, and the terminal's stops for
/// background processes (SIGTTIN, SIGTTOU), which would stop the shell itself.
inline constexpr std::array<int, 5> kShellIgnores = {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU};

/// A shell's hold on its controlling terminal, from construction to destruction.
///
/// Not copyable or movable: it changes process-wide state (signal actions, the terminal's
/// foreground group) and puts it back once.
class Terminal {
  public:
    /// Takes charge of @p fd, which must be the caller's controlling terminal:
    /// 1. checks that @p fd is the controlling terminal of the caller's session
    ///    (`tcgetsid(fd)` is the caller's session), before changing anything;
    /// 2. records the terminal's foreground group (`tcgetpgrp`), to give it back at the end;
    /// 3. ignores the signals of kShellIgnores, keeping their previous actions (`sigaction`);
    /// 4. puts the shell in a process group of its own unless it leads one already (a
    ///    session leader does; `setpgid(0, 0)` otherwise);
    /// 5. makes that group the terminal's foreground group (`tcsetpgrp`), which works from
    ///    the background too, now that SIGTTOU is ignored;
    /// 6. saves the terminal's modes (`tcgetattr`): take_back() restores them.
    /// @throws std::system_error naming the failed call: ENOTTY naming `tcgetsid` when
    ///         @p fd is not a terminal or not the caller's controlling terminal (then
    ///         nothing was changed). A later step that fails restores the signal actions.
    explicit Terminal(int fd);
    /// Gives the terminal back to the group that had it at construction, when that was not
    /// the shell's and it still exists (with SIGTTOU still ignored), then restores the
    /// signals' previous actions. Never throws: failures are ignored.
    ~Terminal();
    Terminal(const Terminal&) = delete;
    Terminal& operator=(const Terminal&) = delete;

    /// The terminal's descriptor, as given.
    int fd() const noexcept { return fd_; }
    /// The shell's process group (the foreground group it takes back).
    pid_t shell_group() const noexcept { return shell_group_; }
    /// The modes the terminal had at construction, which take_back() restores.
    const termios& shell_modes() const noexcept { return shell_modes_; }

    /// The terminal's foreground group right now. @throws std::system_error naming `tcgetpgrp`.
    pid_t foreground() const;
    /// Makes @p pgid the terminal's foreground group: the keys now signal it and it may read.
    /// @throws std::system_error naming `tcsetpgrp` (ESRCH or EPERM: no such group in
    ///         this session).
    void give_to(pid_t pgid) const;
    /// Makes the shell's group the foreground group again (from the background: SIGTTOU
    /// is ignored), then restores the modes saved at construction (`tcsetattr` with
    /// TCSADRAIN), which a job may have changed: an editor stopped by Ctrl-Z leaves the
    /// terminal without echo or line editing.
    /// @throws std::system_error naming `tcsetpgrp` or `tcsetattr`.
    void take_back() const;

  private:
    int fd_;
    pid_t shell_group_ = -1;
    pid_t first_foreground_ = -1;
    termios shell_modes_{};
    std::array<struct sigaction, kShellIgnores.size()> previous_{};
};

}  // namespace proc
