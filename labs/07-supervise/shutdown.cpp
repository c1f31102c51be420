// Lab 07 — noticing SIGTERM safely. Each function marked TODO is part of Task 2; the
// header documents the contract and the lesson explains the rules a handler must obey.
#include "shutdown.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include "course/sys.hpp"
#include "course/todo.hpp"

namespace proc {

// TODO: Task 2 — a pipe whose write end is non-blocking, a handler that only stores the
// signal in a volatile sig_atomic_t and writes one byte to the pipe (saving errno), and
// sigaction for each signal, keeping the previous dispositions. Only one at a time.
ShutdownFlag::ShutdownFlag(std::initializer_list<int> signals) : signals_(signals) {
    course::todo("Task 2");
}

// TODO: Task 2 — restore the previous dispositions (a destructor must not throw).
ShutdownFlag::~ShutdownFlag() {}

// TODO: Task 2 — has a signal arrived?
bool ShutdownFlag::requested() const noexcept {
    return false;
}

// TODO: Task 2 — which signal arrived (0 if none)?
int ShutdownFlag::signal() const noexcept {
    return 0;
}

// TODO: Task 2 — sleep in poll() on the pipe until a signal arrives or the time is up.
bool ShutdownFlag::wait_for([[maybe_unused]] std::chrono::milliseconds timeout) const {
    course::todo("Task 2");
}

// TODO: Task 2 — default disposition, unblock, raise; _exit(128 + sig) if still alive.
void exit_as_if_killed_by([[maybe_unused]] int sig) {
    course::todo("Task 2");
}

}  // namespace proc
