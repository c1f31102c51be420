// Lab 03 — starting a program (reference solution).
#include "spawn.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <utility>

#include "course/sys.hpp"

namespace proc {

// ---------------------------------------------------------------------------------------
// Shared by every way of starting a child.
// ---------------------------------------------------------------------------------------

namespace {

// A NULL-terminated array of pointers into @p strings, as execve and posix_spawn want.
// The strings must outlive it; the const_cast is safe because exec never writes to them.
std::vector<char*> c_strings(const std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    pointers.reserve(strings.size() + 1);
    for (const auto& s : strings)
        pointers.push_back(const_cast<char*>(s.c_str()));
    pointers.push_back(nullptr);
    return pointers;
}

// The three redirections, indexed by the descriptor they replace.
std::array<const Redirect*, 3> redirects_of(const SpawnOptions& options) {
    return {&options.in, &options.out, &options.err};
}

// The pipes the redirections ask for, made before the child exists: the child's end
// of each (dup2'ed onto 0, 1 or 2 in the child) and the parent's end (kept in the Child).
struct Pipes {
    std::array<course::UniqueFd, 3> child_end;
    std::array<course::UniqueFd, 3> parent_end;
};

Pipes make_pipes(const SpawnOptions& options) {
    Pipes pipes;
    auto redirects = redirects_of(options);
    for (int fd = 0; fd < 3; ++fd) {
        if (redirects[fd]->kind != Redirect::Kind::pipe)
            continue;
        course::Pipe p = course::make_pipe();  // both ends O_CLOEXEC: neither leaks by exec
        bool child_reads = fd == STDIN_FILENO;
        pipes.child_end[fd] = std::move(child_reads ? p.read : p.write);
        pipes.parent_end[fd] = std::move(child_reads ? p.write : p.read);
    }
    return pipes;
}

// open() flags for a file (or /dev/null) redirected onto descriptor @p fd.
int open_flags(int fd, const Redirect& redirect) {
    if (fd == STDIN_FILENO)
        return O_RDONLY;
    return O_WRONLY | O_CREAT | (redirect.append ? O_APPEND : O_TRUNC);
}

const char* file_of(const Redirect& redirect) {
    return redirect.kind == Redirect::Kind::null ? "/dev/null" : redirect.path.c_str();
}

// ---------------------------------------------------------------------------------------
// posix_spawn
// ---------------------------------------------------------------------------------------

// Owns a posix_spawn_file_actions_t: the list of open/dup2/close steps the child runs
// between its creation and exec.
class FileActions {
  public:
    FileActions() {
        course::check_returned(::posix_spawn_file_actions_init(&actions_),
                               "posix_spawn_file_actions_init");
    }
    ~FileActions() { ::posix_spawn_file_actions_destroy(&actions_); }
    FileActions(const FileActions&) = delete;
    FileActions& operator=(const FileActions&) = delete;
    posix_spawn_file_actions_t* get() { return &actions_; }

  private:
    posix_spawn_file_actions_t actions_;
};

// Owns a posix_spawnattr_t: process-wide settings of the child (here, its group).
class SpawnAttributes {
  public:
    SpawnAttributes() {
        course::check_returned(::posix_spawnattr_init(&attributes_), "posix_spawnattr_init");
    }
    ~SpawnAttributes() { ::posix_spawnattr_destroy(&attributes_); }
    SpawnAttributes(const SpawnAttributes&) = delete;
    SpawnAttributes& operator=(const SpawnAttributes&) = delete;
    posix_spawnattr_t* get() { return &attributes_; }

