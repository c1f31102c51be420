// Tests the sandbox itself (harness/grader/sandbox/sandbox.cpp) with harmless probes: the PID
// namespace, the read-only filesystem, the user a test runs as, the seccomp filter, the
// deadline. The hostile suite (harness/tests/hostile/) then attacks it for real.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/sockios.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <numeric>
#include <string>
#include <thread>

#include "course/sys.hpp"
#include "course/unique_fd.hpp"
#include "harness/testsupport.hpp"
#include "hsys/proc.hpp"
#include "hsys/reap.hpp"
#include "hsys/temp_dir.hpp"
#include "outside_tmp.hpp"
#include "sandbox/protections.hpp"
#include "sandbox/sandbox.hpp"
#include "sandbox/seccomp.hpp"

namespace {

class SandboxTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { hsys::become_subreaper(); }
    void SetUp() override {
        std::string why_not;
        if (!grader::namespaces_work(why_not))
            GTEST_SKIP() << "no namespaces here: " << why_not;
        limits_.wall_seconds = 5;
        limits_.isolate = true;
        limits_.drop_root = true;
        limits_.process_cap = 1024;
        limits_.max_processes = 512;
        limits_.filter_kill = grader::seccomp_works();
    }
    void TearDown() override {
        EXPECT_TRUE(harness::children_of(::getpid()).empty()) << "the sandbox left a process";
    }
    grader::Outcome sh(const std::string& script) {
        return grader::run_sandboxed({"/bin/sh", "-c", script}, scratch_.path().string(), limits_);
    }
    grader::Limits limits_;
    hsys::TempDir scratch_{"sandbox-test"};
};

// Tests that the test is PID 2 under the grader's init, and sees only its namespace.
TEST_F(SandboxTest, RunsUnderItsOwnInitInAPidNamespace) {
    auto run = sh("echo $$; cat /proc/1/comm; ls /proc | grep -c '^[0-9][0-9]*$'");
    ASSERT_EQ(run.sandbox_error, "");
    EXPECT_EQ(run.output, "2\nsandbox-init\n4\n") << "expected: sh is PID 2, the init PID 1, "
                                                     "and /proc shows init, sh, ls and grep";
    EXPECT_TRUE(WIFEXITED(run.raw_status) && WEXITSTATUS(run.raw_status) == 0);
}

// Tests that the course's files are read-only while the scratch dir and /tmp are not.
TEST_F(SandboxTest, FilesystemIsReadOnlyButForScratchAndTmp) {
    auto run = sh(std::string("touch ") + COURSE_SOURCE_DIR +
                  "/sandbox-probe 2>/dev/null; echo $?;"
                  " touch here && echo scratch-ok; touch /tmp/x && echo tmp-ok");
    ASSERT_EQ(run.sandbox_error, "");
    EXPECT_EQ(run.output, "1\nscratch-ok\ntmp-ok\n");
    EXPECT_FALSE(std::filesystem::exists(std::string(COURSE_SOURCE_DIR) + "/sandbox-probe"));
}

