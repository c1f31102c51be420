/// @file
/// @brief How a `proc` subcommand plugs into the tool.
///
/// Each subcommand lives in its own file (ps.cpp, tree.cpp, run.cpp, ...) and registers
/// itself with a static ProcCommand object, so adding a command never touches main.cpp.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace proc_tool {

/// One subcommand: its name, a one-line description, how to declare its options on a
/// CLI11 subcommand, and what to run. run() returns the tool's exit status.
struct Command {
    std::string name;
    std::string summary;
    std::function<std::function<int()>(CLI::App& sub)> setup;
    int order = 100;  ///< Position in `proc --help` (lower first).
};

/// Adds @p command to the tool (called from static initialisers; order-independent).
bool register_command(Command command);

}  // namespace proc_tool
