// Running a session: one shell, one pipe, sentinels between the commands' outputs.
#include "session.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <limits>
#include <random>
#include <string_view>

#include "course/sys.hpp"
#include "course/unique_fd.hpp"
#include "diagnostics.hpp"
#include "hsys/eintr.hpp"
#include "hsys/proc.hpp"
#include "hsys/run.hpp"
#include "hsys/spawn.hpp"
#include "hsys/temp_dir.hpp"

extern char** environ;

namespace weave {

namespace {

namespace fs = std::filesystem;

std::string shell_quote(const std::string& text) {
    std::string quoted = "'";
    for (char c : text)
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

/// The script: each command through `eval` (so its errors say `sh: 1:` wherever it sits),
/// then a sentinel line, keeping the command's exit status for the next one's `$?`.
std::string make_script(const std::vector<std::string>& commands, const std::string& token) {
    std::string script = "exec 2>&1\nweave_return() { return \"$1\"; }\n";
    for (std::size_t i = 0; i < commands.size(); ++i) {
        script += "eval " + shell_quote(commands[i]) + "\n";
        script += "weave_status=$?; printf '%s\\n' '" + token + std::to_string(i) +
                  "'; weave_return \"$weave_status\"\n";
    }
    return script;
}

std::vector<std::string> make_environment(const fs::path& alias_dir, const SessionSetup& setup) {
    const char* inherited = std::getenv("PATH");
    std::vector<std::string> env{"PATH=" + alias_dir.string() + ":" + setup.bin_dir.string() + ":" +
                                     (inherited ? inherited : "/usr/bin:/bin"),
                                 "TERM=dumb", "COLUMNS=80", "LC_ALL=C.UTF-8"};
    for (char** entry = environ; *entry != nullptr; ++entry) {
        std::string_view name(*entry);
        name = name.substr(0, name.find('='));
        if (name != "PATH" && name != "TERM" && name != "COLUMNS" && name != "LC_ALL" &&
            name != "LINES")
            env.emplace_back(*entry);
    }
    return env;
}

/// Live (non-zombie) processes whose process group is @p group, as "PID (name)".
std::vector<std::string> group_members(pid_t group) {
    std::vector<std::string> found;
    for (pid_t pid : hsys::list_pids()) {
        auto stat = hsys::read_stat(pid);
        if (stat && stat->pgrp == group && stat->state != 'Z')
            found.push_back(std::to_string(pid) + " (" + stat->comm + ")");
    }
    return found;
}

/// Starts `sh -c SCRIPT` in @p cwd, leading its own process group (so a timeout can kill
/// everything the session started), stdin from /dev/null, stdout and stderr into @p output.
pid_t spawn_shell(const std::string& script, const fs::path& cwd, int output,
                  const std::vector<std::string>& env) {
    course::UniqueFd null(
        hsys::retry_eintr([] { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }));
    if (!null)
        course::throw_errno("open /dev/null");
    return hsys::spawn({.argv = {"sh", "-c", script},
                        .env = env,
                        .cwd = cwd.string(),
                        .stdin_fd = null.get(),
                        .stdout_fd = output,
                        .stderr_fd = output,
                        .new_process_group = true,
                        .search_path = false,
                        .program = "/bin/sh"});
}

/// Reads @p output until the shell @p pid has ended, or until @p deadline (then kills the
/// group). Processes left in the group once the shell has ended are listed in @p run and
/// killed. Returns everything read.
std::string collect(int output, pid_t pid, std::chrono::steady_clock::time_point deadline,
                    SessionRun& run) {
    hsys::Stream stream{.fd = output, .cap = std::numeric_limits<std::size_t>::max()};
    hsys::Stream* streams[] = {&stream};
    run.timed_out = hsys::wait_with_deadline(pid, streams, deadline).timed_out;
    if (!run.timed_out) {
        // The shell is gone: whatever is left in its group would hold the pipe open.
        run.left_behind = group_members(pid);
        if (!run.left_behind.empty()) {
            ::kill(-pid, SIGKILL);
            hsys::drain(stream);  // what they wrote before they died
        }
    }
    return std::move(stream.data);
}

}  // namespace

std::string apply_carriage_returns(const std::string& line) {
    if (line.find('\r') == std::string::npos)
        return line;
    std::string screen;
    std::size_t cursor = 0;
    for (char c : line) {
        if (c == '\r') {
            cursor = 0;
        } else if (cursor < screen.size()) {
            screen[cursor++] = c;
        } else {
            screen += c;
            ++cursor;
        }
    }
    return screen;
}

SessionRun run_session(const std::vector<std::string>& commands, const SessionSetup& setup) {
    hsys::TempDir aliases("weave"), work("weave");
    for (const auto& [name, target] : setup.aliases)
        fs::create_symlink(fs::absolute(setup.bin_dir) / target, aliases.path() / name);
    std::random_device random;
    const std::string token = "@@weave-" + std::to_string(random()) + "-done-";
    auto env = make_environment(aliases.path(), setup);
    auto pipe = course::make_pipe();
    pid_t pid = spawn_shell(make_script(commands, token), work.path(), pipe.write.get(), env);
    pipe.write.reset();
    SessionRun run;
    auto text =
        collect(pipe.read.get(), pid, std::chrono::steady_clock::now() + setup.timeout, run);
    std::size_t start = 0;
    for (std::size_t i = 0; i < commands.size(); ++i) {
        auto sentinel = token + std::to_string(i) + "\n";
        auto at = text.find(sentinel, start);
        if (at == std::string::npos) {
            run.unfinished_output = text.substr(start);
            break;
        }
        std::vector<std::string> lines;
        for (auto& line : split_lines(text.substr(start, at - start)))
            lines.push_back(rstrip(apply_carriage_returns(line)));
        run.outputs.push_back(std::move(lines));
        start = at + sentinel.size();
    }
    return run;
}

}  // namespace weave
