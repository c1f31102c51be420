// Lab 07 — the code given with the lab: small helpers of the deadline, the supervisor and
// the progress pipe that your tasks use. It is compiled into your lab and into the
// reference alike (lab.json, "given").
#include <sys/syscall.h>
#include <unistd.h>

#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "deadline.hpp"
#include "progress_pipe.hpp"
#include "supervisor.hpp"

extern char** environ;

namespace proc {

// --- deadline.hpp ---

std::string to_string(Ending ending) {
    switch (ending) {
        case Ending::finished:
            return "finished before the deadline";
        case Ending::terminated:
            return "ended after SIGTERM";
        case Ending::killed:
            return "killed by SIGKILL after the grace period";
    }
    return "ended in an unknown way";
}

std::vector<std::string> current_environment() {
    std::vector<std::string> env;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry)
        env.emplace_back(*entry);
    return env;
}

// --- supervisor.hpp ---

int open_pidfd(pid_t pid) {
    // glibc 2.36's <sys/pidfd.h> lacks extern "C" (fixed in 2.37), so C++ cannot link its
    // pidfd_open: this makes the system call directly.
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}

std::string format_seconds(double seconds) {
    std::ostringstream out;
    out << seconds;  // %g with 6 significant digits: 0.1, 1.6, 25.6, 60
    return out.str();
}

Supervisor::Supervisor(Launch launch, SupervisorOptions options)
    : launch_(std::move(launch)), options_(std::move(options)) {
    if (!options_.clock)
        options_.clock = monotonic_seconds;
    if (!options_.sleep_for)
        options_.sleep_for = real_sleep_for;
}

void Supervisor::log(const std::string& line) const {
    if (options_.log)
        options_.log(line);
    else
        std::cerr << "supervisor: " << line << std::endl;
}

Supervisor::Launch launch_command(std::vector<std::string> argv) {
    return [argv = std::move(argv)] {
        SpawnOptions options;
        options.new_process_group = true;  // stop_gracefully signals the whole group
        return spawnp(argv.at(0), argv, current_environment(), options);
    };
}

// --- progress_pipe.hpp ---

ProgressRelay::ProgressRelay(ProgressOptions bar_options,
                             std::function<void(std::string_view)> other_lines)
    : bar_options_(std::move(bar_options)), other_lines_(std::move(other_lines)) {}

std::string format_progress_line(const ProgressReport& report) {
    return std::to_string(report.done) + "/" + std::to_string(report.total) + "\n";
}

}  // namespace proc
