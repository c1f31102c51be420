/// @file
/// @brief Lab 06 — a progress bar in the manner of tqdm, cheap enough for any loop.
///
/// `for (auto i : proc::progress(std::views::iota(0, n)))` draws
/// `100%|██████████| 30/30 [00:30<00:00,  1.00s/it]` on standard error, the way
/// `for i in tqdm(range(n))` does in Python. The strings are tqdm 4.64.1's, character
/// for character; so are the tricks that make the bar nearly free: the loop only counts,
/// the clock is read every `miniters` iterations, the line is redrawn at most every
/// `mininterval` seconds, and the rate is an exponential moving average.
/// Lesson: `lessons/06-progress.md`.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <functional>
#include <iterator>
#include <optional>
#include <ranges>
#include <string>
#include <utility>

namespace proc {

/// Seconds as tqdm's `format_interval` writes them: `MM:SS`, or `H:MM:SS` from one hour
/// on (hours are not limited to 24). Fractions of a second are dropped.
std::string format_interval(double seconds);

/// A number with an SI prefix as tqdm's `format_sizeof`: 3 significant digits,
/// `1.23k`, `35.3k`, `123k`, `1.00M`, ... dividing by @p divisor per prefix.
std::string format_sizeof(double number, double divisor = 1000);

/// How format_meter() draws a line; the defaults are tqdm's.
struct MeterOptions {
    /// The width of the whole line: the bar takes what the text leaves (at least 1) and
    /// the line is cut to this many characters. No value: a bar 10 characters wide and no
    /// cut. 0: no bar at all.
    std::optional<int> ncols{};
    /// Iterations per second to show; no value: n / elapsed.
    std::optional<double> rate{};
    std::string prefix{};     ///< Written before the percentage, followed by ": ".
    std::string unit = "it";  ///< The unit in `it/s` and `s/it`.
    bool unit_scale = false;  ///< Write counts and rates with SI prefixes (k, M, ...).
    bool ascii = false;       ///< Fill with " 123456789#" instead of Unicode blocks.
};

/// One line of progress, exactly as tqdm 4.64.1's `format_meter(n, total, elapsed, ...)`:
/// `{prefix: }{percentage:3.0f}%|{bar}| {n}/{total} [{elapsed}<{remaining}, {rate}]`, or
/// without a total (or once n ≥ total + 0.5) `{n}{unit} [{elapsed}, {rate}]`.
/// The rate is written `{:5.2f}it/s`, or `{:5.2f}s/it` when an iteration takes more than a
/// second, `?it/s` when unknown; the bar uses the 8 partial blocks ▏▎▍▌▋▊▉█.
/// @param n done so far; @param total expected count (no value: unknown);
/// @param elapsed seconds since the start.
std::string format_meter(long long n, std::optional<long long> total, double elapsed,
                         const MeterOptions& options = {});

/// tqdm's exponential moving average with bias correction: after values x1..xk it is
/// `sum(a·(1-a)^(k-i)·xi) / (1 - (1-a)^k)` for smoothing `a`, so the first value is
/// returned as is and older values weigh less and less. 0 before any value.
class Ema {
  public:
    /// @param smoothing in [0, 1]: 1 keeps only the last value; 0 means "no smoothing
    /// wanted": the average stays 0 (tqdm never feeds such an EMA; it would divide 0 by 0).
    explicit Ema(double smoothing = 0.3) : alpha_(smoothing) {}
    /// Adds @p x to the average.
    void add(double x);
    /// The average so far (0 before any value, and always 0 when smoothing is 0).
    double value() const;
    /// How many values have been added.
    int count() const noexcept { return calls_; }