  private:
    posix_spawnattr_t attributes_;
};

// Turns the redirections into file actions, run in the child in this order.
void add_redirections(FileActions& actions, const SpawnOptions& options, const Pipes& pipes) {
    auto redirects = redirects_of(options);
    for (int fd = 0; fd < 3; ++fd) {
        const Redirect& r = *redirects[fd];
        if (r.kind == Redirect::Kind::null || r.kind == Redirect::Kind::file) {
            course::check_returned(::posix_spawn_file_actions_addopen(actions.get(), fd, file_of(r),
                                                                      open_flags(fd, r), 0666),
                                   "posix_spawn_file_actions_addopen");
        } else if (r.kind == Redirect::Kind::pipe) {
            // dup2 onto 0/1/2 clears close-on-exec on the copy: that one survives exec.
            course::check_returned(
                ::posix_spawn_file_actions_adddup2(actions.get(), pipes.child_end[fd].get(), fd),
                "posix_spawn_file_actions_adddup2");
        }
    }
    // Whatever else the parent has open (even without O_CLOEXEC) is closed in the child.
    course::check_returned(::posix_spawn_file_actions_addclosefrom_np(actions.get(), 3),
                           "posix_spawn_file_actions_addclosefrom_np");
}

// spawn() and spawnp(): they differ only in the function that searches PATH.
Child spawn_with(bool search_path, const std::string& file, const std::vector<std::string>& argv,
                 const std::vector<std::string>& env, const SpawnOptions& options) {
    Pipes pipes = make_pipes(options);
    FileActions actions;
    add_redirections(actions, options, pipes);
    SpawnAttributes attributes;
    if (options.new_process_group) {
        course::check_returned(::posix_spawnattr_setflags(attributes.get(), POSIX_SPAWN_SETPGROUP),
                               "posix_spawnattr_setflags");
        // Group 0 means "a new group whose ID is the child's PID".
        course::check_returned(::posix_spawnattr_setpgroup(attributes.get(), 0),
                               "posix_spawnattr_setpgroup");
    }
    auto args = c_strings(argv);
    auto envp = c_strings(env);
    pid_t pid = -1;
    // The error comes back as the return value (errno is untouched); glibc reports a
    // failed exec here too, having reaped the child that could not exec.
    int error = search_path ? ::posix_spawnp(&pid, file.c_str(), actions.get(), attributes.get(),
                                             args.data(), envp.data())
                            : ::posix_spawn(&pid, file.c_str(), actions.get(), attributes.get(),
                                            args.data(), envp.data());
    std::string call = (search_path ? "posix_spawnp " : "posix_spawn ") + file;
    course::check_returned(error, call.c_str());
    // The child's pipe ends close when `pipes` goes: only the child holds them now.
    return Child(pid, std::move(pipes.parent_end[0]), std::move(pipes.parent_end[1]),
                 std::move(pipes.parent_end[2]));
}

// ---------------------------------------------------------------------------------------
// fork / vfork + execve
// ---------------------------------------------------------------------------------------

// Which step failed in the child, sent to the parent with its errno.
enum class Step : int { open, dup2, fcntl, setpgid, close_range, execve };

const char* step_name(Step step) {
    switch (step) {
        case Step::open:
            return "open";
        case Step::dup2:
            return "dup2";
        case Step::fcntl:
            return "fcntl";
        case Step::setpgid:
            return "setpgid";
        case Step::close_range:
            return "close_range";
        case Step::execve:
            return "execve";
    }
    return "exec";
}

struct Failure {
    Step step;
    int error;
};

// Everything the child needs, prepared by the parent *before* fork: between fork and
// exec a child may only make async-signal-safe calls (no malloc: another thread may
// have held its lock at the fork), and after vfork it runs on the parent's memory.
struct ExecPlan {
    const char* path;
    std::vector<char*> argv;
    std::vector<char*> envp;
    std::array<const Redirect*, 3> redirects;
    Pipes pipes;
    bool new_process_group;
    int report_fd;  // write end of the close-on-exec error pipe
};

// In the child: sends the failed step and errno to the parent, then exits 127 (what a
// shell reports for "command not found").
[[noreturn]] void fail(const ExecPlan& plan, Step step) {
    Failure failure{step, errno};
    // A single write of a few bytes to a pipe is atomic; nothing useful to do if it fails.
    [[maybe_unused]] ssize_t n = ::write(plan.report_fd, &failure, sizeof failure);
    ::_exit(127);
}

// In the child: makes descriptor @p fd what its redirection says.
void redirect_in_child(const ExecPlan& plan, int fd) {
    const Redirect& r = *plan.redirects[fd];
    if (r.kind == Redirect::Kind::null || r.kind == Redirect::Kind::file) {
        int opened = ::open(file_of(r), open_flags(fd, r), 0666);
        if (opened < 0)
            fail(plan, Step::open);
        if (opened != fd) {
            if (::dup2(opened, fd) < 0)
                fail(plan, Step::dup2);
            ::close(opened);
        }
    } else if (r.kind == Redirect::Kind::pipe) {
        int end = plan.pipes.child_end[fd].get();
        // dup2 onto itself is a no-op that would keep O_CLOEXEC: clear it by hand then.
        if (end == fd) {
            if (::fcntl(fd, F_SETFD, 0) < 0)
                fail(plan, Step::fcntl);
        } else if (::dup2(end, fd) < 0) {
            fail(plan, Step::dup2);
        }
    }
}

// After vfork, the child shares the parent's memory: a signal handler of the parent
// running in it could corrupt the parent. Reset every caught signal to its default
// (ignored ones stay ignored, as exec would keep them), then unblock what was unblocked.
void reset_signals_in_child(const sigset_t& parent_mask) {
    for (int sig = 1; sig < NSIG; ++sig) {
        struct sigaction action {};
        if (::sigaction(sig, nullptr, &action) < 0)
            continue;  // 32, 33: glibc's own
        if (action.sa_handler == SIG_DFL || action.sa_handler == SIG_IGN)
            continue;
        action = {};
        action.sa_handler = SIG_DFL;
        ::sigaction(sig, &action, nullptr);
    }
    ::sigprocmask(SIG_SETMASK, &parent_mask, nullptr);
}

// In the child, after fork or vfork: redirect, set the group, exec. Never returns.
[[noreturn]] void run_child(const ExecPlan& plan, const sigset_t* parent_mask) {
    if (parent_mask != nullptr)
        reset_signals_in_child(*parent_mask);
    for (int fd = 0; fd < 3; ++fd)
        redirect_in_child(plan, fd);
    if (plan.new_process_group && ::setpgid(0, 0) < 0)
        fail(plan, Step::setpgid);
    // Mark every descriptor from 3 up close-on-exec rather than closing it now: the
    // error pipe must stay open until the very exec that closes it.
    if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
        fail(plan, Step::close_range);
    ::execve(plan.path, plan.argv.data(), plan.envp.data());
    fail(plan, Step::execve);  // exec only returns on failure
}

// Forks (or vforks) and runs the child. Kept tiny: the child never returns from here.
pid_t start_child(bool use_vfork, const ExecPlan& plan, const sigset_t* parent_mask) {
    pid_t pid = use_vfork ? ::vfork() : ::fork();
    if (pid == 0)
        run_child(plan, parent_mask);
    return pid;
}

Child exec_by_hand(bool use_vfork, const std::string& path, const std::vector<std::string>& argv,
                   const std::vector<std::string>& env, const SpawnOptions& options) {
    course::Pipe report = course::make_pipe();
    ExecPlan plan{path.c_str(),          c_strings(argv),     c_strings(env),
                  redirects_of(options), make_pipes(options), options.new_process_group,
                  report.write.get()};
    // With vfork, block every signal until the child has reset its handlers.
    sigset_t all, old;
    ::sigfillset(&all);
    if (use_vfork)
        course::check_returned(::pthread_sigmask(SIG_SETMASK, &all, &old), "pthread_sigmask");
    pid_t pid = start_child(use_vfork, plan, use_vfork ? &old : nullptr);
    int start_error = errno;
    if (use_vfork)
        ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    if (pid < 0)
        course::throw_error(start_error, use_vfork ? "vfork" : "fork");
    // Close our write end: read() then sees end of file exactly when the child's copy
    // closes, that is when exec succeeded.
    report.write.reset();
    Failure failure{};
    ssize_t n = course::retry_on_eintr(
        "read", [&] { return ::read(report.read.get(), &failure, sizeof failure); });
    if (n == 0) {
        return Child(pid, std::move(plan.pipes.parent_end[0]), std::move(plan.pipes.parent_end[1]),
                     std::move(plan.pipes.parent_end[2]));
    }
    // The child could not exec and has exited 127: reap it, then report its errno.
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    course::throw_error(failure.error, std::string(step_name(failure.step)) + " " + path);
}

}  // namespace

Child spawn(const std::string& path, const std::vector<std::string>& argv,
            const std::vector<std::string>& env, const SpawnOptions& options) {
    return spawn_with(false, path, argv, env, options);
}

Child spawnp(const std::string& file, const std::vector<std::string>& argv,
             const std::vector<std::string>& env, const SpawnOptions& options) {
    return spawn_with(true, file, argv, env, options);
}

Child fork_exec(const std::string& path, const std::vector<std::string>& argv,
                const std::vector<std::string>& env, const SpawnOptions& options) {
    return exec_by_hand(false, path, argv, env, options);
}

Child vfork_exec(const std::string& path, const std::vector<std::string>& argv,
                 const std::vector<std::string>& env, const SpawnOptions& options) {
    return exec_by_hand(true, path, argv, env, options);
}

}  // namespace proc
