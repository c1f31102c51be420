// lesson-07-watchdog: a tiny watchdog of one child, with a socket for readiness.
//
// It starts COMMAND in a process group of its own, with a socket on descriptor 3 (named
// in WATCHDOG_READY_FD) on which the child writes the message "READY" once it is up;
// other messages there are passed on. A child not ready within READY_MS is stopped the
// way systemd's KillMode=mixed stops a service: SIGTERM to the child alone, then, after a
// grace period, SIGKILL to whatever is left of its group. A child that ends is started
// again after a growing delay, at most three starts in all. SIGTERM or SIGINT to the
// watchdog stops the child that way, and then the watchdog ends as the signal would have
// ended it; a second one ends the watchdog at once.
//
//   lesson-07-watchdog READY_MS -- COMMAND [ARG...]
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "course/sys.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kMaxStarts = 3;
constexpr milliseconds kGrace{300};

int stop_pipe[2] = {-1, -1};  // the self-pipe: the handler writes, the main loop polls
volatile sig_atomic_t stop_signal = 0;

//> handler
// Runs between any two instructions of the program: only async-signal-safe calls here.
// It records the signal and writes one byte to the self-pipe, keeping errno intact for
// the code it interrupted.
extern "C" void on_stop_signal(int sig) {
    int saved = errno;
    stop_signal = sig;
    [[maybe_unused]] ssize_t ignored = ::write(stop_pipe[1], "!", 1);  // full: readable anyway
    errno = saved;
}
//< handler

//> self-pipe
// Creates the self-pipe (non-blocking write end, so a handler never blocks; close-on-exec,
// so children do not inherit it) and routes SIGTERM and SIGINT to the handler, once each:
// SA_RESETHAND puts back the default action as the handler starts, so that a second
// signal of the same kind ends the watchdog at once, the way a second Ctrl-C forces many
// tools to quit.
void install_stop_handler() {
    course::check(::pipe2(stop_pipe, O_CLOEXEC), "pipe2");
    int flags = course::check(::fcntl(stop_pipe[1], F_GETFL), "fcntl F_GETFL");
    course::check(::fcntl(stop_pipe[1], F_SETFL, flags | O_NONBLOCK), "fcntl F_SETFL");
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART | SA_RESETHAND;
    for (int sig : {SIGTERM, SIGINT})
        course::check(::sigaction(sig, &action, nullptr), "sigaction");
}
//< self-pipe

//> reraise
// Ends the process as @p sig, a stop signal that was handled, would have. SA_RESETHAND
// put its default action back when the handler ran, and the signal is blocked only while
// a handler runs, so raising it again is all there is to do.
[[noreturn]] void end_as(int sig) {
    std::cout << std::flush;  // the default action ends us without flushing stdio
    ::raise(sig);
    std::abort();  // not reached: SIGTERM and SIGINT end a process by default
}
//< reraise

std::string describe(int status) {
    if (WIFEXITED(status))
        return "exited with code " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        const char* name = ::sigabbrev_np(WTERMSIG(status));
        return name ? std::string("killed by SIG") + name
                    : "killed by signal " + std::to_string(WTERMSIG(status));
    }
    return "status " + std::to_string(status);
}

// One started child: its PID (also its process group's ID), its pidfd, our end of its
// readiness socket.
struct Child {
    pid_t pid = -1;
    int pidfd = -1;
    int ready_fd = -1;
    std::string name;
};

//> ready-fd
// Starts @p argv in a new process group with one end of a socket pair as descriptor 3,
// and says so in WATCHDOG_READY_FD (as systemd names its socket in NOTIFY_SOCKET). The
// socket is SOCK_SEQPACKET: each write is read as one message, whole, on its own.
Child start_child(const std::vector<char*>& argv) {
    int ready[2];
    course::check(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ready), "socketpair");
    pid_t pid = course::check(::fork(), "fork");
    if (pid == 0) {
        ::setpgid(0, 0);  // a group of our own: the watchdog signals all we start
        // dup2 clears close-on-exec on the copy; if the socket is descriptor 3 already,
        // clear it by hand.
        if (ready[1] == 3)
            ::fcntl(3, F_SETFD, 0);
        else
            ::dup2(ready[1], 3);
        ::setenv("WATCHDOG_READY_FD", "3", 1);
        ::execvp(argv[0], argv.data());
        ::_exit(127);
    }
    ::setpgid(pid, pid);  // also here, so that the group exists before we signal it
    ::close(ready[1]);    // ours would keep the socket open after the child's death
    Child child{pid, -1, ready[0], argv[0]};
    child.pidfd = static_cast<int>(course::check(::syscall(SYS_pidfd_open, pid, 0), "pidfd_open"));
    std::cout << "watchdog: started " << child.name << " (pid " << pid << ")" << std::endl;
    return child;
}
//< ready-fd

//> signals
// Sends @p sig to the child alone, through its pidfd: a pidfd names that one process, so
// the signal can never reach another process that was given its PID.
void signal_child(const Child& child, int sig) {
    course::check(::syscall(SYS_pidfd_send_signal, child.pidfd, sig, nullptr, 0),
                  "pidfd_send_signal");
}

// SIGKILL to whatever is left of the child's process group: the child, if it still runs,
// and what it started. Only before the child is reaped: until then, its group keeps its
// ID, which is the child's PID, and no other process can be given it.
void kill_group(const Child& child) {
    if (::killpg(child.pid, SIGKILL) == -1 && errno != ESRCH)  // ESRCH: nobody left in it
        course::throw_errno("killpg");
}
//< signals