// Tests that a test's pseudo-terminals are its own: /dev/pts is a new devpts holding none
// of the host's (nor another test's, side by side), and a new one opens there as pts 0.
TEST_F(SandboxTest, PseudoTerminalsAreItsOwn) {
    course::UniqueFd host_terminal(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
    ASSERT_TRUE(host_terminal) << "posix_openpt: " << std::strerror(errno);
    ASSERT_EQ(::unlockpt(host_terminal.get()), 0);  // /dev/pts lists it from now on
    auto run = sh("ls /dev/pts; exec 3<>/dev/ptmx && ls /dev/pts");
    ASSERT_EQ(run.sandbox_error, "");
    EXPECT_EQ(run.output, "ptmx\n0\nptmx\n");
}

// Tests that root's tests run as nobody, and an ordinary user's as that user.
TEST_F(SandboxTest, RunsAsNobodyWhenRoot) {
    auto run = sh("id -u; grep CapEff /proc/self/status");
    std::string uid = ::geteuid() == 0 ? "65534" : std::to_string(::geteuid());
    EXPECT_EQ(run.output, uid + "\nCapEff:\t0000000000000000\n");
}

// Tests that the seccomp filter makes kill(-1, 0) fail with EPERM (harmless probe).
TEST_F(SandboxTest, SeccompRefusesKillMinusOne) {
    if (!limits_.filter_kill)
        GTEST_SKIP() << "seccomp unavailable";
    limits_.isolate = false;  // the filter alone, as in the fallback
    auto run = sh("kill -0 -1 2>/dev/null; echo $?");
    EXPECT_EQ(run.output, "1\n");
}

// Tests that kill(-1, SIGKILL), with no seccomp filter to stop it, reaches only the
// test's own namespace: had it escaped, it would have killed this process too (same user,
// or root without capabilities). The script refuses to run unless its PID 1 is the
// sandbox's init, where the kernel confines kill(-1) to the namespace.
TEST_F(SandboxTest, KillMinusOneReachesOnlyTheNamespace) {
    auto probe = sh("cat /proc/1/comm");
    ASSERT_EQ(probe.output, "sandbox-init\n") << "not in a PID namespace: not trying kill(-1)";
    limits_.filter_kill = false;
    auto run =
        sh("[ \"$(cat /proc/1/comm)\" = sandbox-init ] && [ $$ -lt 100 ] || exit 99;"
           " sleep 100 & kill -9 -1; wait; echo survived");
    EXPECT_EQ(run.output, "survived\n") << "kill(-1) spares the caller, kills its sleep";
    EXPECT_TRUE(WIFEXITED(run.raw_status) && WEXITSTATUS(run.raw_status) == 0);
}

// Tests that the deadline ends the test and every process in its namespace in time.
TEST_F(SandboxTest, DeadlineKillsTheWholeNamespace) {
    limits_.wall_seconds = 0.5;
    auto run = sh("sleep 100 & (setsid sleep 100 &); sleep 100");
    EXPECT_TRUE(run.timed_out);
    EXPECT_LT(run.seconds, 1.5);
}

// Tests that a daemon started by the test does not outlive it nor hold its output open.
TEST_F(SandboxTest, DaemonIsKilledWhenTheTestEnds) {
    auto run = sh("(setsid sleep 100 &); echo done");
    EXPECT_EQ(run.output, "done\n");
    EXPECT_LT(run.seconds, 2.0);
    EXPECT_GE(run.leftovers_killed, 1);
    EXPECT_GE(run.processes_started, 3);
}

// The names of probe_the_grader's probes, in order.
const char* const kGraderProbes[] = {
    "kill(grader)",
    "kill(-1)",
    "kill(-group)",
    "tgkill",
    "tkill(self)",
    "rt_sigqueueinfo",
    "rt_tgsigqueueinfo",
    "pidfd_open",
    "pidfd_send_signal",
    "fcntl F_SETOWN",
    "fcntl F_SETOWN_EX",
    "ioctl FIOSETOWN",
    "ptrace PEEKDATA",
    "process_vm_readv",
    "process_vm_writev",
    "pidfd_getfd",
    "kcmp",
};

// The probes of the fallback's filter: each aimed at @p grader, each harmless (signal 0,
// no attach, an address never mapped), each refused with EPERM by the filter. Runs in a
// forked child; writes one letter per probe to @p fd: 'y' refused with EPERM, 'n' not.
[[noreturn]] void probe_the_grader(pid_t grader, const grader::ProtectedTargets& guarded, int fd) {
    if (!grader::install_kill_filter(guarded))
        ::_exit(100);
    siginfo_t info{};
    info.si_code = SI_QUEUE;
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0)
        ::_exit(101);
    char dir[32];
    std::snprintf(dir, sizeof dir, "/proc/%d", static_cast<int>(grader));
    int proc_dir = ::open(dir, O_RDONLY | O_DIRECTORY);
    f_owner_ex owner{F_OWNER_PID, grader};
    char byte = 0;
    iovec local{&byte, 1};
    iovec remote{reinterpret_cast<void*>(16), 1};
    char letters[32];
    int n = 0;
    auto refused = [&](long result) { letters[n++] = result == -1 && errno == EPERM ? 'y' : 'n'; };
    refused(::kill(grader, 0));
    refused(::kill(-1, 0));
    refused(::kill(-::getpgrp(), 0));
    refused(::syscall(SYS_tgkill, grader, grader, 0));
    refused(::syscall(SYS_tkill, ::getpid(), 0));
    refused(::syscall(SYS_rt_sigqueueinfo, grader, 0, &info));
    refused(::syscall(SYS_rt_tgsigqueueinfo, grader, grader, 0, &info));
    refused(::syscall(SYS_pidfd_open, grader, 0));
    refused(::syscall(SYS_pidfd_send_signal, proc_dir, 0, nullptr, 0));
    refused(::fcntl(pipe_fds[0], F_SETOWN, grader));
    refused(::fcntl(pipe_fds[0], F_SETOWN_EX, &owner));
    refused(::ioctl(pipe_fds[0], FIOSETOWN, &grader));
    refused(::ptrace(PTRACE_PEEKDATA, grader, nullptr, nullptr));
    refused(::process_vm_readv(grader, &local, 1, &remote, 1, 0));
    refused(::process_vm_writev(grader, &local, 1, &remote, 1, 0));
    refused(::syscall(SYS_pidfd_getfd, proc_dir, 0, 0));
    refused(::syscall(SYS_kcmp, ::getpid(), grader, 0 /* KCMP_FILE */, 0, 0));
    [[maybe_unused]] auto written = ::write(fd, letters, static_cast<size_t>(n));
    ::_exit(0);
}

