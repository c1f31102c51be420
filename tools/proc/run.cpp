// proc run: starts a command (Lab 03's spawnp), waits for it (Lab 04), and says on
// stderr how it ended. proc's own exit status follows the child's, as a shell's $? does:
// the exit code, or 128 + N when signal N killed it; 127/126 when it could not start.
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "command.hpp"
#include "course/sys.hpp"
#include "environment.hpp"
#include "progress_pipe.hpp"
#include "wait.hpp"

namespace proc_tool {
namespace {

// How long a command may ignore SIGTERM, after a timeout, before it gets SIGKILL.
constexpr std::chrono::milliseconds kGracePeriod{2000};

/// Everything `proc run` can be told. A new option is one field here and one line in
/// add_run_options(); what it changes goes in child_environment() or run().
struct RunOptions {
    double timeout_seconds = 0;          ///< --timeout: 0 means wait for ever.
    bool progress = false;               ///< --progress: draw the command's reports (Lab 07).
    bool env_clear = false;              ///< --env-clear: start from an empty environment.
    std::vector<std::string> env_set;    ///< --env NAME=VALUE, applied in order.
    std::vector<std::string> env_unset;  ///< --unset NAME.
    std::vector<std::string> command;    ///< The command and its arguments.
};

void add_run_options(CLI::App& sub, RunOptions& options) {
    sub.add_option("--timeout", options.timeout_seconds,
                   "seconds to wait; then SIGTERM, and SIGKILL 2 s later")
        ->check(CLI::PositiveNumber);
    sub.add_flag("--env-clear", options.env_clear,
                 "start the command with an empty environment (like env -i)");
    sub.add_option("--env", options.env_set, "set NAME=VALUE in the command's environment")
        ->check([](const std::string& entry) {
            return entry.find('=') == std::string::npos || entry.front() == '='
                       ? std::string("expected NAME=VALUE, got '") + entry + "'"
                       : std::string();
        });
    sub.add_option("--unset", options.env_unset, "remove NAME from the command's environment");
    sub.add_flag("--progress", options.progress,
                 "draw a bar from the DONE/TOTAL lines the command writes on $PROC_PROGRESS_FD")
        ->excludes("--timeout")
        ->excludes("--env-clear")
        ->excludes("--env")
        ->excludes("--unset");
    sub.add_option("command", options.command, "the command and its arguments (after --)")
        ->required();
    sub.positionals_at_end();
}

//> child-environment
/// The child's environment: the caller's (or none, with --env-clear), less each
/// --unset, plus each --env. The program is still looked up in *our* PATH.
std::vector<std::string> child_environment(const RunOptions& options) {
    proc::Environment env = options.env_clear ? proc::Environment() : proc::Environment::current();
    for (const auto& name : options.env_unset)
        env.unset(name);
    for (const auto& entry : options.env_set) {
        auto equals = entry.find('=');
        env.set(entry.substr(0, equals), entry.substr(equals + 1));
    }
    return env.entries();
}
//< child-environment

//> wait-with-timeout
// Waits for the child; after a timeout asks it to stop (SIGTERM), then forces it (SIGKILL).
proc::ExitStatus wait_with_timeout(proc::Child& child, const std::string& name, double seconds) {
    if (seconds <= 0)
        return proc::wait(child);
    auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::duration<double>(seconds));
    if (auto status = proc::wait_for(child, timeout))
        return *status;
    std::cerr << "proc: " << name << " still running after " << seconds << " s: sending SIGTERM\n";
    course::check(::kill(child.pid(), SIGTERM), "kill");
    if (auto status = proc::wait_for(child, kGracePeriod))
        return *status;
    std::cerr << "proc: " << name << " ignored SIGTERM for 2 s: sending SIGKILL\n";
    course::check(::kill(child.pid(), SIGKILL), "kill");
    return proc::wait(child);
}
//< wait-with-timeout

//> run
int run(const RunOptions& options) {
    const std::string& name = options.command.front();
    proc::Child child;
    try {
        child = proc::spawnp(name, options.command, child_environment(options));
    } catch (const std::system_error& e) {
        // Shell conventions: 127 "command not found", 126 "found but cannot run".
        std::cerr << "proc: cannot run " << name << ": " << e.code().message() << "\n";
        return e.code() == std::errc::no_such_file_or_directory ? 127 : 126;
    }
    proc::ExitStatus status = wait_with_timeout(child, name, options.timeout_seconds);
    std::cerr << "proc: " << name << " " << status.to_string() << "\n";
    return status.shell_code();
}
//< run

// proc run --progress: the command reports "DONE/TOTAL" lines on its stdout (told so by
// PROC_PROGRESS_FD=1) and we draw them as one bar (Lab 07's run_with_progress).
int run_with_progress(const RunOptions& options) {
    const std::string& name = options.command.front();
    proc::ProgressOptions bar;
    bar.desc = name;
    proc::ExitStatus status = proc::run_with_progress(options.command, bar);
    std::cerr << "proc: " << name << " " << status.to_string() << "\n";
    return status.shell_code();
}

[[maybe_unused]] bool run_registered = register_command(
    {"run", "run a command and report how it ended",
     [](CLI::App& sub) {
         auto options = std::make_shared<RunOptions>();
         add_run_options(sub, *options);
         return std::function<int()>(
             [options] { return options->progress ? run_with_progress(*options) : run(*options); });
     },
     30});

}  // namespace
}  // namespace proc_tool
