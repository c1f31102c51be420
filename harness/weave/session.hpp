/// @file
/// @brief Running a lesson's terminal session in one `/bin/sh`, the way a student would.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace weave {

/// Where and how sessions run.
struct SessionSetup {
    /// The build's bin/ directory, put on PATH.
    std::filesystem::path bin_dir;
    /// Names a student types mapped to the builds that run instead (`proc` -> the path of
    /// `proc-ref`; a relative target is taken in bin_dir). The weaver takes them from the
    /// build's manifest: each program's "aliases" (lab.json, tools/CMakeLists.txt).
    std::vector<std::pair<std::string, std::string>> aliases;
    /// The whole session's time limit.
    std::chrono::milliseconds timeout{10'000};
};

/// What a session printed, command by command.
struct SessionRun {
    std::vector<std::vector<std::string>> outputs;  ///< One per command that finished.
    std::string unfinished_output;                  ///< What the first unfinished command printed.
    bool timed_out = false;                         ///< The time limit killed it.
    std::vector<std::string> left_behind;  ///< Processes still running after the shell ended.
};

/// Runs @p commands in order in one `/bin/sh` (so `cd` and variables persist), in a fresh
/// temporary directory, stdin from /dev/null, stdout and stderr together, TERM=dumb,
/// COLUMNS=80, LC_ALL=C.UTF-8, PATH = aliases, bin_dir, then the inherited PATH. Kills
/// the session's process group on timeout and any process it leaves behind.
///
/// With @p terminal, stdin, stdout and stderr are instead a new pseudo-terminal of 80 × 24,
/// the shell's controlling terminal (it leads a session of its own), and each command's
/// output is the rows its text left on the screen once the session is over (Screen: `\r`,
/// cursor moves and erasures applied; a command's output starts on a line of its own).
/// The session ends when every process has closed the terminal, or at the time limit.
SessionRun run_session(const std::vector<std::string>& commands, const SessionSetup& setup,
                       bool terminal = false);

/// What a terminal shows for @p line: each '\r' moves back to the line's start and later
/// characters overwrite earlier ones.
std::string apply_carriage_returns(const std::string& line);

}  // namespace weave
