// Lab 06 — a tqdm-like progress bar (reference solution).
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

namespace proc {

// --- Task 1: times and counts ---

// printf-style formatting of one double (we have no <format> here).
static std::string printf_double(const char* spec, double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, spec, value);
    return buffer;
}

std::string format_interval(double seconds) {
    long long total = static_cast<long long>(seconds);  // int(t): drops the fraction
    long long h = total / 3600, m = total / 60 % 60, s = total % 60;
    char buffer[48];
    if (h != 0)
        std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", h, m, s);
    else
        std::snprintf(buffer, sizeof buffer, "%02lld:%02lld", m, s);
    return buffer;
}

std::string format_sizeof(double number, double divisor) {
    for (const char* prefix : {"", "k", "M", "G", "T", "P", "E", "Z"}) {
        // tqdm's thresholds: round to 3 significant digits without spilling to 4.
        if (std::fabs(number) < 999.5) {
            if (std::fabs(number) < 99.95) {
                if (std::fabs(number) < 9.995)
                    return printf_double("%1.2f", number) + prefix;
                return printf_double("%2.1f", number) + prefix;
            }
            return printf_double("%3.0f", number) + prefix;
        }
        number /= divisor;
    }
    return printf_double("%3.1f", number) + "Y";
}

// --- Task 2: one line, as tqdm's format_meter ---

// Characters on screen: UTF-8 continuation bytes (10xxxxxx) do not start one.
static std::size_t display_length(std::string_view text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// The first @p width characters of @p text (never cutting a UTF-8 sequence).
static std::string trim_display(const std::string& text, std::size_t width) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((text[i] & 0xC0) != 0x80 && chars++ == width)
            return text.substr(0, i);
    }
    return text;
}

// tqdm's Bar: frac·width·(symbols − 1) eighths, whole blocks then one partial block.
static std::string draw_bar(double frac, int width, bool ascii) {
    static const char* const utf[] = {" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"};
    static const char* const asc[] = {" ", "1", "2", "3", "4", "5", "6", "7", "8", "9", "#"};
    const char* const* charset = ascii ? asc : utf;
    int nsyms = ascii ? 10 : 8;
    frac = std::clamp(frac, 0.0, 1.0);
    int eighths = static_cast<int>(frac * width * nsyms);
    int full = eighths / nsyms, partial = eighths % nsyms;
    std::string bar;
    for (int i = 0; i < full; ++i)
        bar += charset[nsyms];
    if (full < width) {
        bar += charset[partial];
        for (int i = full + 1; i < width; ++i)
            bar += charset[0];
    }
    return bar;
}

// "{:5.2f}it/s" or "{:5.2f}s/it" (whichever is >= 1), "?it/s" when unknown.
static std::string format_rate(std::optional<double> rate, const MeterOptions& o) {
    if (!rate || *rate == 0)
        return "?" + o.unit + "/s";
    auto number = [&](double x) {
        return o.unit_scale ? format_sizeof(x) : printf_double("%5.2f", x);
    };
    double inverse = 1 / *rate;
    if (inverse > 1)
        return number(inverse) + "s/" + o.unit;
    return number(*rate) + o.unit + "/s";
}

std::string format_meter(long long n, std::optional<long long> total, double elapsed,
                         const MeterOptions& o) {
    long long goal = total.value_or(0);  // 0: unknown, as tqdm's falsy total
    if (goal != 0 && n >= goal + 0.5)
        goal = 0;  // overshoot: unknown too
    std::optional<double> rate = o.rate;
    if (!rate && elapsed != 0)
        rate = static_cast<double>(n) / elapsed;
    auto count = [&](long long x) {
        return o.unit_scale ? format_sizeof(double(x)) : std::to_string(x);
    };
    std::string rate_fmt = format_rate(rate, o);
    if (goal == 0)  // no total: no bar, no ETA
        return (o.prefix.empty() ? "" : o.prefix + ": ") + count(n) + o.unit + " [" +
               format_interval(elapsed) + ", " + rate_fmt + "]";

    bool known_rate = rate && *rate != 0;
    std::string remaining = known_rate ? format_interval(double(goal - n) / *rate) : "?";
    std::string r_bar = "| " + count(n) + "/" + count(goal) + " [" + format_interval(elapsed) +
                        "<" + remaining + ", " + rate_fmt + "]";
    std::string l_bar = o.prefix;
    if (!o.prefix.empty() && !o.prefix.ends_with(": "))
        l_bar += ": ";
    double frac = double(n) / double(goal);
    l_bar += printf_double("%3.0f", frac * 100) + "%|";
    if (o.ncols && *o.ncols == 0)
        return l_bar.substr(0, l_bar.size() - 1) + r_bar.substr(1);
    int width = 10;  // tqdm's bar when the line width is unknown
    if (o.ncols)
        width = std::max(1, *o.ncols - int(display_length(l_bar) + display_length(r_bar)));
    std::string line = l_bar + draw_bar(frac, width, o.ascii) + r_bar;
    return o.ncols ? trim_display(line, std::size_t(*o.ncols)) : line;
}

