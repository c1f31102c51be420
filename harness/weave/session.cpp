// Running a session: one shell, one pipe (or one pseudo-terminal), sentinels between the
// commands' outputs.
#include "session.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
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
#include "terminal.hpp"

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
/// then a sentinel, keeping the command's exit status for the next one's `$?`. On a pipe
/// the sentinel is a line; on a terminal, an OSC sequence (`ESC ] ... BEL`), which a
/// terminal does not draw and the weaver's Screen records as a mark.
std::string make_script(const std::vector<std::string>& commands, const std::string& token,
                        bool terminal) {
    const std::string sentinel = terminal ? "\\033]%s\\007" : "%s\\n";
    std::string script = "exec 2>&1\nweave_return() { return \"$1\"; }\n";
    for (std::size_t i = 0; i < commands.size(); ++i) {
        script += "eval " + shell_quote(commands[i]) + "\n";
        script += "weave_status=$?; printf '" + sentinel + "' '" + token + std::to_string(i) +
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

// --- Sessions on a pseudo-terminal ---

constexpr unsigned short kColumns = 80, kRows = 24;
// What a terminal session may write before the rest is dropped (read, not kept).
constexpr std::size_t kTerminalCap = 4 << 20;

/// A pseudo-terminal: the master side we read, the slave's path for the shell to open, and
/// our own hold on the slave (O_NOCTTY: never our controlling terminal), so that the
/// master does not read "hung up" before the shell has opened it.
struct Pty {
    course::UniqueFd master, slave;
    std::string slave_path;
};

Pty open_pty() {
    Pty pty;
    pty.master = course::UniqueFd(
        course::check(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), "posix_openpt"));
    course::check(::grantpt(pty.master.get()), "grantpt");
    course::check(::unlockpt(pty.master.get()), "unlockpt");
    char name[128];
    course::check_returned(::ptsname_r(pty.master.get(), name, sizeof name), "ptsname_r");
    pty.slave_path = name;
    winsize size{};
    size.ws_col = kColumns;
    size.ws_row = kRows;
    course::check(::ioctl(pty.master.get(), TIOCSWINSZ, &size), "ioctl TIOCSWINSZ");
    pty.slave = course::UniqueFd(
        hsys::retry_eintr([&] { return ::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC); }));
    if (!pty.slave)
        course::throw_errno(std::string("open ") + name);
    return pty;
}

/// posix_spawn's attributes and file actions, destroyed however we leave.
struct SpawnPlan {
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_t actions;
    SpawnPlan() {
        course::check_returned(::posix_spawnattr_init(&attributes), "posix_spawnattr_init");
        if (int error = ::posix_spawn_file_actions_init(&actions); error != 0) {
            ::posix_spawnattr_destroy(&attributes);
            course::throw_error(error, "posix_spawn_file_actions_init");
        }
    }
    SpawnPlan(const SpawnPlan&) = delete;
    SpawnPlan& operator=(const SpawnPlan&) = delete;
    ~SpawnPlan() {
        ::posix_spawn_file_actions_destroy(&actions);
        ::posix_spawnattr_destroy(&attributes);
    }
};

/// Starts `sh -c SCRIPT` in @p cwd as the leader of a new session (setsid, so also of a
/// new process group) whose controlling terminal is @p terminal: a session leader without
/// one that opens a terminal without O_NOCTTY acquires it. stdin, stdout and stderr are
/// that terminal; signals start at their defaults, unblocked.
pid_t spawn_on_terminal(const std::string& script, const fs::path& cwd, const std::string& terminal,
                        const std::vector<std::string>& env) {
    SpawnPlan plan;
    course::check_returned(
        ::posix_spawn_file_actions_addopen(&plan.actions, 0, terminal.c_str(), O_RDWR, 0),
        "posix_spawn_file_actions_addopen");
    for (int fd : {1, 2})
        course::check_returned(::posix_spawn_file_actions_adddup2(&plan.actions, 0, fd),
                               "posix_spawn_file_actions_adddup2");
    course::check_returned(::posix_spawn_file_actions_addchdir_np(&plan.actions, cwd.c_str()),
                           "posix_spawn_file_actions_addchdir_np");
    sigset_t none, all;
    ::sigemptyset(&none);
    ::sigfillset(&all);
    course::check_returned(::posix_spawnattr_setsigmask(&plan.attributes, &none),
                           "posix_spawnattr_setsigmask");
    course::check_returned(::posix_spawnattr_setsigdefault(&plan.attributes, &all),
                           "posix_spawnattr_setsigdefault");
    course::check_returned(
        ::posix_spawnattr_setflags(
            &plan.attributes, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF),
        "posix_spawnattr_setflags");
    std::vector<std::string> argv{"sh", "-c", script};
    std::vector<char*> args, envp;
    for (auto& arg : argv)
        args.push_back(arg.data());
    args.push_back(nullptr);
    for (const auto& entry : env)
        envp.push_back(const_cast<char*>(entry.c_str()));  // exec only reads them
    envp.push_back(nullptr);
    pid_t pid = 0;
    course::check_returned(
        ::posix_spawn(&pid, "/bin/sh", &plan.actions, &plan.attributes, args.data(), envp.data()),
        "posix_spawn /bin/sh on a terminal");
    return pid;
}

