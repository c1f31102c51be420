// lesson-08-pending: a blocked signal waits, pending, until it is unblocked; and an
// ordinary signal sent five times while it waits arrives once, where a real-time signal
// arrives five times. The same holds for SIGCHLD: five children that end while it is
// blocked leave one SIGCHLD.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <iostream>
#include <vector>

#include "course/sys.hpp"

namespace {

volatile sig_atomic_t usr1_runs = 0;
volatile sig_atomic_t realtime_runs = 0;

extern "C" void count_usr1(int) {
    usr1_runs = usr1_runs + 1;
}
extern "C" void count_realtime(int) {
    realtime_runs = realtime_runs + 1;
}

void handle(int sig, void (*handler)(int)) {
    struct sigaction action {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    course::check(::sigaction(sig, &action, nullptr), "sigaction");
}

//> five-sent-one-pending
// Blocks SIGUSR1 and SIGRTMIN, sends each five times, and counts the handlers' runs once
// both are unblocked.
void five_of_each() {
    sigset_t both, old;
    sigemptyset(&both);
    sigaddset(&both, SIGUSR1);
    sigaddset(&both, SIGRTMIN);
    course::check(::sigprocmask(SIG_BLOCK, &both, &old), "sigprocmask");
    for (int i = 0; i < 5; ++i) {
        course::check(::kill(::getpid(), SIGUSR1), "kill");
        course::check(::kill(::getpid(), SIGRTMIN), "kill");
    }
    sigset_t pending;
    course::check(::sigpending(&pending), "sigpending");
    std::cout << "blocked, sent 5 times each: SIGUSR1 pending " << sigismember(&pending, SIGUSR1)
              << ", SIGRTMIN pending " << sigismember(&pending, SIGRTMIN) << ", handlers run "
              << usr1_runs + realtime_runs << " times\n";
    course::check(::sigprocmask(SIG_SETMASK, &old, nullptr), "sigprocmask");  // now they run
    std::cout << "unblocked: the SIGUSR1 handler ran " << usr1_runs << " time(s), the SIGRTMIN "
              << "handler " << realtime_runs << " time(s)\n";
}
//< five-sent-one-pending

// Five children end while SIGCHLD is blocked: how many SIGCHLD are pending then?
void five_children() {
    sigset_t chld, old;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    course::check(::sigprocmask(SIG_BLOCK, &chld, &old), "sigprocmask");
    std::vector<pid_t> children;
    for (int i = 0; i < 5; ++i) {
        pid_t pid = course::check(::fork(), "fork");
        if (pid == 0)
            ::_exit(0);
        children.push_back(pid);
    }
    for (pid_t pid : children) {  // ended, but left for the waitpid below (WNOWAIT)
        siginfo_t info{};
        course::retry_on_eintr(
            "waitid", [&] { return ::waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT); });
    }
    int taken = 0;
    timespec now{0, 0};  // do not wait: only take what is pending
    while (::sigtimedwait(&chld, nullptr, &now) == SIGCHLD)
        ++taken;
    int reaped = 0;
    while (::waitpid(-1, nullptr, WNOHANG) > 0)  // this program's children are all ours
        ++reaped;
    course::check(::sigprocmask(SIG_SETMASK, &old, nullptr), "sigprocmask");
    std::cout << "5 children ended while SIGCHLD was blocked: " << taken << " SIGCHLD pending, "
              << reaped << " children reaped by one loop of waitpid(WNOHANG)\n";
}

}  // namespace

int main() {
    try {
        handle(SIGUSR1, count_usr1);
        handle(SIGRTMIN, count_realtime);
        five_of_each();
        five_children();
    } catch (const std::exception& e) {
        std::cerr << "lesson-08-pending: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
