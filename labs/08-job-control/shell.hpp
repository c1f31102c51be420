/// @file
/// @brief Lab 08 — the shell itself, given: a loop that reads command lines from the
/// terminal and runs them with your job table. `proc shell` is this loop.
///
/// It is given, not a task: read it to see where each of your functions is called.
/// Lesson: `lessons/08-job-control.md`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace proc {

/// The words of a command line: split at spaces and tabs, except inside single quotes
/// (`sh -c 'exit 3'` is three words); the quotes themselves are dropped.
std::vector<std::string> split_words(std::string_view line);

/// Runs an interactive job-control shell on @p tty, the caller's controlling terminal,
/// until `exit` or the end of input (Ctrl-D at the start of a line). Each line is a
/// command and its arguments, run as a job in the foreground, or in the background when
/// it ends with `&`; the built-ins are `jobs`, `fg [JOB]`, `bg [JOB]` and `exit`. While it
/// waits for a line, background jobs that stop or end are reported at once. Jobs still
/// there at the end are killed.
///
/// It prints the prompt "proc$ ", and these messages: "[N] PID" for a job started in the
/// background; describe()'s line for a job that stops, for a foreground job that a signal
/// other than SIGINT kills, and for a background job that ends; the command, for `fg`;
/// "[N] COMMAND &" for `bg`; "proc: ..." for an error.
/// @returns 0. @throws std::system_error when @p tty is not the caller's controlling
///          terminal, or a call on it fails.
int run_shell(int tty);

}  // namespace proc
