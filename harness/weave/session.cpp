// Running a session: one shell, one pipe, sentinels between the commands' outputs.
#include "session.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string_view>

#include "course/sys.hpp"
#include "course/unique_fd.hpp"
#include "diagnostics.hpp"

extern char** environ;

namespace weave {

namespace {

namespace fs = std::filesystem;

/// A directory made with mkdtemp, removed (with what it holds) when destroyed.
class TempDir {
  public:
    TempDir() {
        auto base = fs::temp_directory_path() / "weave-XXXXXX";
        std::string name = base.string();
        if (::mkdtemp(name.data()) == nullptr)
            course::throw_errno("mkdtemp " + name);
        path_ = name;
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);  // best effort: never throw from a destructor
    }
    const fs::path& path() const { return path_; }

  private:
    fs::path path_;
};

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
    std::error_code error;
    for (const auto& entry : fs::directory_iterator("/proc", error)) {
        std::ifstream in(entry.path() / "stat");
        std::string stat;
        if (!std::getline(in, stat))
            continue;
        auto close = stat.rfind(')');
        if (close == std::string::npos)
            continue;
        char state = 0;
        long ppid = 0, pgrp = 0;
        if (std::sscanf(stat.c_str() + close + 1, " %c %ld %ld", &state, &ppid, &pgrp) != 3)
            continue;
        if (pgrp == group && state != 'Z')
            found.push_back(entry.path().filename().string() + " " +
                            stat.substr(stat.find('('), close - stat.find('(') + 1));
    }
    return found;
}

pid_t spawn_shell(const std::string& script, const fs::path& cwd, int output,
                  std::vector<std::string>& env) {
    posix_spawn_file_actions_t actions;
    course::check_returned(posix_spawn_file_actions_init(&actions),
                           "posix_spawn_file_actions_init");
    course::check_returned(posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0),
                           "posix_spawn_file_actions_addopen");
    course::check_returned(posix_spawn_file_actions_adddup2(&actions, output, 1),
                           "posix_spawn_file_actions_adddup2");
    course::check_returned(posix_spawn_file_actions_adddup2(&actions, output, 2),
                           "posix_spawn_file_actions_adddup2");
    course::check_returned(posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str()),
                           "posix_spawn_file_actions_addchdir_np");
    posix_spawnattr_t attr;
    course::check_returned(posix_spawnattr_init(&attr), "posix_spawnattr_init");
    // Its own process group, so a timeout can kill everything the session started; default
    // signal dispositions and mask, whatever ours are.
    course::check_returned(
        posix_spawnattr_setflags(
            &attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF),
        "posix_spawnattr_setflags");
    course::check_returned(posix_spawnattr_setpgroup(&attr, 0), "posix_spawnattr_setpgroup");
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    course::check_returned(posix_spawnattr_setsigmask(&attr, &none), "posix_spawnattr_setsigmask");
    course::check_returned(posix_spawnattr_setsigdefault(&attr, &all),
                           "posix_spawnattr_setsigdefault");
    std::vector<char*> envp;
    for (auto& entry : env)
        envp.push_back(entry.data());
    envp.push_back(nullptr);
    std::string sh = "sh", dash_c = "-c", script_copy = script;
    char* argv[] = {sh.data(), dash_c.data(), script_copy.data(), nullptr};
    pid_t pid = 0;
    int error = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    course::check_returned(error, "posix_spawn /bin/sh");
    return pid;
}

/// Reads @p output until EOF and the shell @p pid has ended, or until @p deadline (then
/// kills the group). Processes left in the group once the shell has ended are listed in
/// @p run and killed. Returns everything read.
std::string collect(int output, pid_t pid, std::chrono::steady_clock::time_point deadline,
                    SessionRun& run) {
    std::string text;
    course::UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    bool eof = false, ended = false;
    while (!eof || !ended) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            run.timed_out = true;
            ::kill(-pid, SIGKILL);
            break;
        }
        pollfd fds[2] = {{eof ? -1 : output, POLLIN, 0}, {ended ? -1 : pidfd.get(), POLLIN, 0}};
        const int wait_ms = pidfd && !ended ? static_cast<int>(left.count()) : 20;
        if (::poll(fds, 2, wait_ms) < 0 && errno != EINTR)
            course::throw_errno("poll");
        if (!eof && (fds[0].revents & (POLLIN | POLLHUP)) != 0) {
            char buffer[4096];
            auto n = course::retry_on_eintr("read",
                                            [&] { return ::read(output, buffer, sizeof buffer); });
            eof = n == 0;
            text.append(buffer, static_cast<std::size_t>(n));
        }
        if (!ended && course::retry_on_eintr(
                          "waitpid", [&] { return ::waitpid(pid, nullptr, WNOHANG); }) == pid) {
            ended = true;
            // The shell is gone: whatever is left in its group would hold the pipe open.
            run.left_behind = group_members(pid);
            if (!run.left_behind.empty())
                ::kill(-pid, SIGKILL);
        }
    }
    if (!ended)
        course::retry_on_eintr("waitpid", [&] { return ::waitpid(pid, nullptr, 0); });
    return text;
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
    TempDir aliases, work;
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
