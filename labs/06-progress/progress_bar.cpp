// Lab 06 — a tqdm-like progress bar. Replace each course::todo with your code.
#include "progress_bar.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "course/todo.hpp"

namespace proc {

// --- Task 1: times and counts ---

// TODO: Task 1 — seconds as MM:SS or H:MM:SS, like tqdm's format_interval.
std::string format_interval([[maybe_unused]] double seconds) {
    course::todo("Task 1");
}

// TODO: Task 1 — a number with an SI prefix, like tqdm's format_sizeof.
std::string format_sizeof([[maybe_unused]] double number, [[maybe_unused]] double divisor) {
    course::todo("Task 1");
}

// --- Task 2: one line, as tqdm's format_meter ---

// TODO: Task 2 — percentage, bar, count, times and rate, character for character.
std::string format_meter([[maybe_unused]] long long n,
                         [[maybe_unused]] std::optional<long long> total,
                         [[maybe_unused]] double elapsed,
                         [[maybe_unused]] const MeterOptions& options) {
    course::todo("Task 2");
}

// --- Task 3: smoothing ---

// TODO: Task 3 — fold one value into the moving average.
void Ema::add([[maybe_unused]] double x) {
    course::todo("Task 3");
}

// TODO: Task 3 — the average, with tqdm's bias correction.
double Ema::value() const {
    course::todo("Task 3");
}

// --- Task 4: the bar ---

// TODO: Task 4 — settle the clock, terminal or not, width and miniters; draw at 0.
ProgressBar::ProgressBar(ProgressOptions options) : options_(std::move(options)) {
    course::todo("Task 4");
}

// TODO: Task 4 — the smoothed rate (EMA of iterations over EMA of seconds), if known.
std::optional<double> ProgressBar::rate() const {
    course::todo("Task 4");
}

// TODO: Task 4 — the line format_meter gives for time t.
std::string ProgressBar::line_at([[maybe_unused]] double t,
                                 [[maybe_unused]] std::optional<double> shown_rate) const {
    course::todo("Task 4");
}

// TODO: Task 4 — '\r' and padding on a terminal; whole lines anywhere else.
void ProgressBar::draw([[maybe_unused]] double t, [[maybe_unused]] std::optional<double> shown_rate,
                       [[maybe_unused]] bool final) {
    course::todo("Task 4");
}

// TODO: Task 4 — write everything; on an error, disable the bar quietly.
void ProgressBar::write_all([[maybe_unused]] const std::string& text) {
    course::todo("Task 4");
}

// TODO: Task 4 — the final line (overall average rate) and a newline, once.
void ProgressBar::close() {
    course::todo("Task 4");
}

// --- Task 5: redraw cheaply ---

// TODO: Task 5 — tqdm's update(): mininterval, EMAs, dynamic miniters.
bool ProgressBar::poll() {
    course::todo("Task 5");
}

}  // namespace proc