/// One read of the master side into @p bytes (beyond kTerminalCap, read and dropped).
/// @returns false once every process has closed the slave side (EIO: nothing more can
/// come), true otherwise (data, or nothing yet).
bool read_terminal(int master, std::string& bytes) {
    char buffer[65536];
    ssize_t n = ::read(master, buffer, sizeof buffer);
    if (n > 0) {
        bytes.append(buffer, std::min(static_cast<std::size_t>(n),
                                      kTerminalCap - std::min(kTerminalCap, bytes.size())));
        return true;
    }
    if (n == 0 || errno == EIO)
        return false;
    if (errno == EAGAIN || errno == EINTR)
        return true;
    course::throw_errno("read the pseudo-terminal");
}

/// Runs @p script on a new pseudo-terminal, kColumns × kRows, until the shell has ended
/// and every process has let go of the terminal, or until @p deadline (then the shell's
/// group is killed, and whatever the terminal holds is read). Processes left in the
/// shell's group when it ended are listed in @p run and killed (the terminal's hang-up,
/// SIGHUP to that group when its controlling process ends, may have ended some already).
/// @returns everything the terminal was given to show.
std::string run_on_terminal(const std::string& script, const fs::path& cwd,
                            const std::vector<std::string>& env,
                            std::chrono::steady_clock::time_point deadline, SessionRun& run) {
    Pty pty = open_pty();
    const pid_t pid = spawn_on_terminal(script, cwd, pty.slave_path, env);
    // While we hold the slave, the master never reads EIO: the harness's loop can read it.
    hsys::Stream stream{.fd = pty.master.get(), .cap = kTerminalCap};
    hsys::Stream* streams[] = {&stream};
    run.timed_out = hsys::wait_with_deadline(pid, streams, deadline).timed_out;
    if (!run.timed_out) {
        run.left_behind = group_members(pid);
        if (!run.left_behind.empty())
            ::kill(-pid, SIGKILL);
    }
    // Now let go of the slave, and read until the last process holding it has closed it:
    // the terminal hands over what it still buffers before it reads EIO.
    pty.slave.reset();
    std::string bytes = std::move(stream.data);
    for (;;) {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline -
                                                                 std::chrono::steady_clock::now())
                        .count();
        pollfd fd{pty.master.get(), POLLIN, 0};
        if (hsys::retry_eintr([&] {
                return ::poll(&fd, 1, static_cast<int>(std::clamp<long long>(left, 0, 1 << 30)));
            }) == 0) {
            run.timed_out = true;  // a process outside the group still holds the terminal
            break;
        }
        if (!read_terminal(pty.master.get(), bytes))
            break;
    }
    return bytes;
}

/// Splits what a terminal showed at each command's mark (see make_script).
void split_terminal(const std::string& bytes, const std::string& token, std::size_t commands,
                    SessionRun& run) {
    Screen screen(kColumns, kRows);
    screen.feed(bytes);
    auto lines = screen.lines();
    std::size_t start = 0, mark = 0;
    const auto& marks = screen.marks();
    for (std::size_t i = 0; i < commands; ++i) {
        const auto want = token + std::to_string(i);
        while (mark < marks.size() && marks[mark].text != want)
            ++mark;
        if (mark == marks.size()) {
            for (std::size_t k = start; k < lines.size(); ++k)
                run.unfinished_output += lines[k] + "\n";
            return;
        }
        const std::size_t end = marks[mark].row;
        if (lines.size() < end)
            lines.resize(end);
        run.outputs.emplace_back(lines.begin() + static_cast<long>(start),
                                 lines.begin() + static_cast<long>(end));
        start = end;
    }
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

SessionRun run_session(const std::vector<std::string>& commands, const SessionSetup& setup,
                       bool terminal) {
    hsys::TempDir aliases("weave"), work("weave");
    for (const auto& [name, target] : setup.aliases)
        fs::create_symlink(fs::absolute(setup.bin_dir) / target, aliases.path() / name);
    std::random_device random;
    const std::string token = "@@weave-" + std::to_string(random()) + "-done-";
    auto env = make_environment(aliases.path(), setup);
    const auto deadline = std::chrono::steady_clock::now() + setup.timeout;
    auto script = make_script(commands, token, terminal);
    SessionRun run;
    if (terminal) {
        split_terminal(run_on_terminal(script, work.path(), env, deadline, run), token,
                       commands.size(), run);
        return run;
    }
    auto pipe = course::make_pipe();
    pid_t pid = spawn_shell(script, work.path(), pipe.write.get(), env);
    pipe.write.reset();
    auto text = collect(pipe.read.get(), pid, deadline, run);
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