// Runs @p child in a forked process and returns what it wrote to its pipe.
template <typename F>
std::string run_child(F child) {
    int fds[2];
    course::check(::pipe(fds), "pipe");
    pid_t pid = course::check(::fork(), "fork");
    if (pid == 0) {
        ::close(fds[0]);
        child(fds[1]);
    }
    ::close(fds[1]);
    std::string out;
    char buffer[256];
    for (ssize_t n; (n = course::retry_on_eintr(
                         "read", [&] { return ::read(fds[0], buffer, sizeof buffer); })) > 0;)
        out.append(buffer, static_cast<size_t>(n));
    ::close(fds[0]);
    int status = 0;
    course::retry_on_eintr("waitpid", [&] { return ::waitpid(pid, &status, 0); });
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "probe status " << status;
    return out;
}

// Tests that, without namespaces, the filter refuses every way to signal, trace or read
// the grader (this process, the probe's parent) with EPERM: harmless probes, one each.
TEST(SeccompFilterTest, FallbackRefusesEveryWayToReachTheGrader) {
    if (!grader::seccomp_works())
        GTEST_SKIP() << "seccomp unavailable";
    pid_t self = ::getpid();
    auto guarded = grader::grader_targets(self, ::getppid(), ::getpgrp(), ::getsid(0));
    auto letters = run_child([&](int fd) { probe_the_grader(self, guarded, fd); });
    ASSERT_EQ(letters.size(), std::size(kGraderProbes));
    for (std::size_t i = 0; i < letters.size(); ++i)
        EXPECT_EQ(letters[i], 'y') << kGraderProbes[i] << " was not refused with EPERM";
}

// Tests that, without namespaces, the grader's other threads are guarded too: a signal sent
// to a thread's id reaches its whole process (`grader batch` grades from worker threads).
// And that a filter with every target the grader may guard still fits.
TEST(SeccompFilterTest, FallbackGuardsTheGradersThreads) {
    if (!grader::seccomp_works())
        GTEST_SKIP() << "seccomp unavailable";
    std::promise<pid_t> started;
    std::promise<void> finish;
    std::thread worker([&] {
        started.set_value(static_cast<pid_t>(::syscall(SYS_gettid)));
        finish.get_future().wait();
    });
    pid_t thread = started.get_future().get();
    auto guarded = grader::grader_targets(::getpid(), ::getppid(), ::getpgrp(), ::getsid(0),
                                          hsys::list_threads(::getpid()));
    auto out = run_child([&](int fd) {
        if (!grader::install_kill_filter(guarded))
            ::_exit(100);
        char refused = ::kill(thread, 0) == -1 && errno == EPERM ? 'y' : 'n';
        [[maybe_unused]] auto n = ::write(fd, &refused, 1);
        ::_exit(0);
    });
    finish.set_value();
    worker.join();
    EXPECT_EQ(out, "y") << "kill(" << thread << ", 0), at a thread of the grader, was not refused";

    std::vector<pid_t> many(40);
    std::iota(many.begin(), many.end(), 100000);
    auto full = grader::grader_targets(1000, 1001, 1002, 1003, many);
    EXPECT_EQ(full.count, grader::ProtectedTargets::kMaxTargets);
    auto fits = run_child([&](int fd) {
        if (!grader::install_kill_filter(full))
            ::_exit(100);
        [[maybe_unused]] auto n = ::write(fd, "y", 1);
        ::_exit(0);
    });
    EXPECT_EQ(fits, "y") << "a filter guarding kMaxTargets targets must fit its program";
}

