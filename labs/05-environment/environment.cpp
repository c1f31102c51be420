// Lab 05 — the environment as a value. Replace each course::todo with your code.
#include "environment.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "course/file.hpp"
#include "course/todo.hpp"

extern char** environ;  // the calling process's environment, set up by execve

namespace proc {

// --- Task 1: parse ---

// TODO: Task 1 — split a NUL-separated block (as /proc/PID/environ holds it) into
// entries, following psutil's rules described in environment.hpp.
Environment Environment::parse_block([[maybe_unused]] std::string_view block) {
    course::todo("Task 1");
}

// TODO: Task 1 — the same rules for a list of "NAME=value" strings.
Environment Environment::from_entries([[maybe_unused]] const std::vector<std::string>& entries) {
    course::todo("Task 1");
}

// TODO: Task 1 — look a name up.
std::optional<std::string> Environment::get([[maybe_unused]] std::string_view name) const {
    course::todo("Task 1");
}

// TODO: Task 1 — is a name set?
bool Environment::contains([[maybe_unused]] std::string_view name) const {
    course::todo("Task 1");
}

// TODO: Task 1 — back to "NAME=value" strings, in name order.
std::vector<std::string> Environment::entries() const {
    course::todo("Task 1");
}

// --- Task 2: edit ---

// TODO: Task 2 — set a variable (refuse the names setenv refuses).
void Environment::set([[maybe_unused]] std::string name, [[maybe_unused]] std::string value) {
    course::todo("Task 2");
}

// TODO: Task 2 — remove a variable.
bool Environment::unset([[maybe_unused]] std::string_view name) {
    course::todo("Task 2");
}

// TODO: Task 2 — copy another environment's variables over this one's.
Environment& Environment::merge([[maybe_unused]] const Environment& other) {
    course::todo("Task 2");
}

// --- Task 3: read a process's environment ---

// TODO: Task 3 — the calling process's environment, from `environ`.
Environment Environment::current() {
    course::todo("Task 3");
}

// TODO: Task 3 — another process's environment, from /proc/PID/environ, with clear
// errors for a missing process and for a refused read.
Environment Environment::of_process([[maybe_unused]] pid_t pid) {
    course::todo("Task 3");
}

// --- Task 4: hand it to execve ---

// TODO: Task 4 — keep the strings and build the NULL-terminated array of pointers.
Envp::Envp([[maybe_unused]] std::vector<std::string> entries) {
    course::todo("Task 4");
}

// TODO: Task 4 — this environment as an Envp.
Envp Environment::envp() const {
    course::todo("Task 4");
}

}  // namespace proc
