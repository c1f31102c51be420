// Lab 07, task 4 — progress through a pipe (reference solution).
#include "progress_pipe.hpp"

#include <unistd.h>

#include <charconv>
#include <stdexcept>

#include "course/sys.hpp"
#include "deadline.hpp"
#include "spawn.hpp"

namespace proc {

namespace {

// A whole string of decimal digits as a number; none for anything else.
std::optional<long long> parse_count(std::string_view text) {
    long long value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || text[0] == '-' || error != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

// Writes all of @p text to @p fd; gives up quietly on errors (like a progress bar).
void write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        text.remove_prefix(static_cast<std::size_t>(n));
    }
}

}  // namespace

std::optional<ProgressReport> parse_progress_line(std::string_view line) {
    auto slash = line.find('/');
    if (slash == std::string_view::npos)
        return std::nullopt;
    auto done = parse_count(line.substr(0, slash));
    auto total = parse_count(line.substr(slash + 1));
    if (!done || !total || *done > *total)
        return std::nullopt;
    return ProgressReport{*done, *total};
}

void ProgressRelay::feed(std::string_view bytes) {
    // A pipe delivers bytes, not lines: "3/1" may come now and "0\n" later.
    pending_.append(bytes);
    std::size_t start = 0;
    for (std::size_t end; (end = pending_.find('\n', start)) != std::string::npos; start = end + 1)
        handle_line(std::string_view(pending_).substr(start, end - start));
    pending_.erase(0, start);
}

void ProgressRelay::handle_line(std::string_view line) {
    auto report = parse_progress_line(line);
    if (!report) {
        if (other_lines_)
            other_lines_(line);
        return;
    }
    if (!bar_) {  // the total is known only now
        bar_options_.total = report->total;
        bar_.emplace(bar_options_);
    }
    if (report->done > bar_->n())
        bar_->update(report->done - bar_->n());
    latest_ = report;
}

void ProgressRelay::finish() {
    if (!pending_.empty() && other_lines_)
        other_lines_(pending_);
    pending_.clear();
    if (bar_)
        bar_->close();
}

ExitStatus run_with_progress(const std::vector<std::string>& argv, ProgressOptions bar_options) {
    if (argv.empty())
        throw std::invalid_argument("run_with_progress: empty command");
    std::vector<std::string> env = current_environment();
    env.push_back(std::string(progress_fd_variable) + "=1");  // "report on your stdout"
    SpawnOptions options;
    options.out = Redirect::pipe();
    Child child = spawnp(argv[0], argv, env, options);
    ProgressRelay relay(std::move(bar_options), [](std::string_view line) {
        write_all(STDOUT_FILENO, std::string(line) + "\n");
    });
    char buffer[4096];
    for (;;) {
        ssize_t n = course::retry_on_eintr(
            "read", [&] { return ::read(child.out().get(), buffer, sizeof buffer); });
        if (n == 0)
            break;  // end of file: the child (and all who shared the pipe) closed it
        relay.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
    }
    relay.finish();
    return wait(child);
}

}  // namespace proc