// --- Task 3: smoothing ---

void Ema::add(double x) {
    last_ = alpha_ * x + (1 - alpha_) * last_;
    ++calls_;
}

double Ema::value() const {
    // last_ started at 0: dividing by 1 − (1 − a)^k undoes that pull towards 0.
    if (calls_ == 0 || alpha_ == 0)
        return last_;  // alpha 0 would give 0/0: keep the 0
    return last_ / (1 - std::pow(1 - alpha_, calls_));
}

// --- Task 4: the bar ---

// The terminal's width, else COLUMNS − 1, else unknown: tqdm's rule, except that tqdm
// 4.64.1 takes COLUMNS only when LINES is set too.
static std::optional<int> detect_width(int fd) {
    winsize size{};
    if (::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
        return size.ws_col;
    if (const char* columns = std::getenv("COLUMNS")) {
        int value = std::atoi(columns);
        if (value > 1)
            return value - 1;
    }
    return std::nullopt;
}

ProgressBar::ProgressBar(ProgressOptions options)
    : options_(std::move(options)),
      ema_dn_(options_.smoothing),
      ema_dt_(options_.smoothing),
      ema_miniters_(options_.smoothing) {
    if (!options_.clock)
        options_.clock = monotonic_seconds;
    terminal_ = ::isatty(options_.fd) == 1;
    ncols_ = options_.ncols ? options_.ncols : detect_width(options_.fd);
    if (options_.miniters) {
        dynamic_miniters_ = false;
        miniters_ = double(*options_.miniters);
    }
    next_check_ = static_cast<long long>(std::ceil(miniters_));
    start_t_ = last_print_t_ = now();
    draw(start_t_, std::nullopt, false);
}

std::optional<double> ProgressBar::rate() const {
    if (ema_dt_.value() == 0)
        return std::nullopt;
    return ema_dn_.value() / ema_dt_.value();
}

std::string ProgressBar::line_at(double t, std::optional<double> shown_rate) const {
    MeterOptions meter{ncols_,        shown_rate,          options_.desc,
                       options_.unit, options_.unit_scale, options_.ascii};
    return format_meter(n_, options_.total, t - start_t_, meter);
}

void ProgressBar::draw(double t, std::optional<double> shown_rate, bool final) {
    std::string line = line_at(t, shown_rate);
    std::size_t length = display_length(line);
    if (terminal_) {
        // Back to column 0, and blank out what a longer previous line left behind.
        std::string text =
            "\r" + line + std::string(last_len_ > length ? last_len_ - length : 0, ' ');
        write_all(final ? text + "\n" : text);
    } else if (final || t - last_line_t_ >= options_.line_interval) {
        write_all(line + "\n");  // a log gets whole lines, never '\r', and few of them
        last_line_t_ = t;
    }
    last_len_ = length;
}

void ProgressBar::write_all(const std::string& text) {
    std::size_t done = 0;
    while (done < text.size() && !closed_) {
        ssize_t n = ::write(options_.fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {  // EPIPE, EBADF, ...: give up drawing, never the caller's work
            closed_ = true;
            next_check_ = LLONG_MAX;
            return;
        }
        done += std::size_t(n);
    }
}

void ProgressBar::close() {
    if (closed_)
        return;
    draw(now(), std::nullopt, true);  // no rate given: the overall average n / elapsed
    closed_ = true;
}

// --- Task 5: redraw cheaply ---

bool ProgressBar::poll() {
    if (closed_)
        return false;
    double cur_t = now();
    double dt = cur_t - last_print_t_;
    long long dn = n_ - last_print_n_;
    if (dt < options_.mininterval) {
        // Too soon. Skip half the iterations that should still fit in mininterval.
        if (dn > 0 && dt > 0) {
            double ahead = std::min(double(dn) / dt * (options_.mininterval - dt) / 2, 1e15);
            next_check_ = n_ + std::max(1LL, static_cast<long long>(ahead));
        }
        return false;
    }

    if (options_.smoothing > 0 && dt > 0 && dn > 0) {
        ema_dn_.add(double(dn));
        ema_dt_.add(dt);
    }
    draw(cur_t, rate(), false);
    if (dynamic_miniters_) {
        double mininterval = options_.mininterval;
        if (options_.maxinterval > 0 && dt >= options_.maxinterval) {
            miniters_ = double(dn) * (mininterval > 0 ? mininterval : options_.maxinterval) / dt;
        } else if (options_.smoothing > 0) {  // iterations per mininterval, smoothed
            ema_miniters_.add(double(dn) * (mininterval > 0 && dt > 0 ? mininterval / dt : 1));
            miniters_ = ema_miniters_.value();
        } else {
            miniters_ = std::max(miniters_, double(dn));
        }
    }
    last_print_n_ = n_;
    last_print_t_ = cur_t;
    next_check_ = last_print_n_ + static_cast<long long>(std::ceil(miniters_));
    return true;
}

}  // namespace proc