  private:
    double alpha_;
    double last_ = 0;
    int calls_ = 0;
};

/// Where a bar takes the time from: seconds on a monotonic clock. Tests give a fake one.
using Clock = std::function<double()>;

/// A monotonic clock in seconds (CLOCK_MONOTONIC, via std::chrono::steady_clock).
double monotonic_seconds();

/// Settings of a ProgressBar; the defaults are tqdm's.
struct ProgressOptions {
    std::optional<long long> total;  ///< Expected count; no value: unknown.
    std::string desc;                ///< Prefix, as tqdm's `desc`.
    std::string unit = "it";         ///< See MeterOptions.
    bool unit_scale = false;         ///< See MeterOptions.
    bool ascii = false;              ///< See MeterOptions.
    /// Minimum seconds between two redraws on a terminal.
    double mininterval = 0.1;
    /// When a redraw comes this late, miniters is recomputed from the latest rate alone.
    double maxinterval = 10.0;
    /// Read the clock only every this many iterations; no value: adapt it (tqdm's dynamic
    /// miniters): an EMA of the iterations done per mininterval.
    std::optional<long long> miniters;
    double smoothing = 0.3;  ///< EMA factor for rate and miniters; 0: overall average.
    int fd = STDERR_FILENO;  ///< Where to draw. Not owned, not closed.
    /// Line width; no value: the terminal's (TIOCGWINSZ on fd), else COLUMNS − 1 from the
    /// environment (tqdm 4.64.1 takes that fallback only when LINES is set too), else none
    /// (a 10-character bar).
    std::optional<int> ncols;
    /// When fd is not a terminal: minimum seconds between two written lines (plain
    /// lines, no carriage return), so a log gets a line every 10 s rather than 10 lines a second.
    /// The bar still refreshes its rate and miniters every mininterval, as on a terminal.
    double line_interval = 10.0;
    Clock clock;  ///< Empty: monotonic_seconds().
};

/// A progress bar counting iterations, drawn on a file descriptor.
///
/// On a terminal it redraws one line in place (`\r`, the line, spaces over what is left
/// of the previous one), like tqdm. On anything else (a pipe, a file) it writes whole
/// lines with no `\r` and no escape codes, at most one per `line_interval`: tqdm writes
/// `\r` even into files; we deliberately do not.
///
/// It draws when made (0 done), whenever update() finds it is time, and when closed
/// (the final count, the overall average rate, then a newline). A write error (closed
/// descriptor, broken pipe) silently disables it: a progress bar never stops the work.
/// Neither copyable nor movable.
class ProgressBar {
  public:
    /// Starts the bar at 0 and draws it. Reads the clock once.
    explicit ProgressBar(ProgressOptions options = {});
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;
    /// Closes the bar (see close()); never throws.
    ~ProgressBar() {
        try {
            close();
        } catch (...) {  // a destructor must not throw; closing is best effort here
        }
    }

    /// Counts @p n more iterations. Cheap: only when at least miniters() iterations
    /// passed since the last redraw does it read the clock (poll()), and only when
    /// mininterval has passed too does it redraw. @returns true if it redrew (off a
    /// terminal: refreshed; a line is written only every line_interval).
    //> update
    bool update(long long n = 1) {
        n_ += n;
        if (n_ < next_check_)
            return false;
        return poll();
    }
    //< update

    /// Reads the clock and redraws if mininterval passed since the last redraw; then
    /// updates the rate EMAs and (when dynamic) miniters, exactly as tqdm's `update()`.
    /// One difference: when it is too soon, tqdm reads the clock again at the very next
    /// iteration; we skip ahead by half the iterations that, at the rate seen since the
    /// last redraw, still fit before mininterval is up. At a steady rate that finds the
    /// same redraw as tqdm, with a logarithmic number of clock reads instead of one per
    /// iteration (which cost tqdm dearly before its first redraw). @returns as update().
    bool poll();

    /// Draws the current state now, whatever the time.
    void refresh();

    /// Draws the final state (rate = overall average) and a newline, once; later calls
    /// do nothing.
    void close();

    /// The line as it would be drawn now (reads the clock).
    std::string str() const;

