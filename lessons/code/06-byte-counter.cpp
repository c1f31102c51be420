// lesson-06-byte-counter: a spinner that counts the bytes of its standard input.
//
// Where Lab 06's bar knows its total and the time, this counter knows neither: it shows
// a spinner, the bytes read so far and the average size of a read, smoothed, on
// standard error. It redraws every 8 KiB, never by the clock, so its output depends on
// its input only. On a terminal it redraws one line in place; elsewhere it writes lines.
//
//   lesson-06-byte-counter [MAX]   read standard input to its end, or MAX bytes
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "course/sys.hpp"

namespace {

//> spinner
// The frame of a spinner after @p redraws redraws: with no total there is no bar to
// fill, only a sign that the work moves. Braille dots, one column each, 3 bytes of UTF-8.
const char* spinner_frame(long long redraws) {
    static const char* const frames[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
    return frames[redraws % 10];
}
//< spinner

//> format-bytes
// @p bytes in binary units, one decimal from KiB on: "999 B", "19.5 KiB", "1.2 MiB".
std::string format_bytes(double bytes) {
    static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int unit = 0;
    while (bytes >= 1024 && unit < 4) {
        bytes /= 1024;
        ++unit;
    }
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
    return buffer;
}
//< format-bytes

//> ema
// An exponential moving average that starts from its first value rather than from 0:
// nothing to correct, but that first value weighs as if it had been seen for ever.
class Smoothed {
  public:
    explicit Smoothed(double alpha) : alpha_(alpha) {}
    void add(double x) { value_ = value_ ? alpha_ * x + (1 - alpha_) * *value_ : x; }
    double value() const { return value_.value_or(0); }

  private:
    double alpha_;
    std::optional<double> value_;  // none before the first value
};
//< ema

//> terminal-size
// The size of the terminal behind @p fd, as its driver reports it; nothing when @p fd is
// no terminal (ioctl fails with ENOTTY) or is one that nobody has sized (0 columns, as a
// fresh pseudo-terminal has).
std::optional<winsize> terminal_size(int fd) {
    winsize size{};
    if (::ioctl(fd, TIOCGWINSZ, &size) == -1 || size.ws_col == 0)
        return std::nullopt;
    return size;
}
//< terminal-size

// Writes all of @p text to standard error (a short write is not an error; a failed one is).
void write_err(const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        done += course::retry_on_eintr(
            "write", [&] { return ::write(2, text.data() + done, text.size() - done); });
    }
}

//> draw
// One redraw. On a terminal: back to column 0, the line, and blanks over whatever a
// longer previous line left. Elsewhere: a whole line, with no '\r' to litter a log.
void draw(const std::string& line, bool terminal, std::size_t& last_length, bool final) {
    if (terminal) {
        std::string blank(last_length > line.size() ? last_length - line.size() : 0, ' ');
        write_err("\r" + line + blank + (final ? "\n" : ""));
    } else {
        write_err(line + "\n");
    }
    last_length = line.size();
}
//< draw

}  // namespace

int main(int argc, char** argv) {
    long long max = argc > 1 ? std::atoll(argv[1]) : -1;
    bool terminal = ::isatty(2) == 1;
    std::optional<winsize> size = terminal_size(2);  // off a terminal, lines are never cut
    Smoothed per_read(0.3);
    std::size_t last_length = 0;
    long long total = 0, redraws = 0;
    auto line = [&](const char* sign) {
        std::string text = std::string(sign) + " " + format_bytes(double(total)) + " read, " +
                           format_bytes(per_read.value()) + " per read";
        // The sign is 3 bytes for 1 column, the rest ASCII: cut at columns + 2 bytes.
        return size ? text.substr(0, std::size_t(size->ws_col) + 2) : text;
    };
    //> count-only
    const long long every = 8192;  // redraw every 8 KiB: a count, not a clock
    long long next_redraw = every;
    char buffer[4096];
    for (;;) {
        std::size_t want = sizeof buffer;
        if (max >= 0)
            want = std::min<long long>(want, max - total);
        if (want == 0)
            break;
        ssize_t got = course::retry_on_eintr("read", [&] { return ::read(0, buffer, want); });
        if (got == 0)
            break;  // end of input
        total += got;
        per_read.add(double(got));
        if (total < next_redraw)
            continue;  // the common case: add, compare, go on
        draw(line(spinner_frame(redraws++)), terminal, last_length, false);
        next_redraw = total + every;
    }
    draw(line("✓"), terminal, last_length, true);
    //< count-only
}
