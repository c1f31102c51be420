// Tests for Lab 06: tqdm's line format, its moving average, and a bar that redraws
// cheaply, in place on a terminal and as plain lines elsewhere. The clock is fake
// everywhere, so every number is exact and no test waits.
#include "progress_bar.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <ranges>
#include <string>
#include <vector>

#include "course/sys.hpp"
#include "course/unique_fd.hpp"
#include "harness/testsupport.hpp"

using proc::format_meter;
using proc::MeterOptions;

namespace {

std::string see(const std::string& anchor) {
    return harness::see_lesson("06-progress.md", anchor);
}

// A clock the test moves by hand; it counts how often the bar reads it.
struct FakeClock {
    double t = 0;
    int reads = 0;
    proc::Clock clock() {
        return [this] {
            ++reads;
            return t;
        };
    }
};

// Reads what is waiting on a non-blocking @p fd (stops at EAGAIN or end of file).
std::string drain(int fd) {
    course::check(::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK), "fcntl");
    std::string out;
    char buffer[4096];
    for (;;) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EIO))
            return out;
        course::check(n, "read");
        if (n == 0)
            return out;
        out.append(buffer, static_cast<std::size_t>(n));
    }
}

// Splits @p text after each '\n'.
std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
        lines.push_back(text.substr(start, nl - start));
    if (start < text.size())
        lines.push_back(text.substr(start));
    return lines;
}

// Characters on screen in a UTF-8 string.
std::size_t display_length(const std::string& s) {
    std::size_t n = 0;
    for (char c : s)
        n += (c & 0xC0) != 0x80;
    return n;
}

// A pseudo-terminal of @p cols columns with output processing off (bytes arrive as
// written), made with posix_openpt, which needs no extra library.
struct Pty {
    course::UniqueFd master, slave;
};

Pty open_pty(unsigned short cols) {
    Pty pty;
    pty.master.reset(course::check(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), "posix_openpt"));
    course::check(::grantpt(pty.master.get()), "grantpt");
    course::check(::unlockpt(pty.master.get()), "unlockpt");
    const char* name = ::ptsname(pty.master.get());
    if (name == nullptr)
        course::throw_errno("ptsname");
    pty.slave.reset(course::check(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC), "open pts"));
    termios mode{};
    course::check(::tcgetattr(pty.slave.get(), &mode), "tcgetattr");
    mode.c_oflag &= ~static_cast<tcflag_t>(OPOST);
    course::check(::tcsetattr(pty.slave.get(), TCSANOW, &mode), "tcsetattr");
    winsize size{};
    size.ws_row = 24;
    size.ws_col = cols;
    course::check(::ioctl(pty.master.get(), TIOCSWINSZ, &size), "ioctl TIOCSWINSZ");
    return pty;
}

// Options for a bar on @p fd driven by @p clock.
proc::ProgressOptions options_for(int fd, FakeClock& clock, std::optional<long long> total) {
    proc::ProgressOptions o;
    o.fd = fd;
    o.clock = clock.clock();
    o.total = total;
    ::unsetenv("COLUMNS");  // the width must not depend on the runner's environment
    return o;
}

}  // namespace

// --- Task 1: times and counts ---

// Tests format_interval against tqdm.format_interval: MM:SS, then H:MM:SS, seconds dropped.
TEST(FormatTest, IntervalLikeTqdm) {
    EXPECT_EQ(proc::format_interval(0), "00:00") << see("one-line-character-for-character");
    EXPECT_EQ(proc::format_interval(59.99), "00:59") << "Fractions are dropped, not rounded.";
    EXPECT_EQ(proc::format_interval(61), "01:01");
    EXPECT_EQ(proc::format_interval(3599), "59:59");
    EXPECT_EQ(proc::format_interval(3600), "1:00:00") << "From one hour on: H:MM:SS.";
    EXPECT_EQ(proc::format_interval(4000), "1:06:40");
    EXPECT_EQ(proc::format_interval(90061), "25:01:01") << "Hours are not wrapped at 24.";
}

