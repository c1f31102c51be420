#include "sandbox.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "course/file.hpp"
#include "course/sys.hpp"
#include "course/unique_fd.hpp"

namespace grader {
namespace {

using Clock = std::chrono::steady_clock;

// Everything below runs in the forked child before exec: no allocation, no exceptions,
// only async-signal-safe calls, because the parent may have had other threads.
[[noreturn]] void exec_in_child(char* const* argv, const char* workdir, const Limits& limits,
                                int output_fd) {
    ::setsid();  // own session and process group: one kill(-pid) reaches the whole group
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // if the grader dies, the test dies with it
    int null = ::open("/dev/null", O_RDONLY);
    ::dup2(null, STDIN_FILENO);
    ::dup2(output_fd, STDOUT_FILENO);
    ::dup2(output_fd, STDERR_FILENO);
    struct rlimit none = {0, 0};
    ::setrlimit(RLIMIT_CORE, &none);  // a crash must not write a core file per test
    if (limits.address_space) {
        struct rlimit as = {limits.address_space, limits.address_space};
        ::setrlimit(RLIMIT_AS, &as);
    }
    if (limits.file_size) {
        struct rlimit fs = {limits.file_size, limits.file_size};
        ::setrlimit(RLIMIT_FSIZE, &fs);
    }
    if (limits.max_processes) {
        struct rlimit np = {limits.max_processes, limits.max_processes};
        ::setrlimit(RLIMIT_NPROC, &np);
    }
    sigset_t all;
    sigemptyset(&all);
    ::sigprocmask(SIG_SETMASK, &all, nullptr);  // do not pass the grader's mask on
    if (::chdir(workdir) != 0 || ::close_range(3, ~0U, 0) != 0) ::_exit(126);
    ::execv(argv[0], argv);
    static const char message[] = "grader: cannot execute the test program\n";
    [[maybe_unused]] auto ignored = ::write(STDERR_FILENO, message, sizeof message - 1);
    ::_exit(127);
}

// The PID -> PPID map of every process now, from one scan of /proc.
std::unordered_map<pid_t, pid_t> parent_map() {
    std::unordered_map<pid_t, pid_t> parents;
    DIR* proc = ::opendir("/proc");
    if (proc == nullptr) course::throw_errno("opendir /proc");
    while (dirent* entry = ::readdir(proc)) {
        if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;
        std::string stat;
        try {
            stat = course::read_file(std::string("/proc/") + entry->d_name + "/stat");
        } catch (const std::system_error&) {
            continue;  // ended between readdir and open
        }
        auto close = stat.rfind(')');
        if (close == std::string::npos || close + 4 >= stat.size()) continue;
        parents[std::atoi(entry->d_name)] = std::atoi(stat.c_str() + close + 4);
    }
    ::closedir(proc);
    return parents;
}

std::vector<pid_t> descendants_of(pid_t root) {
    auto parents = parent_map();
    std::unordered_multimap<pid_t, pid_t> children;
    for (auto [pid, ppid] : parents) children.emplace(ppid, pid);
    std::vector<pid_t> found;
    std::vector<pid_t> frontier{root};
    while (!frontier.empty()) {
        pid_t next = frontier.back();
        frontier.pop_back();
        auto [first, last] = children.equal_range(next);
        for (auto it = first; it != last; ++it) {
            found.push_back(it->second);
            frontier.push_back(it->second);
        }
    }
    return found;
}

void reap_finished_children() {
    // ECHILD ends the loop: no children left. 0: some are still dying.
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
}

int remaining_ms(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() < 0 ? 0 : static_cast<int>(left.count()) + 1;
}

// Reads what is available on @p fd into @p out; false at end of file.
bool read_output(int fd, Outcome& out, std::size_t cap) {
    char buffer[65536];
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) return errno == EINTR || errno == EAGAIN;
    if (n == 0) return false;
    out.output_bytes += static_cast<std::size_t>(n);
    if (out.output.size() < cap) {
        out.output.append(buffer, std::min<std::size_t>(n, cap - out.output.size()));
    }
    return true;
}

// Waits for the program to end or for the deadline, reading its output meanwhile.
void supervise(pid_t pid, int output_fd, Outcome& out, const Limits& limits,
               Clock::time_point start) {
    auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(limits.wall_seconds));
    course::UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    bool output_open = true;
    for (;;) {
        // Without pidfd (kernels before 5.3) poll the pipe in short slices instead.
        int wait_ms = pidfd ? remaining_ms(deadline) : std::min(remaining_ms(deadline), 20);
        pollfd fds[2] = {{output_open ? output_fd : -1, POLLIN, 0}, {pidfd.get(), POLLIN, 0}};
        int ready = ::poll(fds, 2, wait_ms);
        if (ready < 0 && errno != EINTR) course::throw_errno("poll");
        if (fds[0].revents != 0) output_open = read_output(output_fd, out, limits.output_cap);
        if (::waitpid(pid, &out.raw_status, WNOHANG) == pid) break;
        if (remaining_ms(deadline) == 0) {
            out.timed_out = true;
            ::kill(-pid, SIGKILL);
            ::kill(pid, SIGKILL);
            course::retry_on_eintr("waitpid", [&] { return ::waitpid(pid, &out.raw_status, 0); });
            break;
        }
    }
    out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
}

// After the program ended: nothing it started may outlive it, then read what is left.
void clean_up(pid_t pid, int output_fd, Outcome& out, const Limits& limits) {
    ::kill(-pid, SIGKILL);
    out.leftovers_killed = kill_all_descendants();
    ::fcntl(output_fd, F_SETFL, O_NONBLOCK);
    pollfd fd = {output_fd, POLLIN, 0};
    while (::poll(&fd, 1, 200) > 0 && read_output(output_fd, out, limits.output_cap)) {
    }
    out.output_truncated = out.output_bytes > limits.output_cap;
}

}  // namespace

void become_subreaper() { course::check(::prctl(PR_SET_CHILD_SUBREAPER, 1), "prctl"); }

int kill_all_descendants() {
    int killed = 0;
    // Each round kills what exists; anything forked meanwhile is re-parented to us (we
    // are the subreaper) and found by the next round.
    for (int round = 0; round < 10000; ++round) {
        auto alive = descendants_of(::getpid());
        if (alive.empty()) break;
        for (pid_t pid : alive) {
            if (::kill(pid, SIGKILL) == 0) ++killed;
        }
        reap_finished_children();
    }
    reap_finished_children();
    return killed;
}

Outcome run_sandboxed(const std::vector<std::string>& argv, const std::string& workdir,
                      const Limits& limits) {
    Outcome out;
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    auto pipe = course::make_pipe();
    auto start = Clock::now();
    pid_t pid = course::check(::fork(), "fork");
    if (pid == 0) exec_in_child(args.data(), workdir.c_str(), limits, pipe.write.get());
    pipe.write.reset();  // so that end of file means every writer is gone
    out.started = true;
    supervise(pid, pipe.read.get(), out, limits, start);
    clean_up(pid, pipe.read.get(), out, limits);
    return out;
}

}  // namespace grader
