// lesson-08-default-actions: what each signal does to a process that has not asked for
// anything else. For each signal, a fresh child waits on a pipe; the signal is sent, then
// the pipe is closed, and the child's first wait status tells the story: killed by the
// signal, stopped by it, or nothing at all (the child read end of file and exited 0).
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "course/sys.hpp"
#include "course/unique_fd.hpp"

namespace {

//> what-the-signal-did
// Sends @p sig to a child that sits in read(), lets the read end, and says what happened.
const char* what_it_does(int sig) {
    course::Pipe gate = course::make_pipe();
    pid_t child = course::check(::fork(), "fork");
    if (child == 0) {
        ::setpgid(0, 0);  // a group of its own, whose parent is here (see "orphaned" below)
        gate.write.reset();
        char byte;
        ssize_t got = ::read(gate.read.get(), &byte, 1);
        ::_exit(got == 0 ? 0 : 1);
    }
    course::check(::setpgid(child, child), "setpgid");  // on both sides: whoever runs first
    course::check(::kill(child, sig), "kill");
    gate.write.reset();  // the child's read() now returns 0, if the child still runs
    int status = 0;
    course::retry_on_eintr("waitpid", [&] { return ::waitpid(child, &status, WUNTRACED); });
    if (WIFSTOPPED(status)) {  // continue it, so that it can read end of file and exit
        course::check(::kill(child, SIGCONT), "kill");
        course::retry_on_eintr("waitpid", [&] { return ::waitpid(child, nullptr, 0); });
        return "stops it";
    }
    return WIFSIGNALED(status) ? "ends it" : "nothing";
}
//< what-the-signal-did

}  // namespace

int main() {
    const int signals[] = {SIGHUP,   SIGINT,  SIGQUIT, SIGPIPE, SIGTERM, SIGUSR1, SIGCHLD,
                           SIGWINCH, SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU, SIGSTOP, SIGKILL};
    rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);  // SIGQUIT's action is "core": no file, please
    try {
        for (int sig : signals) {
            std::printf("SIG%-8s %-9s %s\n", sigabbrev_np(sig), what_it_does(sig),
                        sigdescr_np(sig));
        }
    } catch (const std::exception& e) {
        std::cerr << "lesson-08-default-actions: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