// Tests format_sizeof against tqdm.format_sizeof: three significant digits, SI prefixes.
TEST(FormatTest, SizeofLikeTqdm) {
    EXPECT_EQ(proc::format_sizeof(5), "5.00") << see("one-line-character-for-character");
    EXPECT_EQ(proc::format_sizeof(99.94), "99.9");
    EXPECT_EQ(proc::format_sizeof(99.95), "100") << "99.95 would round to 100.0: 3 digits.";
    EXPECT_EQ(proc::format_sizeof(2500), "2.50k");
    EXPECT_EQ(proc::format_sizeof(35273.14), "35.3k");
    EXPECT_EQ(proc::format_sizeof(123456), "123k");
    EXPECT_EQ(proc::format_sizeof(999.5), "1.00k");
    EXPECT_EQ(proc::format_sizeof(1e6), "1.00M");
    EXPECT_EQ(proc::format_sizeof(2048, 1024), "2.00k");
}

// --- Task 2: one line, as tqdm's format_meter ---
// Every expected string below was printed by tqdm 4.64.1:
//   /usr/bin/python3 -c 'from tqdm import tqdm; print(repr(tqdm.format_meter(N, TOTAL, ELAPSED,
//   ...)))'

// Tests lines with a known total and a width: percentage, bar, counts, times, rate.
TEST(FormatMeterTest, KnownTotalMatchesTqdm) {
    EXPECT_EQ(format_meter(30, 30, 30.0, {.ncols = 60}),
              "100%|███████████████████████| 30/30 [00:30<00:00,  1.00it/s]")
        << see("one-line-character-for-character");
    EXPECT_EQ(format_meter(0, 30, 0.0, {.ncols = 80}),
              "  0%|                                                    | 0/30 [00:00<?, ?it/s]")
        << "Before any time has passed the rate and the ETA are unknown: '?'.";
    EXPECT_EQ(format_meter(7, 30, 7.5, {.ncols = 80}),
              " 23%|██████████▎                                 | 7/30 [00:07<00:24,  1.07s/it]")
        << "The bar ends with a partial block (here 2/8 of a cell: ▎).";
    EXPECT_EQ(format_meter(15, 60, 15.2, {.ncols = 140}),
              " 25%|█████████████████████████▊                                                  "
              "                           | 15/60 [00:15<00:45,  1.01s/it]");
    EXPECT_EQ(format_meter(1, 3, 0.5, {.ncols = 50}),
              " 33%|█████          | 1/3 [00:00<00:01,  2.00it/s]");
    EXPECT_EQ(format_meter(123456, 1000000, 3.5, {.ncols = 100}),
              " 12%|██████▎                                            | 123456/1000000 "
              "[00:03<00:24, 35273.14it/s]");
    EXPECT_EQ(format_meter(1, 2, 0.0, {.ncols = 80}),
              " 50%|██████████████████████████▌                          | 1/2 [00:00<?, ?it/s]");
}

// Tests lines without a total (or past it): count, unit, elapsed time and rate only.
TEST(FormatMeterTest, UnknownTotalMatchesTqdm) {
    EXPECT_EQ(format_meter(17, std::nullopt, 5.0), "17it [00:05,  3.40it/s]")
        << see("one-line-character-for-character");
    EXPECT_EQ(format_meter(17, std::nullopt, 5.0, {.ncols = 80}), "17it [00:05,  3.40it/s]")
        << "Without a total there is no bar, whatever the width.";
    EXPECT_EQ(format_meter(0, std::nullopt, 0.0), "0it [00:00, ?it/s]");
    EXPECT_EQ(format_meter(12, std::nullopt, 30.0), "12it [00:30,  2.50s/it]");
    EXPECT_EQ(format_meter(10, 8, 3.0, {.ncols = 60}), "10it [00:03,  3.33it/s]")
        << "Past its total (n >= total + 0.5) tqdm treats the total as unknown.";
}

