#include "sandbox/protections.hpp"

#include <errno.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include <fmt/format.h>

#include "course/sys.hpp"
#include "hsys/reap.hpp"
#include "hsys/temp_dir.hpp"
#include "sandbox/seccomp.hpp"

namespace grader {
namespace {

// Per test, when each test has its own user namespace (the count is per namespace).
constexpr rlim_t kProcessesPerTest = 512;
// The PID namespace's pid_max: processes + threads, whatever the user (root included).
constexpr int kPidCap = 1024;
// Without namespaces RLIMIT_NPROC counts every process of the user: leave headroom.
constexpr rlim_t kProcessesPerUser = 1024;
// A compile: the driver, cc1plus and as, with room to spare.
constexpr rlim_t kCompileProcesses = 64;
constexpr rlim_t kCompileAddressSpace = 2ull << 30;

// The first line of @p path, or "" when it cannot be read (the setting does not exist).
std::string first_line(const std::string& path) {
    std::ifstream file(path);
    std::string line;
    std::getline(file, line);
    return line;
}

}  // namespace

void refuse_tracing() {
    course::check(::prctl(PR_SET_DUMPABLE, 0), "prctl PR_SET_DUMPABLE");
}

std::string userns_restriction(bool root, const std::string& proc_sys) {
    if (first_line(proc_sys + "/user/max_user_namespaces") == "0") {
        return "user namespaces are turned off (user.max_user_namespaces=0); "
               "sysctl -w user.max_user_namespaces=10000 turns them on";
    }
    if (root)
        return "";  // the other two settings spare a process with CAP_SYS_ADMIN
    if (first_line(proc_sys + "/kernel/apparmor_restrict_unprivileged_userns") == "1") {
        return "AppArmor restricts unprivileged user namespaces "
               "(kernel.apparmor_restrict_unprivileged_userns=1, Ubuntu 23.10 and later): run "
               "the grader as root (sudo), or sysctl -w "
               "kernel.apparmor_restrict_unprivileged_userns=0";
    }
    if (first_line(proc_sys + "/kernel/unprivileged_userns_clone") == "0") {
        return "unprivileged user namespaces are turned off "
               "(kernel.unprivileged_userns_clone=0): run the grader as root (sudo), or "
               "sysctl -w kernel.unprivileged_userns_clone=1";
    }
    return "";
}

bool namespaces_work(std::string& why_not) {
    Limits probe;
    probe.wall_seconds = 10;
    probe.isolate = true;
    probe.drop_root = true;
    hsys::TempDir dir("grader-probe");
    auto run = run_sandboxed({"/bin/true"}, dir.path().string(), probe);
    if (!run.sandbox_error.empty()) {
        why_not = run.sandbox_error;
    } else if (!WIFEXITED(run.raw_status) || WEXITSTATUS(run.raw_status) != 0) {
        why_not = "/bin/true failed in the sandbox: " + run.output;
    }
    return run.sandbox_error.empty() && WIFEXITED(run.raw_status) &&
           WEXITSTATUS(run.raw_status) == 0;
}

bool seccomp_works() {
    pid_t pid = course::check(::fork(), "fork");
    if (pid == 0)
        ::_exit(install_kill_filter({}) && ::kill(-1, 0) != 0 && errno == EPERM ? 0 : 1);
    int status = 0;
    course::retry_on_eintr("waitpid", [&] { return ::waitpid(pid, &status, 0); });
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

namespace {

// GRADER_NO_NAMESPACES=1 forces the fallback, to test it (harness/README.md).
bool use_namespaces(std::string& why_not) {
    why_not = "GRADER_NO_NAMESPACES is set";
    return std::getenv("GRADER_NO_NAMESPACES") == nullptr && namespaces_work(why_not);
}

// What the view hides, in words for the report (the course's own paths relative to it).
std::string hidden_in_words(const View& view, const std::string& source_dir) {
    std::string text;
    for (const auto& path : view.hidden) {
        bool inside = path.rfind(source_dir + "/", 0) == 0;
        text += (text.empty() ? "" : ", ") + (inside ? path.substr(source_dir.size() + 1) : path);
    }
    return text.empty() ? "nothing" : text;
}

// Without namespaces: how hidden tests are kept from student code, in words for the
// report; as root, tests then run as nobody only (a capless root reads root's files).
std::string guard_hidden_tests(Limits& limits, bool root) {
    if (!root) {
        return "hidden tests are NOT hidden: without namespaces the tests run as the "
               "grader's own user, who may read every file of theirs (lab.json, sources, "
               "objects, programs); grade as root or with user namespaces";
    }
    limits.nobody_only = true;
    return "hidden tests are kept from student code by permissions: their lab.json, "
           "sources, objects and programs lose every right of group and others before each "
           "build; tests and compiles run as nobody (never as root); the hidden programs may "
           "be run, not read, once every visible test has run";
}

}  // namespace

Limits compile_limits(double seconds) {
    Limits limits;
    limits.wall_seconds = seconds;
    limits.output_cap = 1 << 20;
    limits.address_space = kCompileAddressSpace;
    limits.file_size = 1ull << 30;
    std::string why_not;
    limits.isolate = use_namespaces(why_not);
    limits.drop_root = true;
    limits.nobody_only = true;
    limits.max_processes = kCompileProcesses;
    limits.process_cap = limits.isolate ? static_cast<int>(2 * kCompileProcesses) : 0;
    limits.filter_kill = seccomp_works();
    return limits;
}

namespace {

// What the probes found on this machine, each probe run once per run (apply_protections).
struct Findings {
    bool root = ::geteuid() == 0;
    std::string no_namespaces;  // why namespaces do not work here (the fallback then)
    std::string no_cgroup;      // why no cgroup per test can be made here
    std::string hidden_guard;   // without namespaces: how hidden tests are kept, in words
};

// One protection of the sandbox: @c probe finds out, once, whether this machine allows it
// (none when nothing needs probing), @c apply sets it in the tests' limits (or on the grader
// itself), @c describe adds what is now active, in words, to the report's list.
struct Protection {
    void (*probe)(Findings& found, Limits& limits);
    void (*apply)(Findings& found, Limits& limits, const CourseLayout& layout);
    void (*describe)(const Findings& found, const Limits& limits, const CourseLayout& layout,
                     std::vector<std::string>& active);
};

// Alone: its own process, session and process group; the grader out of its reach (first,
// before any probe runs a program: the grader adopts what the probes leave).
void apply_alone(Findings&, Limits& limits, const CourseLayout&) {
    hsys::become_subreaper();
    refuse_tracing();
    limits.drop_root = true;
}

void describe_alone(const Findings&, const Limits&, const CourseLayout&,
                    std::vector<std::string>& active) {
    active.push_back("each test runs alone in its own process, session and process group");
    active.push_back(
        "the grader is not dumpable: no test can ptrace it, read or write its memory "
        "(/proc/PID/mem, process_vm_*) or open its files through /proc");
}

// Namespaces (a real run of /bin/true in them), with why not when they do not work.
void probe_namespaces(Findings& found, Limits& limits) {
    limits.isolate = use_namespaces(found.no_namespaces);
    if (!limits.isolate && std::getenv("GRADER_NO_NAMESPACES") == nullptr) {
        auto restriction = userns_restriction(found.root);
        if (!restriction.empty())
            found.no_namespaces += "; " + restriction;
    }
}

// The process caps and the view (namespaces), or the fallback's per-user cap and hidden
// tests kept by permissions.
void apply_namespaces(Findings& found, Limits& limits, const CourseLayout& layout) {
    if (!limits.isolate) {
        limits.max_processes = kProcessesPerUser;
        if (!layout.hidden_sources.empty())
            found.hidden_guard = guard_hidden_tests(limits, found.root);
        return;
    }
    limits.process_cap = kPidCap;
    limits.max_processes = kProcessesPerTest;
    if (!layout.source_dir.empty())
        limits.view = std::make_shared<View>(student_view(layout));
}

void describe_namespaces(const Findings& found, const Limits& limits, const CourseLayout& layout,
                         std::vector<std::string>& active) {
    if (!limits.isolate) {
        active.push_back("namespaces unavailable (" + found.no_namespaces +
                         "): no PID namespace, the "
                         "filesystem is as writable as the test's user may");
        // Counted over all the user's processes (nobody's, for root): not for root itself.
        active.push_back(fmt::format("RLIMIT_NPROC {} for the test's user{}", kProcessesPerUser,
                                     found.root ? " (not enforced if it has to run as root)" : ""));
        active.push_back(
            "no view hides anything from student code: it reads what its user may "
            "(the solutions, other submissions, unless their permissions forbid)");
        if (!found.hidden_guard.empty())
            active.push_back(found.hidden_guard);
        return;
    }
    active.push_back(
        "each test runs in its own user, PID, mount, IPC, network and UTS namespaces "
        "under the grader's init (PID 1): kill(-1) reaches only the test's own "
        "processes, and ending the init ends them all at once; System V and POSIX "
        "IPC objects die with the test; its network is a loopback of its own (no "
        "host listener, no abstract Unix socket of the host is reachable)");
    active.push_back(
        "the filesystem is read-only for the test but for its scratch "
        "directory and a private /tmp and /dev/shm; /proc and its pseudo-terminals "
        "(/dev/pts) are its own");
    if (!layout.source_dir.empty() && limits.view) {
        active.push_back(
            "hidden from student code (its compile and its tests), but for the "
            "program under test and the labs: " +
            hidden_in_words(*limits.view, layout.source_dir));
    }
    active.push_back(
        fmt::format("at most {} processes+threads per test (RLIMIT_NPROC, "
                    "counted per namespace), {} in its PID namespace "
                    "(pid_max, Linux >= 6.14)",
                    kProcessesPerTest, kPidCap));
}

// A cgroup v2 per test, when one can be made under the grader's.
void probe_cgroup(Findings& found, Limits& limits) {
    limits.cgroup = CgroupParent::create(found.no_cgroup);
}

void describe_cgroup(const Findings& found, const Limits& limits, const CourseLayout&,
                     std::vector<std::string>& active) {
    if (!limits.cgroup) {
        active.push_back("no cgroup per test (" + found.no_cgroup +
                         "): memory is limited per process only (RLIMIT_AS)");
        return;
    }
    active.push_back(fmt::format(
        "each test has a cgroup v2 of its own: memory.max {} MiB (no swap) and pids.max {} "
        "for all its processes together; an OOM kill there is out-of-memory",
        limits.memory_max >> 20, limits.pids_max));
}

// The compile of student code (sandboxed-compile, its limits from compile_limits()).
void describe_compile(const Findings& found, const Limits& limits, const CourseLayout&,
                      std::vector<std::string>& active) {
    active.push_back(fmt::format(
        "student sources are compiled by sandboxed-compile in the same sandbox ({}), as {}, "
        "under RLIMIT_AS {} MiB, {} processes and a time limit per file",
        limits.isolate ? "namespaces, the same hidden paths; /dev holds only null, /proc is empty"
                       : "no namespaces: nothing hidden",
        found.root ? "nobody" : "the grader's user", kCompileAddressSpace >> 20,
        kCompileProcesses));
}

// Root's tests as nobody, or as a root without capabilities (Limits::drop_root).
void describe_dropped_root(const Findings& found, const Limits&, const CourseLayout&,
                           std::vector<std::string>& active) {
    if (found.root) {
        active.push_back(
            "running as root: each test runs as nobody (65534) when nobody can "
            "run it, else as root without any capability");
    }
}

// The subreaper (set by apply_alone, before the probes).
void describe_subreaper(const Findings&, const Limits&, const CourseLayout&,
                        std::vector<std::string>& active) {
    active.push_back(
        "the grader is a child subreaper: every descendant of a test is killed "
        "and reaped when the test ends");
}

// The seccomp filter, when it loads here (checked in a child).
void probe_seccomp(Findings&, Limits& limits) {
    limits.filter_kill = seccomp_works();
}

void describe_seccomp(const Findings&, const Limits& limits, const CourseLayout&,
                      std::vector<std::string>& active) {
    if (limits.filter_kill && limits.isolate) {
        active.push_back(
            "seccomp: kill(-1, ...) fails with EPERM, and so do tkill, ptrace, "
            "process_vm_readv/writev, pidfd_getfd and kcmp whatever their target");
    } else if (limits.filter_kill) {
        active.push_back(
            "seccomp: signals aimed at -1, the grader, its parent, its process group or its "
            "session (kill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo, pidfd_open, fcntl "
            "F_SETOWN) fail with EPERM, and so do tkill, pidfd_send_signal, F_SETOWN_EX, "
            "FIOSETOWN, SIOCSPGRP, ptrace, process_vm_readv/writev, pidfd_getfd and kcmp "
            "whatever their target; the test's user's other processes stay within its reach");
    } else {
        active.push_back(
            "no seccomp filter (it does not load here): kill(-1) and signals to the grader "
            "are stopped by " +
            std::string(limits.isolate ? "the PID namespace only" : "nothing"));
    }
}

// The per-process limits every test has (Limits' defaults).
void describe_rlimits(const Findings&, const Limits& limits, const CourseLayout&,
                      std::vector<std::string>& active) {
    active.push_back(
        "a test sees only PATH, HOME, the locale and such of the grader's environment, and "
        "COURSE_TEST_* (kTestEnvironment): never a CI's tokens");
    active.push_back(fmt::format("output capped at {} KiB per test", limits.output_cap / 1024));
    active.push_back(fmt::format("RLIMIT_AS {} MiB, RLIMIT_FSIZE {} MiB, no core files",
                                 limits.address_space >> 20, limits.file_size >> 20));
}

// In the order the report lists them; each probe runs once, before its apply.
constexpr Protection kProtections[] = {
    {nullptr, apply_alone, describe_alone},
    {probe_namespaces, apply_namespaces, describe_namespaces},
    {probe_cgroup, nullptr, describe_cgroup},
    {nullptr, nullptr, describe_compile},
    {nullptr, nullptr, describe_dropped_root},
    {nullptr, nullptr, describe_subreaper},
    {probe_seccomp, nullptr, describe_seccomp},
    {nullptr, nullptr, describe_rlimits},
};

}  // namespace

std::vector<std::string> apply_protections(Limits& limits, const CourseLayout& layout) {
    Findings found;
    std::vector<std::string> active;
    for (const auto& protection : kProtections) {
        if (protection.probe != nullptr)
            protection.probe(found, limits);
        if (protection.apply != nullptr)
            protection.apply(found, limits, layout);
        protection.describe(found, limits, layout, active);
    }
    return active;
}

}  // namespace grader
