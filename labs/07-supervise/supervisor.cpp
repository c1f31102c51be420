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

}  // namespace proc