// Tests the rate: it/s, or s/it when an iteration takes over a second; hours in times.
TEST(FormatMeterTest, RatesAndHoursMatchTqdm) {
    EXPECT_EQ(format_meter(30, 30, 30.2), "100%|██████████| 30/30 [00:30<00:00,  1.01s/it]")
        << "1/rate > 1 s: written as seconds per iteration. No width: a 10-cell bar. "
        << see("one-line-character-for-character");
    EXPECT_EQ(format_meter(30, 30, 30.0), "100%|██████████| 30/30 [00:30<00:00,  1.00it/s]")
        << "Exactly one per second is still written in it/s.";
    EXPECT_EQ(format_meter(5000, 10000, 4000.0, {.ncols = 80}),
              " 50%|█████████████████                 | 5000/10000 [1:06:40<1:06:40,  1.25it/s]");
    EXPECT_EQ(format_meter(1, 7200, 3.0, {.ncols = 80}),
              "  0%|                                        | 1/7200 [00:03<5:59:57,  3.00s/it]");
    EXPECT_EQ(format_meter(1, 3, 3600 * 25 + 61.0, {.ncols = 60}),
              " 33%|█████▎          | 1/3 [25:01:01<50:02:02, 90061.00s/it]");
    EXPECT_EQ(format_meter(50, 100, 10.0, {.ncols = 80, .rate = 2.0}),
              " 50%|█████████████████████                     | 50/100 [00:10<00:25,  2.00it/s]")
        << "A given rate (the bar's smoothed one) replaces n / elapsed, for the ETA too.";
    EXPECT_EQ(format_meter(4, 10, 2.0, {.ncols = 60, .rate = 0.5}),
              " 40%|█████████▌              | 4/10 [00:02<00:12,  2.00s/it]");
}

// Tests width rules and options: no bar at width 0, cut lines, prefix, ASCII, SI units.
TEST(FormatMeterTest, WidthAndOptionsMatchTqdm) {
    EXPECT_EQ(format_meter(9, 10, 9.0, {.ncols = 0}), " 90% 9/10 [00:09<00:01,  1.00it/s]")
        << "Width 0: no bar at all. " << see("one-line-character-for-character");
    EXPECT_EQ(format_meter(3, 10, 3.0, {.ncols = 20}), " 30%|▎| 3/10 [00:03<")
        << "The bar keeps at least one cell, then the line is cut to the width.";
    EXPECT_EQ(format_meter(3, 10, 3.0, {.ncols = 10}), " 30%|▎| 3/");
    EXPECT_EQ(format_meter(13, 100, 1.0, {.ncols = 40}),
              " 13%|▎ | 13/100 [00:01<00:06, 13.00it/s]");
    EXPECT_EQ(format_meter(50, 100, 10.0, {.ncols = 80, .prefix = "steps"}),
              "steps:  50%|█████████████████▌                 | 50/100 [00:10<00:10,  5.00it/s]");
    EXPECT_EQ(format_meter(3, 10, 3.0, {.ncols = 60, .ascii = true}),
              " 30%|#######2                | 3/10 [00:03<00:07,  1.00it/s]");
    EXPECT_EQ(format_meter(123456, 1000000, 3.5, {.ncols = 100, .unit_scale = true}),
              " 12%|███████▏                                                  | 123k/1.00M "
              "[00:03<00:24, 35.3kit/s]");
    EXPECT_EQ(format_meter(2500, std::nullopt, 0.5, {.unit_scale = true}),
              "2.50kit [00:00, 5.00kit/s]");
}

// --- Task 3: smoothing ---

// Tests the EMA against tqdm's EMA(0.3) fed 10, 20, 30 (values printed by tqdm 4.64.1).
TEST(EmaTest, MatchesTqdmNumbers) {
    proc::Ema ema(0.3);
    EXPECT_EQ(ema.value(), 0.0) << "No value yet: 0. " << see("smoothing-the-rate");
    ema.add(10);
    EXPECT_DOUBLE_EQ(ema.value(), 10.0) << "Bias correction makes the first value exact.";
    ema.add(20);
    EXPECT_DOUBLE_EQ(ema.value(), 15.88235294117647);
    ema.add(30);
    EXPECT_DOUBLE_EQ(ema.value(), 22.32876712328767);
    EXPECT_EQ(ema.count(), 3);
}

// Tests the two ends of the smoothing factor: 1 keeps the last value; 0 stays at 0.
TEST(EmaTest, SmoothingExtremes) {
    proc::Ema last(1.0), none(0.0);
    for (double x : {4.0, 8.0, 2.0}) {
        last.add(x);
        none.add(x);
    }
    EXPECT_DOUBLE_EQ(last.value(), 2.0)
        << "smoothing 1: only the newest value counts. " << see("smoothing-the-rate");
    EXPECT_EQ(none.value(), 0.0) << "smoothing 0 means no EMA: it stays 0 (never 0/0 = NaN).";
    EXPECT_EQ(none.count(), 3);
}

// --- Task 4: the bar ---

