// proc env: prints a process's environment, one NAME=value per line, sorted by name
// (Lab 05). With no PID, the tool's own environment. What /proc/PID/environ shows is the
// environment the process was started with: later setenv() calls inside it do not show.
#include <sys/types.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "command.hpp"
#include "environment.hpp"

namespace {

// Prints the environment of @p pid (or our own). @returns the exit status.
int run_env(std::optional<pid_t> pid) {
    proc::Environment env;
    try {
        env = pid ? proc::Environment::of_process(*pid) : proc::Environment::current();
    } catch (const std::system_error& e) {
        // The lab's messages start with the sentence to show; drop ": <strerror>".
        if (e.code() == std::errc::no_such_process) {
            std::cerr << "proc: no process with PID " << *pid << "\n";
            return 1;
        }
        if (e.code() == std::errc::permission_denied) {
            std::cerr << "proc: not allowed to read the environment of PID " << *pid << "\n";
            return 1;
        }
        throw;
    }
    for (const auto& [name, value] : env)
        std::cout << name << '=' << value << '\n';
    return 0;
}

const bool env_registered =
    proc_tool::register_command({"env", "print a process's environment (NAME=value lines, sorted)",
                                 [](CLI::App& sub) {
                                     auto pid = std::make_shared<std::optional<pid_t>>();
                                     sub.add_option("pid", *pid, "the process (default: this one)");
                                     return std::function<int()>([pid] { return run_env(*pid); });
                                 },
                                 40});

}  // namespace
