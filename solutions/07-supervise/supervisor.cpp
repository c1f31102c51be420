// Lab 07, task 3 — a supervisor with backoff and a start limit (reference solution).
#include "supervisor.hpp"

#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <iostream>
#include <sstream>

#include "course/sys.hpp"
#include "course/unique_fd.hpp"

namespace proc {

namespace {

// "exited with code 1 (raw status 256)" without its raw number, for log lines.
std::string brief(const ExitStatus& status) {
    std::string text = status.to_string();
    return text.substr(0, text.find(" (raw status"));
}

// Waits in poll() for @p fds, at most @p timeout_ms (-1: for ever), retrying after EINTR
// with the time left. @returns poll's count (0: timed out).
int poll_for(pollfd* fds, nfds_t count, int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
        int ready = ::poll(fds, count, timeout_ms);
        if (ready >= 0)
            return ready;
        if (errno != EINTR)
            course::throw_errno("poll");
        if (timeout_ms > 0) {
            auto left = std::chrono::ceil<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            timeout_ms = static_cast<int>(std::max<long long>(0, left.count()));
        }
    }
}

}  // namespace

bool real_sleep_for(double seconds, int stop_fd) {
    pollfd entry{stop_fd, POLLIN, 0};  // poll ignores an entry whose fd is negative
    // Clamped: poll takes an int of milliseconds (about 24 days at most).
    double ms = std::min(std::ceil(std::max(0.0, seconds) * 1000), double(INT_MAX));
    return poll_for(&entry, 1, static_cast<int>(ms)) == 0;
}

double backoff_delay(const SupervisorOptions& options, int deaths) {
    double delay = options.initial_backoff * std::pow(options.backoff_factor, deaths - 1);
    return std::min(delay, options.max_backoff);
}

std::optional<ExitStatus> Supervisor::wait_or_stop(Child& child) {
    // One poll for both events: the task's pidfd becomes readable when it ends, the
    // stop descriptor when someone asks us to stop. No busy loop, no missed event.
    course::UniqueFd pidfd(course::check(open_pidfd(child.pid()), "pidfd_open"));
    pollfd fds[2] = {{pidfd.get(), POLLIN, 0}, {options_.stop_fd, POLLIN, 0}};
    poll_for(fds, 2, -1);
    if (fds[1].revents != 0)
        return std::nullopt;  // stop wins, even if both are ready
    return wait(child);       // the pidfd is readable: it has ended, this cannot block
}

bool Supervisor::note_death(const ExitStatus& status) {
    double now = options_.clock();
    deaths_.emplace_back(now, brief(status));
    // Forget deaths that left the window: a task that crashes once a day is restarted
    // for ever; one that crashes in a loop is given up on.
    std::erase_if(deaths_, [&](const auto& death) { return death.first <= now - options_.window; });
    return static_cast<int>(deaths_.size()) > options_.max_restarts;
}

namespace {

// "once", "2 times", ...
std::string times(std::size_t n) {
    return n == 1 ? "once" : std::to_string(n) + " times";
}

// "(exited with code 1 each time)" or "(last time: killed by SIGSEGV)".
std::string how_it_died(const std::vector<std::pair<double, std::string>>& deaths) {
    bool same = std::all_of(deaths.begin(), deaths.end(), [&](const auto& death) {
        return death.second == deaths.back().second;
    });
    return same ? "(" + deaths.back().second + " each time)"
                : "(last time: " + deaths.back().second + ")";
}

}  // namespace

SupervisorResult Supervisor::run() {
    SupervisorResult result{SupervisorOutcome::stopped, 0, std::nullopt};
    const std::string& name = options_.name;
    for (;;) {
        Child child = launch_();  // if anything below throws, ~Child kills and reaps it
        ++result.starts;
        std::string who = name + " (pid " + std::to_string(child.pid()) + ")";
        log("started " + who);
        std::optional<ExitStatus> status = wait_or_stop(child);
        if (!status) {
            log("stopping " + who);
            DeadlineResult stop = stop_gracefully(child, options_.grace);
            log(who + " " + to_string(stop.ending) + ": " + brief(stop.status));
            result.last_status = stop.status;
            return result;
        }
        result.last_status = status;
        log(who + " " + brief(*status));
        if (note_death(*status)) {
            log("giving up on " + name + ": it failed " + times(deaths_.size()) + " in " +
                format_seconds(options_.window) + " s " + how_it_died(deaths_));
            result.outcome = SupervisorOutcome::gave_up;
            return result;
        }
        double delay = backoff_delay(options_, static_cast<int>(deaths_.size()));
        log("restarting " + name + " in " + format_seconds(delay) + " s");
        if (!options_.sleep_for(delay, options_.stop_fd)) {
            log("stopped while waiting to restart " + name);
            return result;
        }
    }
}

}  // namespace proc
