// Lab 08 — a shell's hold on its terminal. Each function marked TODO is part of Task 2;
// terminal.hpp is the contract, and the lesson (lessons/08-job-control.md) explains why a
// shell ignores the very signals its jobs get.
#include "terminal.hpp"

#include <unistd.h>

#include <cerrno>

#include "course/sys.hpp"
#include "course/todo.hpp"

namespace proc {

// TODO: Task 2 — check that fd is the caller's controlling terminal (tcgetsid) before
// changing anything; remember the foreground group; ignore kShellIgnores (keep the old
// actions, put them back if a later step fails); lead a group; take the foreground; save
// the modes.
Terminal::Terminal(int fd) : fd_(fd) {
    course::todo("Task 2");
}

// TODO: Task 2 — the foreground back to the group that had it, the signals' old actions
// back (a destructor must not throw).
Terminal::~Terminal() {}

// TODO: Task 2 — the terminal's foreground group now.
pid_t Terminal::foreground() const {
    course::todo("Task 2");
}

// TODO: Task 2 — make pgid the foreground group.
void Terminal::give_to([[maybe_unused]] pid_t pgid) const {
    course::todo("Task 2");
}

// TODO: Task 2 — the foreground back to the shell's group, then the shell's modes.
void Terminal::take_back() const {
    course::todo("Task 2");
}

}  // namespace proc
