// Lab 04 — waiting for a child. Each function below is a task; the lesson's sections
// say what each must do, and the header documents the contract.
#include "wait.hpp"

#include <string.h>
#include <sys/wait.h>

#include "course/sys.hpp"
#include "course/todo.hpp"

namespace proc {

// TODO: Task 1 — decode the raw status with the <sys/wait.h> macros: the exit code
// (WIFEXITED/WEXITSTATUS), the killing signal (WIFSIGNALED/WTERMSIG), core dumps
// (WCOREDUMP), stops (WIFSTOPPED/WSTOPSIG) and continues (WIFCONTINUED).
std::optional<int> ExitStatus::exit_code() const {
    course::todo("Task 1");
}

// TODO: Task 1 — see exit_code().
std::optional<int> ExitStatus::term_signal() const {
    course::todo("Task 1");
}

// TODO: Task 1 — see exit_code().
bool ExitStatus::core_dumped() const {
    course::todo("Task 1");
}

// TODO: Task 1 — see exit_code().
std::optional<int> ExitStatus::stop_signal() const {
    course::todo("Task 1");
}

// TODO: Task 1 — see exit_code().
bool ExitStatus::continued() const {
    course::todo("Task 1");
}

// TODO: Task 1 — "exited with code 0", nothing else, is success.
bool ExitStatus::success() const {
    course::todo("Task 1");
}

// TODO: Task 1 — the code a shell would show in $? (128 + N for signal N).
int ExitStatus::shell_code() const {
    course::todo("Task 1");
}

// TODO: Task 1 — "SIGKILL" from sigabbrev_np(9) ("KILL"), or "signal N".
std::string signal_name([[maybe_unused]] int sig) {
    course::todo("Task 1");
}

// TODO: Task 1 — the sentence, e.g. "exited with code 1 (raw status 256)".
std::string ExitStatus::to_string() const {
    course::todo("Task 1");
}

// TODO: Task 2 — refuse a reaped Child (ECHILD, naming waitpid), then waitpid without
// options, again after EINTR; mark the child reaped.
ExitStatus wait([[maybe_unused]] Child& child) {
    course::todo("Task 2");
}

// TODO: Task 3 — waitpid with WNOHANG: 0 means "still running" (nullopt), never
// "exited with 0".
std::optional<ExitStatus> try_wait([[maybe_unused]] Child& child) {
    course::todo("Task 3");
}

// TODO: Task 4 — pidfd_open the child, poll() it with the time left (again after
// EINTR), and reap it once it is readable. No sleeping loops.
std::optional<ExitStatus> wait_for([[maybe_unused]] Child& child,
                                   [[maybe_unused]] std::chrono::milliseconds timeout) {
    course::todo("Task 4");
}

}  // namespace proc
