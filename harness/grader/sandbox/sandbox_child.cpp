// The sandbox's child side (sandbox_child.hpp): the namespace's init and the test's own
// setup before exec. Only async-signal-safe calls: no allocation, no exceptions, no
// locks. Every failure is reported as {step, errno, path} and ends the child with 125.
#include "sandbox/sandbox_child.hpp"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "hsys/eintr.hpp"
#include "sandbox/seccomp.hpp"

namespace grader::child {
namespace {

// Where failures are reported: the plan's report pipe, moved out of the way of the passed
// descriptors before they are put in place.
int report_fd = -1;

void copy_text(char* to, std::size_t size, const char* from) noexcept {
    std::size_t i = 0;
    for (; from != nullptr && from[i] != '\0' && i + 1 < size; ++i)
        to[i] = from[i];
    to[i] = '\0';
}

// Tells the grader which step failed and why, then ends the child.
[[noreturn]] void fail(ns::SetupFailure failure) noexcept {
    ChildReport report;
    report.error = errno;
    copy_text(report.step, sizeof report.step, failure.step);
    copy_text(report.path, sizeof report.path, failure.path);
    [[maybe_unused]] auto n = ::write(report_fd, &report, sizeof report);
    ::_exit(kSetupFailed);
}

[[noreturn]] void fail(const char* step) noexcept {
    fail(ns::SetupFailure{step, nullptr});
}

// Lowers @p resource to @p value (never above the hard limit it already has).
bool set_limit(int resource, rlim_t value) noexcept {
    struct rlimit limit {};
    if (::getrlimit(resource, &limit) != 0)
        return false;
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < value)
        value = limit.rlim_max;
    limit = {value, value};
    return ::setrlimit(resource, &limit) == 0;
}

// Whether nobody may run the program and use its working directory (checked as nobody,
// then root again: failing to become root again is fatal, it would leave a half-dropped
// process).
bool nobody_can_run(const ChildPlan& plan) noexcept {
    if (::setresgid(-1, ns::kNobody, -1) != 0 || ::setresuid(-1, ns::kNobody, -1) != 0)
        fail("become nobody for a moment");
    bool can = ::faccessat(AT_FDCWD, plan.argv[0], X_OK, AT_EACCESS) == 0 &&
               ::faccessat(AT_FDCWD, plan.workdir, W_OK | X_OK, AT_EACCESS) == 0 &&
               ::faccessat(AT_FDCWD, plan.cwd, X_OK, AT_EACCESS) == 0;
    if (::setresuid(-1, 0, -1) != 0 || ::setresgid(-1, 0, -1) != 0)
        fail("become root again");
    return can;
}

// Gives up every privilege: root becomes nobody when it can (or must), and no capability
// survives. Any failure is fatal.
void become_test_user(const ChildPlan& plan) noexcept {
    const Limits& limits = *plan.limits;
    if (plan.root && limits.drop_root) {
        if (::setgroups(0, nullptr) != 0)
            fail("drop the supplementary groups");
        bool as_nobody = nobody_can_run(plan);
        if (!as_nobody && limits.nobody_only) {
            errno = EACCES;
            fail("run as nobody (nobody may not run the program, or enter its folders)");
        }
        if (!as_nobody && ::chown(plan.workdir, 0, 0) != 0)  // the grader gave it to nobody
            fail("give the working directory back to root");
        if (auto failure = ns::lock_capabilities())
            fail(failure);
        if (as_nobody) {
            if (::setresgid(ns::kNobody, ns::kNobody, ns::kNobody) != 0)
                fail("set the group to nobody");
            if (::setresuid(ns::kNobody, ns::kNobody, ns::kNobody) != 0)
                fail("set the user to nobody");
        }
        if (auto failure = ns::drop_capabilities())
            fail(failure);
    } else if (plan.isolated) {
        // The capabilities it holds in its own user namespace.
        if (auto failure = ns::lock_capabilities())
            fail(failure);
        if (auto failure = ns::drop_capabilities())
            fail(failure);
    }
}

// Default dispositions (SIG_IGN survives exec) and an empty mask (the grader's must not
// pass on). The C library keeps two real-time signals to itself: those fail with EINVAL.
void reset_signals() noexcept {
    struct sigaction defaults {};
    defaults.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig != SIGKILL && sig != SIGSTOP && ::sigaction(sig, &defaults, nullptr) != 0 &&
            errno != EINVAL) {
            fail("reset the signal dispositions");
        }
    }
    sigset_t none;
    sigemptyset(&none);
    if (::sigprocmask(SIG_SETMASK, &none, nullptr) != 0)
        fail("clear the signal mask");
}