// Tests that the filter leaves a test's own children within its reach, in both modes:
// kill, pidfd_open, F_SETOWN on itself; pidfd_send_signal too under a PID namespace.
TEST(SeccompFilterTest, OwnChildrenStayWithinReach) {
    if (!grader::seccomp_works())
        GTEST_SKIP() << "seccomp unavailable";
    for (bool fallback : {true, false}) {
        auto guarded =
            fallback ? grader::grader_targets(::getpid(), ::getppid(), ::getpgrp(), ::getsid(0))
                     : grader::ProtectedTargets{};
        auto out = run_child([&](int fd) {
            if (!grader::install_kill_filter(guarded))
                ::_exit(100);
            std::string failed;
            pid_t child = ::fork();
            if (child == 0) {
                for (;;)
                    ::pause();
            }
            int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, child, 0));
            if (pidfd < 0)
                failed += "pidfd_open ";
            int pipe_fds[2];
            if (::pipe(pipe_fds) != 0 || ::fcntl(pipe_fds[0], F_SETOWN, ::getpid()) != 0)
                failed += "F_SETOWN ";
            if (!fallback && ::syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, nullptr, 0) != 0)
                failed += "pidfd_send_signal ";
            if (::kill(child, SIGKILL) != 0)
                failed += "kill ";
            int status = 0;
            if (::waitpid(child, &status, 0) != child)
                failed += "waitpid ";
            [[maybe_unused]] auto n = ::write(fd, failed.data(), failed.size());
            ::_exit(0);
        });
        EXPECT_EQ(out, "") << (fallback ? "fallback" : "namespace") << ": refused " << out;
    }
}

// Tests that each setting that turns user namespaces off is named with how to lift it.
TEST(UsernsRestrictionTest, NamesTheSettingAndHowToLiftIt) {
    hsys::TempDir scratch("userns");
    std::string dir = scratch.path().string();
    auto set = [&](const std::string& name, const std::string& value) {
        std::filesystem::create_directories(std::filesystem::path(dir + "/" + name).parent_path());
        std::ofstream(dir + "/" + name) << value << "\n";
    };
    EXPECT_EQ(grader::userns_restriction(false, dir), "") << "nothing set";
    set("kernel/apparmor_restrict_unprivileged_userns", "1");
    auto apparmor = grader::userns_restriction(false, dir);
    EXPECT_NE(apparmor.find("kernel.apparmor_restrict_unprivileged_userns=1"), std::string::npos);
    EXPECT_NE(apparmor.find("sudo"), std::string::npos) << apparmor;
    EXPECT_NE(apparmor.find("sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"),
              std::string::npos);
    EXPECT_EQ(grader::userns_restriction(true, dir), "") << "root is not restricted";
    set("kernel/apparmor_restrict_unprivileged_userns", "0");
    set("kernel/unprivileged_userns_clone", "0");
    EXPECT_NE(grader::userns_restriction(false, dir).find("unprivileged_userns_clone=1"),
              std::string::npos);
    set("user/max_user_namespaces", "0");
    EXPECT_NE(grader::userns_restriction(true, dir).find("user.max_user_namespaces=0"),
              std::string::npos)
        << "no user namespace for anyone, root included";
}

// Tests that refuse_tracing() makes the process not dumpable (checked in a child).
TEST(RefuseTracingTest, GraderIsNotDumpable) {
    auto out = run_child([](int fd) {
        grader::refuse_tracing();
        char state = static_cast<char>('0' + ::prctl(PR_GET_DUMPABLE));
        [[maybe_unused]] auto n = ::write(fd, &state, 1);
        ::_exit(0);
    });
    EXPECT_EQ(out, "0");
}

