// Lab 99 — the template: this process's open file descriptors.
//
// Your implementation. Each function below says which task it belongs to; the lesson
// (lessons/99-topic.md) explains what it must do and why, and topic.hpp is the contract
// the tests check.
#include "topic.hpp"

#include <dirent.h>
#include <fcntl.h>

#include <cerrno>

#include "course/sys.hpp"
#include "course/todo.hpp"

namespace proc {

// TODO: Task 1 — count the entries of /proc/self/fd (opendir/readdir, skipping "." and
// ".."), then leave out the one descriptor opendir itself holds while you read.
std::size_t open_descriptor_count() {
    course::todo("Task 1");
}

// TODO: Task 2 — ask fcntl for the descriptor's flags; failure means "not open". This
// function is noexcept, so its stub cannot throw: it answers false until you write it.
bool is_open([[maybe_unused]] int fd) noexcept {
    return false;
}

// TODO: Task 2 — the FD_CLOEXEC bit of fcntl(F_GETFD), through course::check.
bool close_on_exec([[maybe_unused]] int fd) {
    course::todo("Task 2");
}

}  // namespace proc