// stdin from /dev/null, stdout and stderr on the output pipe, then the descriptors the
// grader passes at 3, 4, ...; nothing else stays open but the report pipe, which closes
// at exec.
void set_up_descriptors(const ChildPlan& plan) noexcept {
    int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null < 0 || ::dup2(null, STDIN_FILENO) < 0)
        fail("open /dev/null as stdin");
    if (::dup2(plan.output_fd, STDOUT_FILENO) < 0 || ::dup2(plan.output_fd, STDERR_FILENO) < 0)
        fail("put the output pipe on stdout and stderr");
    // Everything first moves above the slots the passed descriptors take (one may sit
    // where another must go), then into place; dup2 leaves close-on-exec off.
    constexpr int kOutOfTheWay = 3 + kMaxPassed + 16;
    report_fd = ::fcntl(report_fd, F_DUPFD_CLOEXEC, kOutOfTheWay);
    if (report_fd < 0)
        ::_exit(kSetupFailed);  // nowhere left to say why: the grader sees no report
    int moved[kMaxPassed];
    for (int i = 0; i < plan.passed_count; ++i) {
        moved[i] = ::fcntl(plan.passed[i], F_DUPFD_CLOEXEC, kOutOfTheWay);
        if (moved[i] < 0)
            fail("move a passed descriptor");
    }
    for (int i = 0; i < plan.passed_count; ++i) {
        if (::dup2(moved[i], 3 + i) < 0)
            fail("pass a descriptor");
    }
    auto first = static_cast<unsigned>(3 + plan.passed_count);
    auto report = static_cast<unsigned>(report_fd);
    if ((first < report && ::close_range(first, report - 1, 0) != 0) ||
        ::close_range(report + 1, ~0U, 0) != 0) {
        fail("close the grader's other descriptors");
    }
}

}  // namespace

pid_t clone_child(int flags) noexcept {
    // The raw system call, not fork(): no atfork handlers in a child of a threaded parent.
    return static_cast<pid_t>(::syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, 0));
}

[[noreturn]] void exec_program(const ChildPlan& plan) noexcept {
    report_fd = plan.report_fd;
    // Own session and process group: one kill(-pid) reaches the whole group.
    if (::setsid() < 0)
        fail("start a session");
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)  // its parent dies: it dies too
        fail("set the parent-death signal");
    if (plan.cgroup_fd >= 0 && ::write(plan.cgroup_fd, "0", 1) != 1)
        fail("join the test's cgroup");
    const Limits& limits = *plan.limits;
    if (!set_limit(RLIMIT_CORE, 0))  // a crash must not write a core file per test
        fail("set RLIMIT_CORE");
    if (limits.address_space && !set_limit(RLIMIT_AS, limits.address_space))
        fail("set RLIMIT_AS");
    if (limits.file_size && !set_limit(RLIMIT_FSIZE, limits.file_size))
        fail("set RLIMIT_FSIZE");
    if (limits.max_processes && !set_limit(RLIMIT_NPROC, limits.max_processes))
        fail("set RLIMIT_NPROC");
    become_test_user(plan);
    reset_signals();
    if (::chdir(plan.cwd) != 0)
        fail(ns::SetupFailure{"enter the working directory", plan.cwd});
    if (limits.filter_kill) {
        if (!install_kill_filter(plan.guarded))
            fail("install the seccomp filter");
    } else if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        fail("set no_new_privs");
    }
    set_up_descriptors(plan);  // last: the report pipe is still open until here
    ::execve(plan.argv[0], plan.argv, plan.envp);
    fail(ns::SetupFailure{"execute the program", plan.argv[0]});
}

[[noreturn]] void run_init(const ChildPlan& plan) noexcept {
    report_fd = plan.report_fd;
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)  // the grader dies: the namespace dies
        fail("set the parent-death signal");
    ::prctl(PR_SET_NAME, "sandbox-init");  // cannot fail for a short name
    if (::setsid() < 0)
        fail("start a session");
    struct sigaction reap {};
    reap.sa_handler = SIG_DFL;  // the grader may ignore SIGCHLD: the init must wait
    if (::sigaction(SIGCHLD, &reap, nullptr) != 0)
        fail("reset SIGCHLD");
    for (int fd : plan.grader_ends) {
        if (fd >= 0)
            ::close(fd);
    }
    char byte;
    while (hsys::retry_eintr([&] { return ::read(plan.sync_fd, &byte, 1); }) > 0) {
    }
    ::close(plan.sync_fd);
    // Its id maps are written: from now on a test of the same user cannot ptrace it, nor
    // open its /proc/1/mem (see start_isolated).
    if (::prctl(PR_SET_DUMPABLE, 0) != 0)
        fail("make the init undumpable");
    if (auto failure = ns::bring_up_loopback())
        fail(failure);
    if (auto failure = ns::set_up_filesystem(plan.filesystem))
        fail(failure);
    if (plan.limits->process_cap > 0)
        ns::cap_processes(plan.limits->process_cap);  // per namespace from Linux 6.14 only
    pid_t test = clone_child(0);
    if (test < 0)
        fail("start the test");
    if (test == 0)
        exec_program(plan);
    ::close(plan.output_fd);
    for (int i = 0; i < plan.passed_count; ++i)
        ::close(plan.passed[i]);  // the test's alone: its end of file must mean it ended
    ChildReport report;
    bool ended = false;
    for (;;) {
        int status = 0;
        pid_t pid = hsys::retry_eintr([&] { return ::waitpid(-1, &status, __WALL); });
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

}  // namespace grader::child
