// lesson-08-terminal: what a terminal does with a session's process groups, measured on a
// new pseudo-terminal. The program plays the terminal emulator: it opens the terminal's
// master side, and forks the process that starts a session on the slave side (as a login
// shell would). That session leader then stages each scene with children in groups of
// their own, and says what happened to them; it types keys by writing to the master, as
// the emulator does when you press them. At the end the emulator closes the master: the
// terminal hangs up.
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <functional>
#include <iostream>
#include <string>

#include "course/sys.hpp"
#include "course/unique_fd.hpp"

namespace {

// How a child's first change ended up, in words; a stopped child is then killed and reaped.
std::string fate(pid_t child) {
    int status = 0;
    course::retry_on_eintr("waitpid", [&] { return ::waitpid(child, &status, WUNTRACED); });
    if (WIFSTOPPED(status)) {
        course::check(::kill(child, SIGKILL), "kill");
        course::retry_on_eintr("waitpid", [&] { return ::waitpid(child, nullptr, 0); });
        return std::string("stopped by SIG") + sigabbrev_np(WSTOPSIG(status));
    }
    if (WIFSIGNALED(status))
        return std::string("killed by SIG") + sigabbrev_np(WTERMSIG(status));
    return "exited with code " + std::to_string(WEXITSTATUS(status));
}

// Forks a child that runs @p scene in a process group of its own and exits with what
// @p scene returns.
pid_t in_a_group_of_its_own(const std::function<int()>& scene) {
    std::cout << std::flush;  // nothing buffered may be written twice
    pid_t child = course::check(::fork(), "fork");
    if (child == 0) {
        ::setpgid(0, 0);
        ::_exit(scene());
    }
    if (::setpgid(child, child) < 0 && errno != EACCES)  // EACCES: it has done it itself
        course::throw_errno("setpgid");
    return child;
}

// Blocks until @p fd reads end of file; returns 0 (for a scene that must simply wait).
int wait_for_end_of_file(int fd) {
    char byte;
    while (::read(fd, &byte, 1) != 0) {
    }
    return 0;
}

// "yes" or "no".
const char* yes(bool answer) {
    return answer ? "yes" : "no";
}

//> ctrl-c
// Two groups wait on a pipe; one gets the terminal; Ctrl-C is typed.
void ctrl_c(int tty, int master) {
    course::Pipe hold = course::make_pipe();
    auto wait_for_us = [&] {
        hold.write.reset();  // its own copy: the read ends when ours is closed
        return wait_for_end_of_file(hold.read.get());
    };
    pid_t front = in_a_group_of_its_own(wait_for_us);
    pid_t back = in_a_group_of_its_own(wait_for_us);
    course::check(::tcsetpgrp(tty, front), "tcsetpgrp");  // allowed: we are the foreground
    termios modes{};
    course::check(::tcgetattr(tty, &modes), "tcgetattr");
    course::check(::write(master, &modes.c_cc[VINTR], 1), "write");  // the key, Ctrl-C
    std::cout << "Ctrl-C typed: foreground group: " << fate(front);
    hold.write.reset();  // the other one reads end of file now, and exits
    std::cout << "; other group: " << fate(back) << "; session leader: still here\n";
}
//< ctrl-c

//> background
// A process outside the foreground group reads the terminal, then changes its foreground.
void background(int tty) {
    pid_t reader = in_a_group_of_its_own([&] {
        char byte;
        return ::read(tty, &byte, 1) < 0 ? 1 : 0;
    });
    std::cout << "background process reads the terminal: " << fate(reader) << "\n";
    for (bool ignoring : {false, true}) {
        pid_t taker = in_a_group_of_its_own([&] {
            if (ignoring)
                ::signal(SIGTTOU, SIG_IGN);
            return ::tcsetpgrp(tty, ::getpgrp()) < 0 ? 1 : 0;
        });
        std::cout << "background process " << (ignoring ? "ignoring SIGTTOU " : "")
                  << "calls tcsetpgrp: " << fate(taker) << "\n";
    }
}
//< background

//> orphaned
// The session leader, now outside the foreground group, takes it back.
void leader_takes_back(int tty) {
    std::cout << "session leader, in the background, calls tcsetpgrp: ";
    if (::tcsetpgrp(tty, ::getpgrp()) < 0)
        std::cout << strerror(errno) << " (" << strerrorname_np(errno) << ")";
    ::signal(SIGTTOU, SIG_IGN);
    course::check(::tcsetpgrp(tty, ::getpgrp()), "tcsetpgrp");
    std::cout << "; ignoring SIGTTOU: done\n";
}
//< orphaned

// The session: its leader's side of the story, up to the hangup.
[[noreturn]] void session(const char* terminal, int master, int hang_up_now) {
    int tty = -1;
    if (::setsid() < 0 || (tty = ::open(terminal, O_RDWR)) < 0)  // no O_NOCTTY: ours now
        ::_exit(1);
    std::cout << "new session: session ID = group ID = leader's PID: "
              << yes(::getsid(0) == ::getpid() && ::getpgrp() == ::getpid())
              << "; leader's group is the foreground: " << yes(::tcgetpgrp(tty) == ::getpgrp())
              << "\n";
    try {
        ctrl_c(tty, master);
        background(tty);
        leader_takes_back(tty);
    } catch (const std::exception& e) {
        std::cout << "lesson-08-terminal: " << e.what() << "\n";
    }
    std::cout << std::flush;
    ::close(master);  // from now on the emulator holds the only copy
    ::close(hang_up_now);
    wait_for_end_of_file(tty);  // until the hangup: read() then returns 0, if SIGHUP spares us
    ::_exit(0);
}

}  // namespace

int main() {
    try {
        course::UniqueFd master(course::check(::posix_openpt(O_RDWR | O_NOCTTY), "posix_openpt"));
        course::check(::grantpt(master.get()), "grantpt");
        course::check(::unlockpt(master.get()), "unlockpt");
        const char* terminal = ::ptsname(master.get());
        if (terminal == nullptr)
            course::throw_errno("ptsname");
        course::Pipe ready = course::make_pipe();
        std::cout << std::flush;
        pid_t leader = course::check(::fork(), "fork");
        if (leader == 0)
            session(terminal, master.get(), ready.write.get());
        ready.write.reset();
        wait_for_end_of_file(ready.read.get());
        //> hang-up
        master.reset();  // the emulator's window closes
        std::cout << "terminal hung up: session leader: " << fate(leader) << "\n";
        //< hang-up
    } catch (const std::exception& e) {
        std::cerr << "lesson-08-terminal: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