// Has the child ended within @p timeout? Its pidfd becomes readable when it does; the
// child is left unreaped, a zombie, so that its PID and group ID stay taken.
bool ended_within(const Child& child, milliseconds timeout) {
    pollfd fd{child.pidfd, POLLIN, 0};
    return course::retry_on_eintr("poll", [&] { return ::poll(&fd, 1, int(timeout.count())); }) > 0;
}

// Kills what the ended (or ending) child leaves in its group, then reaps the child.
int reap(Child& child) {
    kill_group(child);
    int status = 0;
    course::retry_on_eintr("waitpid", [&] { return ::waitpid(child.pid, &status, 0); });
    return status;
}

void release(Child& child) {
    ::close(child.pidfd);
    ::close(child.ready_fd);
}

//> stop
// Stops the child as systemd's KillMode=mixed does: SIGTERM to the child alone (and
// SIGCONT, in case it is stopped), a grace period, then SIGKILL, which cannot be caught,
// to whatever is left of its group. Returns how the child ended.
std::string stop(Child& child) {
    signal_child(child, SIGTERM);
    signal_child(child, SIGCONT);
    bool in_grace = ended_within(child, kGrace);
    std::string how = describe(reap(child));  // reap() sends the SIGKILL
    return (in_grace ? "ended after SIGTERM: " : "killed by SIGKILL after the grace period: ") +
           how;
}
//< stop

enum class Outcome { ended, not_ready, stopped };

//> watch
// Watches one child until it ends, misses its readiness deadline, or we are told to stop:
// one poll() on three descriptors, so that no event is missed while waiting for another.
Outcome watch(Child& child, milliseconds ready_within) {
    Clock::time_point deadline = Clock::now() + ready_within;
    bool ready = false, socket_open = true;
    for (;;) {
        pollfd fds[] = {{child.pidfd, POLLIN, 0},
                        {stop_pipe[0], POLLIN, 0},
                        {socket_open ? child.ready_fd : -1, POLLIN, 0}};  // -1: ignored
        auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
        int timeout = ready ? -1 : int(std::max<long long>(0, left.count()));
        int n = course::retry_on_eintr("poll", [&] { return ::poll(fds, 3, timeout); });
        if (fds[1].revents != 0)
            return Outcome::stopped;
        if (fds[2].revents != 0) {
            char bytes[512];  // one message per read: what one write sent (longer is cut)
            ssize_t got = course::retry_on_eintr(
                "read", [&] { return ::read(child.ready_fd, bytes, sizeof bytes); });
            socket_open = got > 0;  // 0: every copy of the child's end is closed
            std::string_view message(bytes, std::size_t(std::max<ssize_t>(got, 0)));
            if (message.ends_with('\n'))
                message.remove_suffix(1);  // `echo READY` sends "READY\n"
            if (got > 0 && message == "READY" && !ready)
                std::cout << "watchdog: " << child.name << " is ready" << std::endl;
            else if (got > 0)
                std::cout << "watchdog: " << child.name << " says: " << message << std::endl;
            ready = ready || message == "READY";
            continue;  // read every message before looking at the pidfd
        }
        if (fds[0].revents != 0)
            return Outcome::ended;
        if (n == 0 && !ready)
            return Outcome::not_ready;
    }
}
//< watch

//> backoff
// The delay before start number @p start (2, 3, ...): 100 ms, doubled each time, at most 1 s.
milliseconds restart_delay(int start) {
    return std::min(milliseconds(100) * (1 << std::min(start - 2, 10)), milliseconds(1000));
}
//< backoff

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4 || std::strcmp(argv[2], "--") != 0) {
        std::cerr << "usage: lesson-07-watchdog READY_MS -- COMMAND [ARG...]\n";
        return 2;
    }
    milliseconds ready_within(std::atoi(argv[1]));
    std::vector<char*> command(argv + 3, argv + argc);
    command.push_back(nullptr);
    install_stop_handler();
    //> restart-loop
    for (int start = 1;; ++start) {
        Child child = start_child(command);
        Outcome outcome = watch(child, ready_within);
        std::string how;
        if (outcome == Outcome::ended) {
            how = describe(reap(child));
        } else {
            std::cout << "watchdog: "
                      << (outcome == Outcome::stopped
                              ? "stopping " + child.name
                              : child.name + " not ready after " +
                                    std::to_string(ready_within.count()) + " ms")
                      << std::endl;
            how = stop(child);
        }
        std::cout << "watchdog: " << child.name << " (pid " << child.pid << ") " << how
                  << std::endl;
        release(child);
        if (outcome == Outcome::stopped)
            end_as(stop_signal);  // we were asked to end: end as the signal would have
        if (start == kMaxStarts) {
            std::cout << "watchdog: giving up after " << kMaxStarts << " starts" << std::endl;
            return 1;
        }
        milliseconds delay = restart_delay(start + 1);
        std::cout << "watchdog: restarting in " << delay.count() << " ms" << std::endl;
        pollfd stop_fd{stop_pipe[0], POLLIN, 0};  // a stop request cuts the delay short
        if (course::retry_on_eintr("poll", [&] { return ::poll(&stop_fd, 1, int(delay.count())); }))
            end_as(stop_signal);
    }
    //< restart-loop
}
