// Lab 07 — a supervisor for a forever task. Each function marked TODO is part of Task 3;
// the header documents the contract (including every log line) and the lesson explains
// backoff and start limits.
#include "supervisor.hpp"

#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <iostream>
#include <sstream>

#include "course/sys.hpp"
#include "course/todo.hpp"
#include "course/unique_fd.hpp"

namespace proc {

// TODO: Task 3 — sleep in poll() on stop_fd for the time given; false if it woke early.
bool real_sleep_for([[maybe_unused]] double seconds, [[maybe_unused]] int stop_fd) {
    course::todo("Task 3");
}

// TODO: Task 3 — initial · factor^(deaths − 1), capped at max_backoff.
double backoff_delay([[maybe_unused]] const SupervisorOptions& options,
                     [[maybe_unused]] int deaths) {
    course::todo("Task 3");
}

std::string format_seconds(double seconds) {
    std::ostringstream out;
    out << seconds;  // %g with 6 significant digits: 0.1, 1.6, 25.6, 60
    return out.str();
}

Supervisor::Supervisor(Launch launch, SupervisorOptions options)
    : launch_(std::move(launch)), options_(std::move(options)) {
    if (!options_.clock)
        options_.clock = monotonic_seconds;
    if (!options_.sleep_for)
        options_.sleep_for = real_sleep_for;
}

void Supervisor::log(const std::string& line) const {
    if (options_.log)
        options_.log(line);
    else
        std::cerr << "supervisor: " << line << std::endl;
}

// glibc 2.36's <sys/pidfd.h> lacks extern "C" (fixed in 2.37), so C++ cannot link its
// pidfd_open: this makes the system call directly. Use it.
[[maybe_unused]] static int open_pidfd(pid_t pid) {
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}

// TODO: Task 3 — wait in one poll() for the task's pidfd or the stop descriptor; reap
// the task if it ended, return none if a stop was requested.
std::optional<ExitStatus> Supervisor::wait_or_stop([[maybe_unused]] Child& child) {
    course::todo("Task 3");
}

// TODO: Task 3 — remember this death (with the clock's time), forget the deaths that
// left the window, and say whether there were too many.
bool Supervisor::note_death([[maybe_unused]] const ExitStatus& status) {
    course::todo("Task 3");
}

// TODO: Task 3 — start, wait, log, restart after the backoff; give up or stop as the
// header describes, with exactly its log lines.
SupervisorResult Supervisor::run() {
    course::todo("Task 3");
}

Supervisor::Launch launch_command(std::vector<std::string> argv) {
    return [argv = std::move(argv)] {
        SpawnOptions options;
        options.new_process_group = true;  // stop_gracefully signals the whole group
        return spawnp(argv.at(0), argv, current_environment(), options);
    };
}

}  // namespace proc
