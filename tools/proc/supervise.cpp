// proc supervise [--max-restarts N] [--window S] [--backoff S] [--max-backoff S]
//                [--grace S] -- CMD [ARG...]
// Keeps CMD running (Lab 07): restarts it whenever it ends, after a backoff that doubles
// with each death (0.1 s, 0.2 s, 0.4 s, ... at most --max-backoff), and gives up (exit 1)
// once it has died more than --max-restarts times within --window seconds. SIGTERM or
// SIGINT (Ctrl-C) stops it: SIGTERM to CMD's process group, SIGKILL after --grace
// seconds; then proc ends as that signal would have ended it (its parent sees "killed by
// SIGTERM", a shell 128 + 15 = 143), not with 0, which would say that all went well.
// Events are logged on standard error, "proc: ...".
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "command.hpp"
#include "shutdown.hpp"
#include "supervisor.hpp"

namespace {

struct Settings {
    std::vector<std::string> command;
    int max_restarts = 5;
    double window = 60;
    double backoff = 0.1;
    double max_backoff = 30;
    double grace = 5;
};

//> supervise-command
int supervise(const Settings& settings) {
    // From here on SIGTERM and SIGINT only raise a flag; the supervisor polls its pipe.
    proc::ShutdownFlag shutdown;
    proc::SupervisorOptions options;
    options.name = settings.command.front();
    options.max_restarts = settings.max_restarts;
    options.window = settings.window;
    options.initial_backoff = settings.backoff;
    options.max_backoff = settings.max_backoff;
    options.grace = std::chrono::milliseconds(static_cast<long long>(settings.grace * 1000));
    options.stop_fd = shutdown.fd();
    options.log = [](const std::string& line) { std::cerr << "proc: " << line << std::endl; };
    auto result = proc::Supervisor(proc::launch_command(settings.command), options).run();
    // Told to stop, and its task stopped: end as the signal would have (Lesson 07).
    if (result.outcome == proc::SupervisorOutcome::stopped && shutdown.signal() != 0)
        proc::exit_as_if_killed_by(shutdown.signal());
    return result.outcome == proc::SupervisorOutcome::gave_up ? 1 : 0;
}
//< supervise-command

bool supervise_registered = proc_tool::register_command(
    {"supervise", "keep a command running, restarting it when it dies",
     [](CLI::App& sub) {
         auto settings = std::make_shared<Settings>();
         sub.add_option("--max-restarts", settings->max_restarts,
                        "give up after this many restarts within the window (default 5)")
             ->check(CLI::NonNegativeNumber);
         sub.add_option("--window", settings->window,
                        "seconds after which a death is forgotten (default 60)")
             ->check(CLI::PositiveNumber);
         sub.add_option("--backoff", settings->backoff,
                        "seconds before the first restart, doubled each time (default 0.1)")
             ->check(CLI::NonNegativeNumber);
         sub.add_option("--max-backoff", settings->max_backoff,
                        "the longest wait before a restart, in seconds (default 30)")
             ->check(CLI::NonNegativeNumber);
         sub.add_option("--grace", settings->grace,
                        "seconds between SIGTERM and SIGKILL when stopping (default 5)")
             ->check(CLI::NonNegativeNumber);
         sub.add_option("command", settings->command, "the command and its arguments (after --)")
             ->required();
         sub.footer(
             "Exit status: 1 after giving up. Stopped by SIGTERM or SIGINT, it stops the\n"
             "command, then ends as that signal would have ended it: a shell shows 143\n"
             "for SIGTERM, 130 for SIGINT.");
         return std::function<int()>([settings] { return supervise(*settings); });
     },
     50});

}  // namespace