    /// Iterations counted so far.
    long long n() const noexcept { return n_; }
    /// The current miniters (0 until the first redraw when dynamic).
    double miniters() const noexcept { return miniters_; }
    /// The rate the bar shows (EMA of iterations per second), if known yet.
    std::optional<double> rate() const;
    /// The line width in use (see ProgressOptions::ncols).
    std::optional<int> ncols() const noexcept { return ncols_; }
    /// True when the fd is a terminal (redraws in place).
    bool is_terminal() const noexcept { return terminal_; }

  private:
    double now() const;
    std::string line_at(double t, std::optional<double> shown_rate) const;
    void draw(double t, std::optional<double> shown_rate, bool final);
    void write_all(const std::string& text);

    ProgressOptions options_;
    long long n_ = 0;
    long long next_check_ = 0;  // update() calls poll() once n_ reaches this
    long long last_print_n_ = 0;
    double last_print_t_ = 0;
    double start_t_ = 0;
    double miniters_ = 0;
    double last_line_t_ = -1e300;  // when a line was last written off a terminal
    bool dynamic_miniters_ = true;
    bool terminal_ = false;
    bool closed_ = false;
    std::size_t last_len_ = 0;  // display length of the last line drawn, to blank it out
    std::optional<int> ncols_;
    Ema ema_dn_, ema_dt_, ema_miniters_;
};

/// A range wrapped with a ProgressBar: iterating it yields the range's elements and
/// counts one iteration each time the loop moves on (after the body, like tqdm). The bar
/// closes when the wrapper is destroyed: at the end of the `for` statement, even on
/// `break` or an exception.
template <std::ranges::view V>
class Progress {
  public:
    /// Wraps @p view; total is its size when it has one.
    Progress(V view, ProgressOptions options)
        : view_(std::move(view)), bar_(with_total(view_, std::move(options))) {}

    /// The iterator: the view's, plus a pointer to the bar.
    class iterator {
      public:
        /// The view's difference type.
        using difference_type = std::ranges::range_difference_t<V>;
        /// The view's value type.
        using value_type = std::ranges::range_value_t<V>;
        /// A singular iterator (required of input iterators).
        iterator() = default;
        /// Wraps @p it, counting on @p bar.
        iterator(std::ranges::iterator_t<V> it, ProgressBar* bar) : it_(std::move(it)), bar_(bar) {}
        /// The view's element.
        decltype(auto) operator*() const { return *it_; }
        /// Moves on, and counts one iteration done.
        iterator& operator++() {
            ++it_;
            bar_->update(1);
            return *this;
        }
        /// Moves on, and counts one iteration done.
        void operator++(int) { ++*this; }
        /// True at the end of the view.
        bool operator==(const std::ranges::sentinel_t<V>& end) const { return it_ == end; }

      private:
        std::ranges::iterator_t<V> it_{};
        ProgressBar* bar_ = nullptr;
    };

    /// The first element (the bar is already drawn at 0).
    iterator begin() { return iterator(std::ranges::begin(view_), &bar_); }
    /// The view's own end.
    std::ranges::sentinel_t<V> end() { return std::ranges::end(view_); }
    /// The bar, e.g. to read n().
    ProgressBar& bar() { return bar_; }

  private:
    static ProgressOptions with_total(V& view, ProgressOptions options) {
        if constexpr (std::ranges::sized_range<V>) {
            if (!options.total)
                options.total = static_cast<long long>(std::ranges::size(view));
        }
        return options;
    }
    V view_;
    ProgressBar bar_;
};

/// `for (auto x : proc::progress(range))`: the range with a bar (see Progress). An lvalue
/// range is borrowed (it must outlive the loop); an rvalue one is moved in.
template <std::ranges::viewable_range R>
Progress<std::views::all_t<R>> progress(R&& range, ProgressOptions options = {}) {
    return Progress<std::views::all_t<R>>(std::views::all(std::forward<R>(range)),
                                          std::move(options));
}

}  // namespace proc
