// Lab 08, task 2 — a shell's hold on its controlling terminal (reference solution).
#include "terminal.hpp"

#include <unistd.h>

#include <cerrno>

#include "course/sys.hpp"

namespace proc {

namespace {

// Puts back the actions saved in @p previous for the first @p count signals of
// kShellIgnores. Never throws.
void restore_actions(const std::array<struct sigaction, kShellIgnores.size()>& previous,
                     std::size_t count) noexcept {
    for (std::size_t i = 0; i < count; ++i)
        ::sigaction(kShellIgnores[i], &previous[i], nullptr);
}

}  // namespace

Terminal::Terminal(int fd) : fd_(fd) {
    // tcgetsid answers only for the caller's own controlling terminal (ENOTTY otherwise),
    // so this one call says both "a terminal" and "ours". Nothing is changed before it.
    pid_t session = course::check(::tcgetsid(fd), "tcgetsid");
    if (session != ::getsid(0))
        course::throw_error(ENOTTY, "tcgetsid");
    first_foreground_ = course::check(::tcgetpgrp(fd), "tcgetpgrp");

    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    std::size_t installed = 0;
    try {
        for (; installed < kShellIgnores.size(); ++installed)
            course::check(::sigaction(kShellIgnores[installed], &ignore, &previous_[installed]),
                          "sigaction");
        // A session leader leads its group already (and may not call setpgid).
        if (::getpgrp() != ::getpid())
            course::check(::setpgid(0, 0), "setpgid");
        shell_group_ = ::getpgrp();
        // We may be in the background (started by another shell): SIGTTOU is ignored now.
        course::check(::tcsetpgrp(fd, shell_group_), "tcsetpgrp");
        course::check(::tcgetattr(fd, &shell_modes_), "tcgetattr");
    } catch (...) {
        restore_actions(previous_, installed);
        throw;
    }
}

Terminal::~Terminal() {
    // Back to whoever had it (the shell that started us), if that group is still there:
    // tcsetpgrp fails with ESRCH or EPERM otherwise, which changes nothing.
    if (first_foreground_ != shell_group_)
        ::tcsetpgrp(fd_, first_foreground_);
    restore_actions(previous_, previous_.size());
}

pid_t Terminal::foreground() const {
    return course::check(::tcgetpgrp(fd_), "tcgetpgrp");
}

void Terminal::give_to(pid_t pgid) const {
    course::check(::tcsetpgrp(fd_, pgid), "tcsetpgrp");
}

void Terminal::take_back() const {
    course::check(::tcsetpgrp(fd_, shell_group_), "tcsetpgrp");
    // TCSADRAIN: what the job wrote is sent with its own modes before ours come back.
    course::check(::tcsetattr(fd_, TCSADRAIN, &shell_modes_), "tcsetattr");
}

}  // namespace proc
