/// @file
/// @brief What Lab 07's tests share: forked children in a group of their own, owned by a
/// Lab 03 Child, and blocking reads that wait on pipes (never on the clock).
#pragma once

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <string>

#include "course/sys.hpp"
#include "course/unique_fd.hpp"
#include "spawn.hpp"

namespace lab07 {

/// Forks a child that leads a new process group and runs @p body, then `_exit(0)`
/// (`_exit(70)` if @p body throws). Both sides call setpgid, so the group exists when
/// this returns whichever runs first.
inline proc::Child fork_in_group(const std::function<void()>& body) {
    pid_t pid = course::check(::fork(), "fork");
    if (pid == 0) {
        ::setpgid(0, 0);
        try {
            body();
        } catch (...) {
            ::_exit(70);
        }
        ::_exit(0);
    }
    ::setpgid(pid, pid);  // may fail (EACCES/ESRCH) if the child got there first: fine
    return proc::Child(pid);
}

/// Writes @p text to @p fd in full (for use in children).
inline void put(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        done += static_cast<std::size_t>(n);
    }
}

/// Reads one line from @p fd (blocking), without its '\n'; "" at end of file.
inline std::string get_line(int fd) {
    std::string line;
    char c;
    for (;;) {
        ssize_t n = ::read(fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || c == '\n')
            return line;
        line += c;
    }
}

/// Reads @p fd to end of file.
inline std::string read_all(int fd) {
    std::string text;
    char buffer[512];
    for (;;) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return text;
        text.append(buffer, static_cast<std::size_t>(n));
    }
}

/// Blocks the calling thread until @p fd has data or end of file; never returns in a
/// child meant to be held "for ever" (the test keeps the write end open).
[[noreturn]] inline void hold_forever(int fd) {
    char c;
    for (;;) {
        ssize_t n = ::read(fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        ::_exit(99);  // the test let go of the child: not what any test here does
    }
}

/// Blocks @p sig in the calling thread (so that sigwait can take it).
inline void block_signal(int sig) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    ::sigprocmask(SIG_BLOCK, &set, nullptr);
}

/// In a child that blocked SIGTERM: waits for it, reports "cleaned up" on @p fd, then
/// dies by SIGTERM as if uncaught (the way a clean shutdown should look to the parent).
[[noreturn]] inline void clean_shutdown_on_term(int fd) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    int sig = 0;
    while (::sigwait(&set, &sig) != 0) {
    }
    put(fd, "cleaned up\n");
    ::signal(SIGTERM, SIG_DFL);
    ::sigprocmask(SIG_UNBLOCK, &set, nullptr);  // the pending-free SIGTERM: raise it anew
    ::raise(SIGTERM);
    ::_exit(98);
}

}  // namespace lab07