// Tests a bar on a pipe: a line at the start, the final state at close, no '\r' or ESC.
TEST(ProgressBarTest, PlainLinesWhenNotATerminal) {
    course::Pipe out = course::make_pipe();
    FakeClock clock;
    {
        proc::ProgressBar bar(options_for(out.write.get(), clock, 3));
        EXPECT_FALSE(bar.is_terminal());
        for (int i = 0; i < 3; ++i) {
            clock.t += 1.0;
            bar.update();
        }
        bar.close();
    }
    out.write.reset();
    std::string text = drain(out.read.get());
    EXPECT_EQ(text,
              "  0%|          | 0/3 [00:00<?, ?it/s]\n"
              "100%|██████████| 3/3 [00:03<00:00,  1.00it/s]\n")
        << "Off a terminal: whole lines, one at the start and the final one (line_interval is "
           "10 s). "
        << see("when-the-output-is-not-a-terminal");
    EXPECT_EQ(text.find('\r'), std::string::npos) << "No carriage return in a log.";
    EXPECT_EQ(text.find('\x1b'), std::string::npos) << "No escape codes in a log.";
}

// Tests that off a terminal a line is written at most every line_interval seconds.
TEST(ProgressBarTest, OneLinePerLineInterval) {
    course::Pipe out = course::make_pipe();
    FakeClock clock;
    {
        auto options = options_for(out.write.get(), clock, 30);
        options.ncols = 0;
        proc::ProgressBar bar(options);
        for (int i = 0; i < 30; ++i) {
            clock.t += 1.0;
            bar.update();
        }
    }  // the destructor closes the bar
    out.write.reset();
    EXPECT_EQ(lines_of(drain(out.read.get())),
              (std::vector<std::string>{
                  "  0% 0/30 [00:00<?, ?it/s]", " 33% 10/30 [00:10<00:20,  1.00it/s]",
                  " 67% 20/30 [00:20<00:10,  1.00it/s]", "100% 30/30 [00:30<00:00,  1.00it/s]",
                  "100% 30/30 [00:30<00:00,  1.00it/s]"}))
        << "One second per step, line_interval 10 s: lines at 0, 10, 20, 30 s, then the final "
           "line. "
        << see("when-the-output-is-not-a-terminal");
}

// Tests a bar on a terminal (a pty): width from TIOCGWINSZ, '\r' redraws, newline at close.
TEST(ProgressBarTest, RedrawsInPlaceOnATerminal) {
    Pty pty = open_pty(50);
    FakeClock clock;
    {
        proc::ProgressBar bar(options_for(pty.slave.get(), clock, 4));
        EXPECT_TRUE(bar.is_terminal()) << see("when-the-output-is-not-a-terminal");
        EXPECT_EQ(bar.ncols(), std::optional<int>(50))
            << "The width comes from TIOCGWINSZ on the fd.";
        for (int i = 0; i < 4; ++i) {
            clock.t += 0.5;
            bar.update();
        }
    }
    std::string text = drain(pty.master.get());
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.front(), '\r') << "Each redraw starts with '\\r' to go back to column 0.";
    EXPECT_EQ(text.back(), '\n') << "Closing ends the line.";
    std::string last = text.substr(text.rfind('\r') + 1);
    EXPECT_EQ(last, "100%|███████████████| 4/4 [00:02<00:00,  2.00it/s]\n");
    EXPECT_EQ(display_length(last), 51u) << "50 columns plus the newline.";
    EXPECT_EQ(text.find('\x1b'), std::string::npos) << "One bar needs no escape codes.";
}

// Tests that a redraw blanks out the rest of a longer previous line with spaces.
TEST(ProgressBarTest, ShorterLineIsPaddedOnATerminal) {
    Pty pty = open_pty(0);  // a pty of width 0 and no COLUMNS: width unknown
    FakeClock clock;
    proc::ProgressBar bar(options_for(pty.slave.get(), clock, std::nullopt));
    EXPECT_EQ(bar.ncols(), std::nullopt);
    clock.t = 0.1;
    bar.update(50);  // 500 it/s: a long line
    clock.t = 20.0;
    bar.close();  // 2.5 it/s overall: one character shorter
    EXPECT_EQ(drain(pty.master.get()),
              "\r0it [00:00, ?it/s]"
              "\r50it [00:00, 500.00it/s]"
              "\r50it [00:20,  2.50it/s] \n")
        << "The closing line is 1 character shorter, so 1 space covers the old one. "
        << see("when-the-output-is-not-a-terminal");
}

