#include "sandbox.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <unordered_map>

#include "course/file.hpp"
#include "course/sys.hpp"
#include "course/unique_fd.hpp"
#include "namespaces.hpp"
#include "seccomp.hpp"

namespace grader {
namespace {

using Clock = std::chrono::steady_clock;

// A run's plan, prepared before fork/clone so that the child needs no allocation.
struct ChildPlan {
    char* const* argv = nullptr;
    char* const* envp = nullptr;
    const char* workdir = nullptr;
    const char* keep_read_only = nullptr;  // the program's folder, when under /tmp
    const Limits* limits = nullptr;
    int output_fd = -1;
    int sync_fd = -1;  // the init reads it to end of file: its id maps are written
    int parent_ends[4] = {-1, -1, -1, -1};  // the grader's pipe ends, closed in the init
    int pass_fds[4] = {-1, -1, -1, -1};     // given to the test as 3, 4, ...
    int pass_count = 0;
    int report_fd = -1;  // the init writes its InitReport there
    bool root = false;
    bool isolated = false;
    ProtectedTargets guarded;  // empty in a PID namespace, where the grader is out of sight
};

// What the sandbox's init tells the grader at the end (one write, < PIPE_BUF).
struct InitReport {
    int status = 0;      // the test's wait status
    int leftovers = 0;   // processes still alive when the test ended (killed)
    int last_pid = -1;   // the namespace's last PID: processes + threads started
    int error = 0;       // errno of the failed step
    char step[80] = {};  // the setup step that failed ("" when none)
};

// Everything below runs in a forked or cloned child before exec: no allocation, no
// exceptions, only async-signal-safe calls, because the parent may have had other threads.

void copy_text(char* to, std::size_t size, const char* from) noexcept {
    std::size_t i = 0;
    for (; from[i] != '\0' && i + 1 < size; ++i)
        to[i] = from[i];
    to[i] = '\0';
}

[[noreturn]] void init_fails(const ChildPlan& plan, const char* step) noexcept {
    InitReport report;
    report.error = errno;
    copy_text(report.step, sizeof report.step, step);
    [[maybe_unused]] auto n = ::write(plan.report_fd, &report, sizeof report);
    ::_exit(125);
}

void set_limit(int resource, rlim_t value) noexcept {
    struct rlimit limit = {value, value};
    ::setrlimit(resource, &limit);
}

// Whether nobody may run the program in its working directory (checked as nobody).
bool nobody_can_run(const ChildPlan& plan) noexcept {
    if (::setresgid(-1, ns::kNobody, -1) != 0 || ::setresuid(-1, ns::kNobody, -1) != 0) {
        return false;
    }
    bool can = ::faccessat(AT_FDCWD, plan.argv[0], X_OK, AT_EACCESS) == 0 &&
               ::faccessat(AT_FDCWD, plan.workdir, W_OK | X_OK, AT_EACCESS) == 0;
    ::setresuid(-1, 0, -1);
    ::setresgid(-1, 0, -1);
    return can;
}

// Gives up every privilege: root becomes nobody when it can, and no capability survives.
void become_test_user(const ChildPlan& plan) noexcept {
    if (plan.root && plan.limits->drop_root) {
        ::setgroups(0, nullptr);
        bool as_nobody = nobody_can_run(plan);
        if (!as_nobody)
            ::chown(plan.workdir, 0, 0);  // the grader gave it to nobody
        ns::lock_capabilities();
        if (as_nobody) {
            ::setresgid(ns::kNobody, ns::kNobody, ns::kNobody);
            ::setresuid(ns::kNobody, ns::kNobody, ns::kNobody);
        }
        ns::drop_capabilities();
    } else if (plan.isolated) {
        ns::lock_capabilities();  // the capabilities it holds in its own namespace
        ns::drop_capabilities();
    }
}

[[noreturn]] void exec_test(const ChildPlan& plan) noexcept {
    ::setsid();  // own session and process group: one kill(-pid) reaches the whole group
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // if its parent dies, the test dies with it
    int null = ::open("/dev/null", O_RDONLY);
    ::dup2(null, STDIN_FILENO);
    ::dup2(plan.output_fd, STDOUT_FILENO);
    ::dup2(plan.output_fd, STDERR_FILENO);
    const Limits& limits = *plan.limits;
    // The passed descriptors go to 3, 4, ...: first out of the way (one may already sit
    // where another must go), then into place; dup2 leaves close-on-exec off.
    int moved[4];
    for (int i = 0; i < plan.pass_count; ++i) {
        moved[i] = ::fcntl(plan.pass_fds[i], F_DUPFD_CLOEXEC, 64);
        if (moved[i] < 0)
            ::_exit(126);
    }
    for (int i = 0; i < plan.pass_count; ++i) {
        if (::dup2(moved[i], 3 + i) < 0)
            ::_exit(126);
    }
    set_limit(RLIMIT_CORE, 0);  // a crash must not write a core file per test
    if (limits.address_space)
        set_limit(RLIMIT_AS, limits.address_space);
    if (limits.file_size)
        set_limit(RLIMIT_FSIZE, limits.file_size);
    if (limits.max_processes)
        set_limit(RLIMIT_NPROC, limits.max_processes);
    become_test_user(plan);
    for (int sig = 1; sig < NSIG; ++sig)
        ::signal(sig, SIG_DFL);  // SIG_IGN survives exec
    sigset_t all;
    sigemptyset(&all);
    ::sigprocmask(SIG_SETMASK, &all, nullptr);  // do not pass the grader's mask on
    if (::chdir(plan.workdir) != 0 || ::close_range(3 + plan.pass_count, ~0U, 0) != 0)
        ::_exit(126);
    if (limits.filter_kill) {
        if (!install_kill_filter(plan.guarded))
            ::_exit(126);
    } else {
        ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    }
    ::execve(plan.argv[0], plan.argv, plan.envp);
    static const char message[] = "grader: cannot execute the test program\n";
    [[maybe_unused]] auto ignored = ::write(STDERR_FILENO, message, sizeof message - 1);
    ::_exit(127);
}

pid_t clone_process(int flags) noexcept {
    // The raw system call, not fork(): no atfork handlers in a child of a threaded parent.
    return static_cast<pid_t>(::syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, 0));
}

// PID 1 of the test's namespace: sets the namespace up, starts the test, reaps every
// orphan, and when the test ends kills what is left and reports how the test ended.
[[noreturn]] void run_init(const ChildPlan& plan) noexcept {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // the grader dies: the whole namespace dies
    ::prctl(PR_SET_NAME, "sandbox-init");
    ::setsid();
    ::signal(SIGCHLD, SIG_DFL);
    for (int fd : plan.parent_ends)
        ::close(fd);
    char byte;
    while (::read(plan.sync_fd, &byte, 1) > 0 || errno == EINTR) {
    }
    ::close(plan.sync_fd);
    // Its id maps are written: from now on a test of the same user cannot ptrace it, nor
    // open its /proc/1/mem (see start_isolated).
    ::prctl(PR_SET_DUMPABLE, 0);
    if (const char* step = ns::set_up_filesystem(plan.workdir, plan.keep_read_only)) {
        init_fails(plan, step);
    }
    if (plan.limits->process_cap > 0)
        ns::cap_processes(plan.limits->process_cap);
    pid_t test = clone_process(0);
    if (test < 0)
        init_fails(plan, "fork the test");
    if (test == 0)
        exec_test(plan);
    ::close(plan.output_fd);
    for (int i = 0; i < plan.pass_count; ++i)
        ::close(plan.pass_fds[i]);  // the test's alone: its end of file must mean it ended
    InitReport report;
    bool ended = false;
    for (;;) {
        int status = 0;
        pid_t pid = ::waitpid(-1, &status, __WALL);
        if (pid < 0 && errno == EINTR)
            continue;
        if (pid < 0)
            break;  // ECHILD: the namespace is empty
        if (pid == test) {
            report.status = status;
            ended = true;
        } else if (ended) {
            ++report.leftovers;
        }
        if (ended)
            ::kill(-1, SIGKILL);  // from PID 1: everyone else in the namespace
    }
    report.last_pid = ns::last_pid();
    [[maybe_unused]] auto n = ::write(plan.report_fd, &report, sizeof report);
    ::_exit(0);
}

// The PID -> PPID map of every process now, from one scan of /proc.
std::unordered_map<pid_t, pid_t> parent_map() {
    std::unordered_map<pid_t, pid_t> parents;
    DIR* proc = ::opendir("/proc");
    if (proc == nullptr)
        course::throw_errno("opendir /proc");
    while (dirent* entry = ::readdir(proc)) {
        if (entry->d_name[0] < '1' || entry->d_name[0] > '9')
            continue;
        std::string stat;
        try {
            stat = course::read_file(std::string("/proc/") + entry->d_name + "/stat");
        } catch (const std::system_error&) {
            continue;  // ended between readdir and open
        }
        auto close = stat.rfind(')');
        if (close == std::string::npos || close + 4 >= stat.size())
            continue;
        parents[std::atoi(entry->d_name)] = std::atoi(stat.c_str() + close + 4);
    }
    ::closedir(proc);
    return parents;
}

std::vector<pid_t> descendants_of(pid_t root) {
    auto parents = parent_map();
    std::unordered_multimap<pid_t, pid_t> children;
    for (auto [pid, ppid] : parents)
        children.emplace(ppid, pid);
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
    if (n < 0)
        return errno == EINTR || errno == EAGAIN;
    if (n == 0)
        return false;
    out.output_bytes += static_cast<std::size_t>(n);
    if (out.output.size() < cap) {
        out.output.append(buffer, std::min<std::size_t>(n, cap - out.output.size()));
    }
    return true;
}

enum class Read { data, nothing_now, end };

// Reads what is available on the result stream into out.stream (at most @p cap bytes
// kept; the rest read and dropped).
Read read_stream(int fd, Outcome& out, std::size_t cap) {
    char buffer[16384];
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN ? Read::nothing_now : Read::end;
    if (n == 0)
        return Read::end;
    out.stream_bytes += static_cast<std::size_t>(n);
    if (out.stream.size() < cap)
        out.stream.append(buffer, std::min<std::size_t>(n, cap - out.stream.size()));
    return Read::data;
}

// Waits for the program to end or for the deadline, reading its output (and the result
// stream, if any) meanwhile.
void supervise(pid_t pid, int output_fd, Outcome& out, const Limits& limits, const SandboxIo& io,
               Clock::time_point start) {
    auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(limits.wall_seconds));
    course::UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    bool output_open = true;
    bool stream_open = io.stream_fd >= 0;
    for (;;) {
        // Without pidfd (kernels before 5.3) poll the pipe in short slices instead.
        int wait_ms = pidfd ? remaining_ms(deadline) : std::min(remaining_ms(deadline), 20);
        pollfd fds[3] = {{output_open ? output_fd : -1, POLLIN, 0},
                         {pidfd.get(), POLLIN, 0},
                         {stream_open ? io.stream_fd : -1, POLLIN, 0}};
        int ready = ::poll(fds, 3, wait_ms);
        if (ready < 0 && errno != EINTR)
            course::throw_errno("poll");
        if (fds[0].revents != 0)
            output_open = read_output(output_fd, out, limits.output_cap);
        if (fds[2].revents != 0)
            stream_open = read_stream(io.stream_fd, out, io.stream_cap) != Read::end;
        if (::waitpid(pid, &out.raw_status, WNOHANG) == pid)
            break;
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
void clean_up(pid_t pid, int output_fd, Outcome& out, const Limits& limits, const SandboxIo& io) {
    ::kill(-pid, SIGKILL);
    out.leftovers_killed += kill_all_descendants();
    if (io.stream_fd >= 0) {  // every writer in the sandbox is gone: read what is left
        ::fcntl(io.stream_fd, F_SETFL, O_NONBLOCK);
        while (read_stream(io.stream_fd, out, io.stream_cap) == Read::data) {
        }
    }
    ::fcntl(output_fd, F_SETFL, O_NONBLOCK);
    pollfd fd = {output_fd, POLLIN, 0};
    while (::poll(&fd, 1, 200) > 0 && read_output(output_fd, out, limits.output_cap)) {
    }
    out.output_truncated = out.output_bytes > limits.output_cap;
}

}  // namespace

void become_subreaper() {
    course::check(::prctl(PR_SET_CHILD_SUBREAPER, 1), "prctl");
}

int kill_all_descendants() {
    int killed = 0;
    // Each round kills what exists; anything forked meanwhile is re-parented to us (we
    // are the subreaper) and found by the next round.
    for (int round = 0; round < 10000; ++round) {
        auto alive = descendants_of(::getpid());
        if (alive.empty())
            break;
        for (pid_t pid : alive) {
            if (::kill(pid, SIGKILL) == 0)
                ++killed;
        }
        reap_finished_children();
    }
    reap_finished_children();
    return killed;
}

namespace {

// Whether everyone may search every folder of @p dir (so nobody can use it in PATH).
bool everyone_can_search(const std::string& dir) {
    if (dir.empty() || dir[0] != '/')
        return false;
    for (std::size_t end = 1; end != std::string::npos; end = dir.find('/', end + 1)) {
        struct stat info {};
        auto prefix = dir.substr(0, dir.find('/', end));
        if (::stat(prefix.c_str(), &info) != 0 || (info.st_mode & S_IXOTH) == 0)
            return false;
        if (prefix.size() == dir.size())
            break;
    }
    return true;
}

// The grader's environment for the test; for root's tests run as nobody, PATH keeps only
// the folders nobody can search (else execvp() fails with EACCES, not ENOENT).
std::vector<std::string> test_environment(bool as_nobody) {
    std::vector<std::string> env;
    for (char** var = environ; *var != nullptr; ++var) {
        std::string entry = *var;
        if (as_nobody && entry.rfind("PATH=", 0) == 0) {
            std::string kept;
            std::size_t from = 5;
            for (std::size_t to; from <= entry.size(); from = to + 1) {
                to = std::min(entry.find(':', from), entry.size());
                auto dir = entry.substr(from, to - from);
                if (everyone_can_search(dir))
                    kept += (kept.empty() ? "" : ":") + dir;
            }
            entry = "PATH=" + kept;
        }
        env.push_back(entry);
    }
    return env;
}

// The folder under /tmp that holds @p program ("/tmp/build"), which the private /tmp of
// a namespace must show again; nullptr-like empty when the program is elsewhere.
std::string folder_to_keep(const std::string& program) {
    std::error_code error;
    std::string path = std::filesystem::weakly_canonical(program, error).string();
    if (error || path.rfind("/tmp/", 0) != 0)
        return "";
    return path.substr(0, path.find('/', 5));
}

// Starts the sandbox's init in new namespaces and lets it go once its ids are mapped.
// @returns its PID, or -1 with out.sandbox_error set.
pid_t start_isolated(ChildPlan& plan, Outcome& out) {
    auto sync = course::make_pipe();
    plan.sync_fd = sync.read.get();
    plan.parent_ends[2] = sync.write.get();
    // The init inherits the grader's dumpable flag, and an ordinary user may write the id
    // maps of a dumpable process only: dumpable until they are written, then the init and
    // the grader turn it off again. No test runs outside a namespace meanwhile.
    int dumpable = course::check(::prctl(PR_GET_DUMPABLE), "prctl PR_GET_DUMPABLE");
    course::check(::prctl(PR_SET_DUMPABLE, 1), "prctl PR_SET_DUMPABLE");
    pid_t init = clone_process(ns::clone_flags());
    if (init == 0)
        run_init(plan);
    int clone_errno = errno;
    std::string error = init < 0
                            ? std::string("clone (new namespaces): ") + std::strerror(clone_errno)
                            : ns::write_id_maps(init, plan.root);
    course::check(::prctl(PR_SET_DUMPABLE, dumpable), "prctl PR_SET_DUMPABLE");
    if (init < 0) {
        out.sandbox_error = error;
        return -1;
    }
    if (!error.empty()) {
        ::kill(init, SIGKILL);
        course::retry_on_eintr("waitpid", [&] { return ::waitpid(init, nullptr, 0); });
        out.sandbox_error = error;
        return -1;
    }
    return init;  // closing sync.write (here) lets the init go on
}

// Reads the init's report into @p out: how the test itself ended.
void read_init_report(int report_fd, Outcome& out) {
    InitReport report;
    ::fcntl(report_fd, F_SETFL, O_NONBLOCK);
    if (::read(report_fd, &report, sizeof report) != static_cast<ssize_t>(sizeof report)) {
        if (!out.timed_out) {
            out.sandbox_error = "the sandbox's init ended without a report (" +
                                std::to_string(out.raw_status) + ")";
        }
        return;
    }
    if (report.step[0] != '\0') {
        out.sandbox_error =
            std::string("cannot ") + report.step + ": " + std::strerror(report.error);
        return;
    }
    out.raw_status = report.status;
    out.leftovers_killed += report.leftovers;
    out.processes_started = report.last_pid;
}

}  // namespace

Outcome run_sandboxed(const std::vector<std::string>& argv, const std::string& workdir,
                      const Limits& limits, const SandboxIo& io) {
    if (io.pass_fds.size() > 4)
        throw std::invalid_argument("run_sandboxed: at most 4 descriptors may be passed");
    Outcome out;
    out.address_space = limits.address_space;
    std::vector<char*> args;
    for (const auto& arg : argv)
        args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    auto env = test_environment(::geteuid() == 0 && limits.drop_root);
    env.insert(env.end(), io.env.begin(), io.env.end());
    std::vector<char*> envp;
    for (auto& var : env)
        envp.push_back(var.data());
    envp.push_back(nullptr);
    std::string keep = limits.isolate ? folder_to_keep(argv.at(0)) : "";
    ChildPlan plan;
    plan.argv = args.data();
    plan.envp = envp.data();
    plan.workdir = workdir.c_str();
    plan.keep_read_only = keep.empty() ? nullptr : keep.c_str();
    plan.limits = &limits;
    plan.root = ::geteuid() == 0;
    plan.isolated = limits.isolate;
    if (!limits.isolate)
        plan.guarded = grader_targets(::getpid(), ::getppid(), ::getpgrp(), ::getsid(0));
    if (plan.root && limits.drop_root) {
        [[maybe_unused]] int ignored = ::chown(workdir.c_str(), ns::kNobody, ns::kNobody);
    }
    auto output = course::make_pipe();
    auto report = course::make_pipe();
    plan.output_fd = output.write.get();
    plan.report_fd = report.write.get();
    plan.parent_ends[0] = output.read.get();
    plan.parent_ends[1] = report.read.get();
    plan.parent_ends[3] = io.stream_fd;
    for (int fd : io.pass_fds)
        plan.pass_fds[plan.pass_count++] = fd;
    auto start = Clock::now();
    pid_t pid = -1;
    if (limits.isolate) {
        pid = start_isolated(plan, out);
        if (pid < 0)
            return out;
    } else {
        pid = course::check(clone_process(0), "fork");
        if (pid == 0)
            exec_test(plan);
    }
    output.write.reset();  // so that end of file means every writer is gone
    report.write.reset();
    out.started = true;
    supervise(pid, output.read.get(), out, limits, io, start);
    if (limits.isolate) {
        read_init_report(report.read.get(), out);
        long cap = limits.process_cap > 0 ? limits.process_cap : 1L << 30;
        if (limits.max_processes > 0)
            cap = std::min<long>(cap, static_cast<long>(limits.max_processes));
        out.process_limit_reached = out.processes_started >= cap - 8;
    }
    clean_up(pid, output.read.get(), out, limits, io);
    return out;
}

}  // namespace grader