// Tests that a view hides a folder (empty) and a file (empty), and shows again, read-only,
// what lies inside a hidden folder. The folder is not under /tmp: that is private anyway.
TEST_F(SandboxTest, AViewHidesFoldersAndFilesAndShowsWhatItKeeps) {
    namespace fs = std::filesystem;
    auto parent = harness_tests::folder_outside_private_tmp();
    if (parent.empty())
        GTEST_SKIP() << "no folder outside /tmp and /dev/shm to make the hidden folders in";
    hsys::TempDir folder(fs::path(parent), "sandbox-view");
    std::string dir = folder.path().string();
    fs::create_directories(dir + "/secret/kept");
    std::ofstream(dir + "/secret/a.txt") << "secret\n";
    std::ofstream(dir + "/secret/kept/b.txt") << "kept\n";
    std::ofstream(dir + "/file.txt") << "hidden file\n";
    fs::permissions(dir, fs::perms::others_read | fs::perms::others_exec, fs::perm_options::add);
    grader::View view;
    view.hidden = {dir + "/secret", dir + "/file.txt"};
    view.shown = {dir + "/secret/kept"};
    limits_.view = std::make_shared<grader::View>(view);
    auto run = sh("cd " + dir +
                  " && ls secret; cat secret/kept/b.txt; wc -c < file.txt;"
                  " touch secret/kept/new 2>/dev/null || echo read-only");
    ASSERT_EQ(run.sandbox_error, "");
    EXPECT_EQ(run.output, "kept\nkept\n0\nread-only\n");
}

// Tests that a view without devices and /proc (a compile's) leaves /dev/null alone there.
TEST_F(SandboxTest, AViewWithoutDevicesKeepsOnlyDevNull) {
    auto view = std::make_shared<grader::View>();
    view->devices = false;
    view->proc = false;
    limits_.view = view;
    auto run = sh("ls /dev; ls /proc | wc -l; echo x > /dev/null && echo null-ok");
    ASSERT_EQ(run.sandbox_error, "");
    EXPECT_EQ(run.output, "null\n0\nnull-ok\n");
}

// Tests that a step of the setup that fails stops the child before the program runs, and
// reaches the grader as the step, the path and errno.
TEST_F(SandboxTest, AFailedStepIsReportedWithItsErrno) {
    auto run = grader::run_sandboxed({"/nonexistent/program"}, scratch_.path(), limits_);
    EXPECT_EQ(run.sandbox_error,
              "cannot execute the program (/nonexistent/program): No such file or directory");
    limits_.isolate = false;
    run = grader::run_sandboxed({"/nonexistent/program"}, scratch_.path(), limits_);
    EXPECT_EQ(run.sandbox_error,
              "cannot execute the program (/nonexistent/program): No such file or directory");
}

// Tests that a program run as nobody-or-nothing (a compile) is refused, not run as root,
// when nobody cannot enter its folder.
TEST_F(SandboxTest, NobodyOnlyRefusesRatherThanRunAsRoot) {
    if (::geteuid() != 0)
        GTEST_SKIP() << "only root changes user";
    limits_.nobody_only = true;
    grader::SandboxIo io;
    io.cwd = "/root";  // nobody may not enter it
    auto run = grader::run_sandboxed({"/bin/true"}, scratch_.path(), limits_, io);
    EXPECT_NE(run.sandbox_error.find("cannot run as nobody"), std::string::npos)
        << run.sandbox_error;
}

// Tests that the test's network is a namespace of its own: /proc/net/dev lists its two
// header lines and `lo` alone.
TEST_F(SandboxTest, NetworkIsTheTestsOwn) {
    auto run = sh("grep -c . /proc/net/dev");
    ASSERT_EQ(run.sandbox_error, "");
    EXPECT_EQ(run.output, "3\n");
}

// Tests the cgroup per test where cgroup v2 can be used: a run's processes are in it,
// and a memory eater in a child process is counted as killed by the OOM killer.
TEST_F(SandboxTest, ACgroupCountsTheOomKillsOfAllTheTestsProcesses) {
    std::string why_not;
    limits_.cgroup = grader::CgroupParent::create(why_not);
    if (!limits_.cgroup)
        GTEST_SKIP() << "no cgroup v2 here: " << why_not;
    limits_.memory_max = 64ull << 20;
    auto run =
        sh("grep -q /test- /proc/self/cgroup && echo in-its-cgroup;"
           " awk 'BEGIN { s = \"x\"; while (1) s = s s }'; echo done");
    ASSERT_EQ(run.sandbox_error, "");
    EXPECT_NE(run.output.find("in-its-cgroup"), std::string::npos) << run.output;
    EXPECT_GE(run.memory_limit_kills, 1u) << run.output;
}

}  // namespace