// Tests a wrapped range: elements in order, total from its size, closed after the loop.
TEST(ProgressBarTest, WrapsARange) {
    course::Pipe out = course::make_pipe();
    FakeClock clock;
    std::vector<int> seen;
    for (int i : proc::progress(std::views::iota(0, 5), options_for(out.write.get(), clock, {}))) {
        seen.push_back(i);
        clock.t += 2.0;
    }
    out.write.reset();
    EXPECT_EQ(seen, (std::vector<int>{0, 1, 2, 3, 4})) << see("progresspy-becomes-progress");
    EXPECT_EQ(lines_of(drain(out.read.get())).back(),
              "100%|██████████| 5/5 [00:10<00:00,  2.00s/it]")
        << "The total comes from the range's size; the bar closes when the loop ends.";
}

// Tests that a loop left by break closes the bar where it stopped.
TEST(ProgressBarTest, BreakClosesWhereItStopped) {
    course::Pipe out = course::make_pipe();
    FakeClock clock;
    std::vector<int> values{10, 20, 30, 40};
    for (int v : proc::progress(values, options_for(out.write.get(), clock, {}))) {
        clock.t += 1.0;
        if (v == 30)
            break;
    }
    out.write.reset();
    EXPECT_EQ(lines_of(drain(out.read.get())).back(),
              " 50%|█████     | 2/4 [00:03<00:03,  1.50s/it]")
        << "Two iterations were completed when the loop broke; 3 s had passed. "
        << see("progresspy-becomes-progress");
}

// Tests that a write error (here EBADF) quietly disables the bar instead of throwing.
TEST(ProgressBarTest, WriteErrorDisablesQuietly) {
    course::UniqueFd read_only(course::check(::open("/dev/null", O_RDONLY | O_CLOEXEC), "open"));
    FakeClock clock;
    proc::ProgressBar bar(options_for(read_only.get(), clock, 10));
    clock.t = 1.0;
    EXPECT_NO_THROW(bar.update(5)) << "A bar that cannot draw must not stop the work. "
                                   << see("when-the-output-is-not-a-terminal");
    EXPECT_NO_THROW(bar.close());
    EXPECT_EQ(bar.n(), 5);
}

// --- Task 5: redraw cheaply ---

// Tests that with a fixed miniters the clock is read only every miniters iterations.
TEST(MinitersTest, ClockReadOnlyEveryMiniters) {
    Pty pty = open_pty(80);
    FakeClock clock;
    auto options = options_for(pty.slave.get(), clock, 100);
    options.miniters = 10;
    proc::ProgressBar bar(options);
    int after_start = clock.reads;
    for (int i = 0; i < 9; ++i)
        bar.update();
    EXPECT_EQ(clock.reads, after_start) << "9 updates, miniters 10: the clock must not be read. "
                                        << see("reading-the-clock-less-often");
    clock.t = 1.0;
    EXPECT_TRUE(bar.update()) << "The 10th update reads the clock; 1 s > mininterval: redraw.";
    EXPECT_EQ(clock.reads, after_start + 1);
    for (int i = 0; i < 9; ++i)
        bar.update();
    EXPECT_EQ(clock.reads, after_start + 1);
}

// Tests that redraws happen at most every mininterval, whatever the number of updates.
TEST(MinitersTest, RedrawsAtMostEveryMininterval) {
    Pty pty = open_pty(80);
    FakeClock clock;
    auto options = options_for(pty.slave.get(), clock, 10000);
    options.miniters = 1;
    proc::ProgressBar bar(options);
    int redraws = 0;
    for (int i = 0; i < 1000; ++i) {
        clock.t += 0.001;  // 1000 updates in about 1 s
        redraws += bar.update();
    }
    EXPECT_GE(redraws, 9) << see("reading-the-clock-less-often");
    EXPECT_LE(redraws, 10) << "mininterval 0.1 s allows at most 10 redraws in 1 s, got " << redraws;
}

