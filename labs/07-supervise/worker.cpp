// worker: a long task that shuts down cleanly, for Lab 07's tests and lesson.
//
//   worker --steps N --step-ms MS [--progress-fd FD] [--ignore-term] [--exit-code C]
//
// Does N steps of MS milliseconds of "work" (a sleep that signals do not cut short).
// After each step it writes "DONE/N" to the progress descriptor: --progress-fd, else
// $PROC_PROGRESS_FD, else none. On SIGTERM or SIGINT (Task 2's ShutdownFlag) it finishes
// the step in progress, says so, cleans up and ends as if killed by that signal (so its
// parent's wait reports SIGTERM and a shell shows 143). With --ignore-term it ignores
// SIGTERM, and only SIGKILL can stop it. Otherwise it exits with C (default 0) when done.
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "progress_pipe.hpp"
#include "shutdown.hpp"

namespace {

struct Options {
    long long steps = 10;
    long long step_ms = 100;
    int progress_fd = -1;
    bool ignore_term = false;
    int exit_code = 0;
};

// Writes @p text to @p fd in full with write(2): no stdio buffer to flush or lose.
void say(int fd, const std::string& text) {
    std::string_view rest(text);
    while (fd >= 0 && !rest.empty()) {
        ssize_t n = ::write(fd, rest.data(), rest.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
}

// One step of work: sleeps until an absolute time, so that a signal handler running in
// between (EINTR) neither shortens nor lengthens the step.
void work_for(long long ms) {
    timespec until{};
    ::clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (ms % 1000) * 1'000'000;
    if (until.tv_nsec >= 1'000'000'000) {
        until.tv_sec += 1;
        until.tv_nsec -= 1'000'000'000;
    }
    while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, nullptr) == EINTR) {
    }
}

bool parse(int argc, char** argv, Options& options) {
    if (const char* fd = std::getenv(proc::progress_fd_variable))
        options.progress_fd = std::atoi(fd);
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        bool has_value = i + 1 < argc;
        if (arg == "--ignore-term")
            options.ignore_term = true;
        else if (arg == "--steps" && has_value)
            options.steps = std::atoll(argv[++i]);
        else if (arg == "--step-ms" && has_value)
            options.step_ms = std::atoll(argv[++i]);
        else if (arg == "--progress-fd" && has_value)
            options.progress_fd = std::atoi(argv[++i]);
        else if (arg == "--exit-code" && has_value)
            options.exit_code = std::atoi(argv[++i]);
        else
            return false;
    }
    return options.steps >= 0 && options.step_ms >= 0;
}

//> worker-loop
int run(const Options& options) {
    proc::ShutdownFlag shutdown;  // SIGTERM and SIGINT now only set a flag
    if (options.ignore_term)
        ::signal(SIGTERM, SIG_IGN);
    std::string total = std::to_string(options.steps);
    say(STDOUT_FILENO, "worker: pid " + std::to_string(::getpid()) + ", " + total + " steps of " +
                           std::to_string(options.step_ms) + " ms\n");
    for (long long done = 0; done < options.steps; ++done) {
        if (shutdown.requested()) {  // checked between steps, never in the middle of one
            int sig = shutdown.signal();
            say(STDOUT_FILENO, "worker: SIG" + std::string(sigabbrev_np(sig)) + " after step " +
                                   std::to_string(done) + " of " + total + ", cleaning up\n");
            say(STDOUT_FILENO, "worker: cleaned up\n");  // flush files, remove temporaries...
            proc::exit_as_if_killed_by(sig);
        }
        work_for(options.step_ms);
        say(options.progress_fd, proc::format_progress_line({done + 1, options.steps}));
    }
    say(STDOUT_FILENO, "worker: done\n");
    return options.exit_code;
}
//< worker-loop

}  // namespace

int main(int argc, char** argv) {
    Options options;
    if (!parse(argc, argv, options)) {
        std::cerr << "usage: worker --steps N --step-ms MS [--progress-fd FD] [--ignore-term]"
                     " [--exit-code C]\n";
        return 2;
    }
    try {
        return run(options);
    } catch (const std::exception& e) {
        std::cerr << "worker: " << e.what() << "\n";
        return 1;
    }
}
