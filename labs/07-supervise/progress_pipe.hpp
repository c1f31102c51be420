/// @file
/// @brief Lab 07, task 4 — a child's progress, reported through a pipe, drawn by the parent.
///
/// A long task knows how far along it is; its parent owns the terminal. The child writes
/// one line per step, `DONE/TOTAL` ("3/10"), to the descriptor named by the environment
/// variable PROC_PROGRESS_FD; the parent reads the lines and draws one Lab 06 bar. Any
/// other line the child writes there is passed through unchanged.
/// Lesson: `lessons/07-forever-tasks.md`.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "progress_bar.hpp"
#include "wait.hpp"

namespace proc {

/// The environment variable that tells a child which descriptor to report progress on.
inline constexpr const char* progress_fd_variable = "PROC_PROGRESS_FD";

/// One progress report.
struct ProgressReport {
    long long done;   ///< Steps done so far.
    long long total;  ///< Steps in all.
    /// Two reports are equal when both numbers are.
    bool operator==(const ProgressReport&) const = default;
};

/// Parses one line (without its '\n'): two decimal numbers separated by '/', nothing else
/// (no spaces, no signs), with done ≤ total. @returns none for anything else.
std::optional<ProgressReport> parse_progress_line(std::string_view line);

/// The line a child writes for @p report: "DONE/TOTAL\n".
std::string format_progress_line(const ProgressReport& report);

/// Turns the bytes read from a progress pipe into a bar.
///
/// Bytes may arrive in any pieces: a line is handled once its '\n' has arrived. The bar
/// is created at the first report (with that report's total) and moved forward to each
/// report's count; lines that are not reports go to @p other_lines.
class ProgressRelay {
  public:
    /// @param bar_options how to draw (fd, clock, desc, ...); its total is replaced by the
    ///        reports'. @param other_lines receives each non-report line (no '\n').
    ProgressRelay(ProgressOptions bar_options, std::function<void(std::string_view)> other_lines);

    /// Handles the complete lines in what has arrived so far.
    void feed(std::string_view bytes);
    /// At end of file: hands an unterminated last piece to other_lines and closes the bar
    /// (final line and newline). Call once.
    void finish();

    /// The latest report, if any arrived.
    std::optional<ProgressReport> latest() const { return latest_; }
    /// The bar, once the first report has created it (else null).
    const ProgressBar* bar() const { return bar_ ? &*bar_ : nullptr; }

  private:
    void handle_line(std::string_view line);

    ProgressOptions bar_options_;
    std::function<void(std::string_view)> other_lines_;
    std::string pending_;
    std::optional<ProgressReport> latest_;
    std::optional<ProgressBar> bar_;
};

/// Runs @p argv (argv[0] searched in PATH) with the parent's environment plus
/// PROC_PROGRESS_FD=1 and its standard output on a pipe; relays what it writes there
/// (reports to a bar drawn per @p bar_options, other lines to the parent's standard
/// output) until end of file, then waits for it.
/// @returns its status. @throws std::system_error when it cannot be started or a read
///          fails; std::invalid_argument for an empty @p argv.
ExitStatus run_with_progress(const std::vector<std::string>& argv,
                             ProgressOptions bar_options = {});

}  // namespace proc