// Tests that before the first redraw the clock is read a few dozen times, not once per
// iteration, and the first redraw still comes at the first iteration past mininterval.
TEST(MinitersTest, FewClockReadsBeforeFirstRedraw) {
    Pty pty = open_pty(80);
    FakeClock clock;
    auto options = options_for(pty.slave.get(), clock, std::nullopt);
    options.mininterval = 0.125;  // binary fractions keep the arithmetic exact
    proc::ProgressBar bar(options);
    long long first_redraw = 0;
    for (int i = 0; i < 300000 && first_redraw == 0; ++i) {
        clock.t = (i + 1) / 1048576.0;  // 2^-20 s (about 1 µs) per iteration
        if (bar.update())
            first_redraw = bar.n();
    }
    EXPECT_EQ(first_redraw, 131072) << "0.125 s is reached at n = 0.125 · 2^20 = 131072. "
                                    << see("reading-the-clock-less-often");
    EXPECT_LE(clock.reads, 64) << "Reading the clock at every one of 131072 iterations is what "
                                  "we avoid: skip ahead by half the iterations that still fit.";
}

// Tests dynamic miniters and the smoothed rate against tqdm 4.64.1 driven by the same
// fake clock: 200 steps of 10 ms, then 100 of 50 ms (numbers printed by tqdm).
TEST(MinitersTest, DynamicMinitersFollowsTqdm) {
    Pty pty = open_pty(80);
    FakeClock clock;
    proc::ProgressBar bar(options_for(pty.slave.get(), clock, 1000));
    std::vector<long long> redrawn_at;
    for (int i = 0; i < 300; ++i) {
        clock.t += i < 200 ? 0.01 : 0.05;
        if (bar.update())
            redrawn_at.push_back(bar.n());
        if (bar.n() == 11) {
            EXPECT_DOUBLE_EQ(bar.miniters(), 10.0)
                << "After the first redraw: about 10 iterations per 0.1 s. "
                << see("reading-the-clock-less-often");
        }
        if (bar.n() == 201) {
            EXPECT_NEAR(bar.miniters(), 9.142172662984017, 1e-9);
        }
    }
    ASSERT_EQ(redrawn_at.size(), 47u) << "tqdm redrew 47 times on this run.";
    EXPECT_EQ(redrawn_at[0], 11);
    EXPECT_EQ(redrawn_at[19], 201);
    EXPECT_EQ(redrawn_at[20], 211) << "The rate dropped; miniters shrinks through its EMA.";
    EXPECT_EQ(redrawn_at[21], 218);
    EXPECT_EQ(redrawn_at.back(), 300);
    EXPECT_NEAR(bar.miniters(), 2.0004689545744125, 1e-9);
    ASSERT_TRUE(bar.rate().has_value());
    EXPECT_NEAR(*bar.rate(), 20.003395790797942, 1e-9) << "The smoothed rate, as tqdm's.";
}

// Tests that the shown rate and ETA come from the EMAs, exactly, with a fake clock.
TEST(MinitersTest, FakeClockDrivesRateAndEta) {
    Pty pty = open_pty(0);
    FakeClock clock;
    auto options = options_for(pty.slave.get(), clock, 10);
    options.ncols = 0;
    proc::ProgressBar bar(options);
    clock.t = 2.0;
    bar.update(1);  // 1 iteration in 2 s
    EXPECT_EQ(bar.str(), " 10% 1/10 [00:02<00:18,  2.00s/it]") << see("smoothing-the-rate");
    clock.t = 3.0;
    bar.update(4);  // 4 in 1 s: EMA of dn = (0.3·4 + 0.21·1)/0.51, of dt = (0.3 + 0.42)/0.51
    ASSERT_TRUE(bar.rate().has_value());
    EXPECT_DOUBLE_EQ(*bar.rate(), (0.3 * 4 + 0.7 * 0.3 * 1) / (0.3 * 1 + 0.7 * 0.3 * 2));
    EXPECT_EQ(bar.str(), " 50% 5/10 [00:03<00:02,  1.96it/s]")
        << "Rate = EMA(dn)/EMA(dt) = 1.41/0.72; ETA = 5 left / that rate = 2.55 s.";
    bar.close();
    std::string text = drain(pty.master.get());
    std::string closing = "\r 50% 5/10 [00:03<00:03,  1.67it/s]\n";
    EXPECT_TRUE(text.ends_with(closing))
        << "Closing shows the overall average, 5 / 3 s, not the EMA. Got: " << text;
}
