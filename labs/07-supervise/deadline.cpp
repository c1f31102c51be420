// Lab 07 — a deadline for a child. Each function marked TODO is part of Task 1; the
// header documents the contract and the lesson explains why it is done this way.
#include "deadline.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include "course/sys.hpp"
#include "course/todo.hpp"

namespace proc {

// TODO: Task 1 — signal the child's whole process group (a negative PID for kill), so
// that what it started dies with it; refuse a reaped child; fall back to the child alone
// when it leads no group.
void signal_group([[maybe_unused]] const Child& child, [[maybe_unused]] int sig) {
    course::todo("Task 1");
}

// TODO: Task 1 — SIGTERM (and SIGCONT) to the group, wait for at most the grace period
// without busy-waiting (Lab 04), then SIGKILL and reap; say which one ended it.
DeadlineResult stop_gracefully([[maybe_unused]] Child& child,
                               [[maybe_unused]] std::chrono::milliseconds grace) {
    course::todo("Task 1");
}

// TODO: Task 1 — wait for at most the timeout; if the child is still running then, stop
// it gracefully.
DeadlineResult run_with_deadline([[maybe_unused]] Child& child,
                                 [[maybe_unused]] std::chrono::milliseconds timeout,
                                 [[maybe_unused]] std::chrono::milliseconds grace) {
    course::todo("Task 1");
}

// TODO: Task 1 — start the command in a new process group (Lab 03), then as above.
DeadlineResult run_with_deadline([[maybe_unused]] const std::vector<std::string>& argv,
                                 [[maybe_unused]] std::chrono::milliseconds timeout,
                                 [[maybe_unused]] std::chrono::milliseconds grace,
                                 [[maybe_unused]] SpawnOptions options) {
    course::todo("Task 1");
}

}  // namespace proc
