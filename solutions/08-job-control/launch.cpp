// Lab 08, task 1 — starting a job in a process group of its own (reference solution).
#include "launch.hpp"

#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include "course/sys.hpp"
#include "wait.hpp"

namespace proc {

namespace {

// The signals a shell ignores or blocks that a program must get back as their defaults.
constexpr int kResetInChild[] = {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGCHLD};

// tcsetpgrp with SIGTTOU blocked: from outside the foreground group (the child before it
// is given the terminal, the parent once the child has taken it) the call raises SIGTTOU,
// whose default action would stop the caller. A blocked SIGTTOU is not sent at all.
// Async-signal-safe, for the child. Returns tcsetpgrp's result, errno kept. (sigprocmask
// fails only for a bad argument, which these are not.)
int set_foreground(int tty, pid_t pgid) {
    sigset_t ttou, old;
    sigemptyset(&ttou);
    sigaddset(&ttou, SIGTTOU);
    sigprocmask(SIG_BLOCK, &ttou, &old);
    int result = ::tcsetpgrp(tty, pgid);
    int saved = errno;
    sigprocmask(SIG_SETMASK, &old, nullptr);
    errno = saved;
    return result;
}

// What the child sends back when it cannot become the program: which call failed, and why.
struct Failure {
    int step;  // an index into kSteps
    int error;
};
constexpr const char* kSteps[] = {"setpgid", "tcsetpgrp", "execvp"};

// In the child, between fork and exec: only async-signal-safe calls. Reports a failure on
// @p report and exits 127, as a shell does for a command it cannot run.
[[noreturn]] void become_job(char* const* argv, int foreground_tty, int report) {
    Failure failure{0, 0};
    // Our own group first: until then, a Ctrl-C meant for the shell's group reaches us.
    if (::setpgid(0, 0) < 0) {
        failure = {0, errno};
    } else if (foreground_tty >= 0 && set_foreground(foreground_tty, ::getpid()) < 0) {
        failure = {1, errno};
    } else {
        struct sigaction default_action {};
        default_action.sa_handler = SIG_DFL;
        for (int sig : kResetInChild)
            ::sigaction(sig, &default_action, nullptr);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::execvp(argv[0], argv);
        failure = {2, errno};  // exec returns only when it fails
    }
    [[maybe_unused]] ssize_t n = ::write(report, &failure, sizeof failure);  // atomic: 8 bytes
    ::_exit(127);
}

}  // namespace

Child launch_job(const std::vector<std::string>& argv, int foreground_tty) {
    if (argv.empty())
        throw std::invalid_argument("launch_job: no program to run");
    // Everything the child needs is made before fork: it may not allocate afterwards.
    std::vector<char*> words;
    for (const std::string& word : argv)
        words.push_back(const_cast<char*>(word.c_str()));  // exec never writes to them
    words.push_back(nullptr);
    course::Pipe report = course::make_pipe();  // close-on-exec: closes when exec succeeds

    pid_t pid = course::check(::fork(), "fork");
    if (pid == 0)
        become_job(words.data(), foreground_tty, report.write.get());
    Child job(pid);  // from here, a throw kills and reaps it

    // The same two steps as the child, in case we run first. EACCES: the child has already
    // exec'd, which it does only after both steps.
    if (::setpgid(pid, pid) < 0 && errno != EACCES)
        course::throw_errno("setpgid");
    if (foreground_tty >= 0 && set_foreground(foreground_tty, pid) < 0)
        course::throw_errno("tcsetpgrp");
    report.write.reset();
    Failure failure{};
    ssize_t got = course::retry_on_eintr(
        "read", [&] { return ::read(report.read.get(), &failure, sizeof failure); });
    if (got == 0)
        return job;  // end of file: exec closed the child's copy, the program runs

    wait(job);  // Lab 04: the child has exited 127
    // The terminal went to a group that is gone: take it back. Best effort: the error
    // to report is the child's.
    if (foreground_tty >= 0)
        set_foreground(foreground_tty, ::getpgrp());
    course::throw_error(failure.error, std::string(kSteps[failure.step]) + " " + argv[0]);
}

}  // namespace proc
