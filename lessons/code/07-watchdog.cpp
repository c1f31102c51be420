// lesson-07-watchdog: a tiny watchdog of one child, with a pipe for readiness.
//
// It starts COMMAND in a process group of its own, with a pipe on descriptor 3 (named in
// WATCHDOG_READY_FD) on which the child writes the line "READY" once it is up; other
// lines there are passed on. A child not ready within READY_MS is stopped (SIGTERM to
// its group, then SIGKILL after a grace period); a child that ends is started again
// after a growing delay, at most three starts in all. SIGTERM or SIGINT to the watchdog
// stops the child politely, and then the watchdog ends as the signal would have ended it.
//
//   lesson-07-watchdog READY_MS -- COMMAND [ARG...]
#include <fcntl.h>
#include <poll.h>
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
// so children do not inherit it) and routes SIGTERM and SIGINT to the handler.
void install_stop_handler() {
    course::check(::pipe2(stop_pipe, O_CLOEXEC), "pipe2");
    int flags = course::check(::fcntl(stop_pipe[1], F_GETFL), "fcntl F_GETFL");
    course::check(::fcntl(stop_pipe[1], F_SETFL, flags | O_NONBLOCK), "fcntl F_SETFL");
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (int sig : {SIGTERM, SIGINT})
        course::check(::sigaction(sig, &action, nullptr), "sigaction");
}
//< self-pipe

//> reraise
// Ends the process as @p sig would have: default action back, then the signal again.
[[noreturn]] void die_of(int sig) {
    std::cout << std::flush;
    ::signal(sig, SIG_DFL);
    ::raise(sig);  // not blocked: we are gone before raise returns
    ::_exit(128 + sig);
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

// One started child: its PID (also its process group's ID), its pidfd, the read end of
// its readiness pipe.
struct Child {
    pid_t pid = -1;
    int pidfd = -1;
    int ready_fd = -1;
    std::string name;
};

//> ready-fd
// Starts @p argv in a new process group with the write end of a pipe as descriptor 3,
// and says so in WATCHDOG_READY_FD (as systemd names its socket in NOTIFY_SOCKET).
Child start_child(const std::vector<char*>& argv) {
    int ready[2];
    course::check(::pipe2(ready, O_CLOEXEC), "pipe2");
    pid_t pid = course::check(::fork(), "fork");
    if (pid == 0) {
        ::setpgid(0, 0);  // a group of our own: the watchdog signals all we start
        // dup2 clears close-on-exec on the copy; if the pipe is descriptor 3 already,
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
    ::close(ready[1]);    // ours would keep the pipe open after the child's death
    Child child{pid, -1, ready[0], argv[0]};
    child.pidfd = static_cast<int>(course::check(::syscall(SYS_pidfd_open, pid, 0), "pidfd_open"));
    std::cout << "watchdog: started " << child.name << " (pid " << pid << ")" << std::endl;
    return child;
}
//< ready-fd

//> group-signal
// Sends @p sig to the child's whole process group: the child and whatever it started.
// Only for a child not reaped yet, whose PID cannot have been given to anyone else.
void signal_group(const Child& child, int sig) {
    if (::kill(-child.pid, sig) == -1 && errno != ESRCH)  // ESRCH: all of it is gone
        course::throw_errno("kill");
}
//< group-signal

// Waits up to @p timeout (forever if negative) for the child to end; its status if it did.
std::optional<int> wait_ended(const Child& child, milliseconds timeout) {
    pollfd fd{child.pidfd, POLLIN, 0};
    int ready = course::retry_on_eintr(
        "poll", [&] { return ::poll(&fd, 1, timeout.count() < 0 ? -1 : int(timeout.count())); });
    if (ready == 0)
        return std::nullopt;
    int status = 0;
    course::retry_on_eintr("waitpid", [&] { return ::waitpid(child.pid, &status, 0); });
    return status;
}

void release(Child& child) {
    ::close(child.pidfd);
    ::close(child.ready_fd);
}

//> stop
// Stops the child politely: SIGTERM to its group (and SIGCONT, in case it is stopped),
// a grace period, then SIGKILL, which cannot be caught. Returns how it ended.
std::string stop(Child& child) {
    signal_group(child, SIGTERM);
    signal_group(child, SIGCONT);
    if (std::optional<int> status = wait_ended(child, kGrace))
        return "ended after SIGTERM: " + describe(*status);
    signal_group(child, SIGKILL);
    int status = *wait_ended(child, milliseconds(-1));
    return "killed by SIGKILL after the grace period: " + describe(status);
}
//< stop

//> line-buffer
// A pipe delivers bytes, not lines: "REA" now, "DY\nhello\n" later. Keeps the unfinished
// tail and hands back each complete line.
class LineBuffer {
  public:
    std::vector<std::string> feed(std::string_view bytes) {
        pending_.append(bytes);
        std::vector<std::string> lines;
        std::size_t start = 0, newline;
        while ((newline = pending_.find('\n', start)) != std::string::npos) {
            lines.push_back(pending_.substr(start, newline - start));
            start = newline + 1;
        }
        pending_.erase(0, start);
        return lines;
    }

  private:
    std::string pending_;
};
//< line-buffer

enum class Outcome { ended, not_ready, stopped };

//> watch
// Watches one child until it ends, misses its readiness deadline, or we are told to stop:
// one poll() on three descriptors, so that no event is missed while waiting for another.
Outcome watch(Child& child, milliseconds ready_within) {
    Clock::time_point deadline = Clock::now() + ready_within;
    bool ready = false, pipe_open = true;
    LineBuffer lines;
    for (;;) {
        pollfd fds[] = {{child.pidfd, POLLIN, 0},
                        {stop_pipe[0], POLLIN, 0},
                        {pipe_open ? child.ready_fd : -1, POLLIN, 0}};  // -1: ignored
        auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
        int timeout = ready ? -1 : int(std::max<long long>(0, left.count()));
        int n = course::retry_on_eintr("poll", [&] { return ::poll(fds, 3, timeout); });
        if (fds[1].revents != 0)
            return Outcome::stopped;
        if (fds[2].revents != 0) {
            char bytes[512];
            ssize_t got = course::retry_on_eintr(
                "read", [&] { return ::read(child.ready_fd, bytes, sizeof bytes); });
            pipe_open = got > 0;
            for (const std::string& line : lines.feed(std::string_view(bytes, size_t(got)))) {
                if (line == "READY" && !ready)
                    std::cout << "watchdog: " << child.name << " is ready" << std::endl;
                else
                    std::cout << "watchdog: " << child.name << " says: " << line << std::endl;
                ready = ready || line == "READY";
            }
            continue;  // read the pipe dry before looking at the pidfd
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
            how = describe(*wait_ended(child, milliseconds(-1)));
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
            die_of(stop_signal);  // we were asked to end: end as the signal would have
        if (start == kMaxStarts) {
            std::cout << "watchdog: giving up after " << kMaxStarts << " starts" << std::endl;
            return 1;
        }
        milliseconds delay = restart_delay(start + 1);
        std::cout << "watchdog: restarting in " << delay.count() << " ms" << std::endl;
        pollfd stop_fd{stop_pipe[0], POLLIN, 0};  // a stop request cuts the delay short
        if (course::retry_on_eintr("poll", [&] { return ::poll(&stop_fd, 1, int(delay.count())); }))
            die_of(stop_signal);
    }
    //< restart-loop
}
