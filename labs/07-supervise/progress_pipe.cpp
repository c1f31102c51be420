// Lab 07 — progress through a pipe. Each function marked TODO is part of Task 4; the
// header documents the contract.
#include "progress_pipe.hpp"

#include <unistd.h>

#include <charconv>
#include <stdexcept>

#include "course/sys.hpp"
#include "course/todo.hpp"
#include "deadline.hpp"
#include "spawn.hpp"

namespace proc {

// TODO: Task 4 — "DONE/TOTAL": two whole decimal numbers, done ≤ total, nothing else.
std::optional<ProgressReport> parse_progress_line([[maybe_unused]] std::string_view line) {
    course::todo("Task 4");
}

// TODO: Task 4 — keep what has arrived, handle every complete line, keep the rest.
void ProgressRelay::feed([[maybe_unused]] std::string_view bytes) {
    course::todo("Task 4");
}

// TODO: Task 4 — a report creates the bar (with its total) or moves it forward; any other
// line goes to other_lines.
void ProgressRelay::handle_line([[maybe_unused]] std::string_view line) {
    course::todo("Task 4");
}

// TODO: Task 4 — hand over an unterminated last piece, close the bar.
void ProgressRelay::finish() {
    course::todo("Task 4");
}

// TODO: Task 4 — spawn with PROC_PROGRESS_FD=1 and stdout on a pipe, relay until end of
// file, then wait.
ExitStatus run_with_progress([[maybe_unused]] const std::vector<std::string>& argv,
                             [[maybe_unused]] ProgressOptions bar_options) {
    course::todo("Task 4");
}

}  // namespace proc
