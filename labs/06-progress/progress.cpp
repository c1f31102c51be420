// progress: the notes' progress.py in C++. Takes N steps of one second each (N from the
// first argument, 10 by default) and shows a tqdm-like bar on standard error.
//
//   progress [N] [--step-ms MS]     MS: length of a step in milliseconds (default 1000)
//
// Unlike progress.py as the notes show it, it has no leftover `print(args); exit()`:
// it really runs. Bad arguments print the usage and exit with status 2.
#include <time.h>

#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <ranges>
#include <string>

#include "course/sys.hpp"
#include "progress_bar.hpp"

namespace {

const char* const kUsage = "usage: progress [N] [--step-ms MS]   (N >= 0 steps, MS >= 0)\n";

// A non-negative integer, or no value if @p text is not exactly one.
std::optional<long> parse_count(const std::string& text) {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
        return {};
    errno = 0;
    long value = std::strtol(text.c_str(), nullptr, 10);
    if (errno == ERANGE || value > 1'000'000'000)
        return {};
    return value;
}

//> sleep
// Sleeps @p ms milliseconds, resuming after a signal handler interrupts the sleep.
void sleep_ms(long ms) {
    timespec left{ms / 1000, (ms % 1000) * 1'000'000};
    while (::nanosleep(&left, &left) == -1) {
        if (errno != EINTR)
            course::throw_errno("nanosleep");
    }
}
//< sleep

struct Arguments {
    long steps = 10;
    long step_ms = 1000;
};

// Reads argv; no value when they make no sense.
std::optional<Arguments> parse_arguments(int argc, char** argv) {
    Arguments args;
    bool have_steps = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        std::optional<long> value;
        if (arg == "--step-ms" && i + 1 < argc) {
            if (!(value = parse_count(argv[++i])))
                return {};
            args.step_ms = *value;
        } else if (!have_steps && (value = parse_count(arg))) {
            args.steps = *value;
            have_steps = true;
        } else {
            return {};
        }
    }
    return args;
}

}  // namespace

//> main
int main(int argc, char** argv) {
    std::optional<Arguments> args = parse_arguments(argc, argv);
    if (!args) {
        std::cerr << kUsage;
        return 2;
    }
    for (long step : proc::progress(std::views::iota(0L, args->steps))) {
        (void)step;
        sleep_ms(args->step_ms);
    }
    return 0;
}
//< main
