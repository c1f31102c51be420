// Hostile "submissions": one GoogleTest test per way a student's code can misbehave, each
// expecting the verdict recorded in expected.json. The grader must survive them all, give
// each its verdict, and leave nothing running (checked by hostile_check.cpp).
//
// NEVER run this program by hand: several tests hang, flood or fork by design. The
// dangerous ones (kill(-1), fork and thread bombs) first check that they run inside the
// grader's sandbox (contained()) and skip themselves otherwise, and the bombs also stop
// by themselves after a fixed number of forks.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace {

// True only inside the grader's PID namespace: PID 1 is its init, and we are among the
// first processes there. Nothing dangerous runs unless this holds.
bool in_sandbox_namespace() {
    std::ifstream comm("/proc/1/comm");
    std::string name;
    std::getline(comm, name);
    return name == "sandbox-init" && ::getpid() < 100;
}

// True when the seccomp filter refuses kill(-1, ...) (probed with signal 0: harmless).
bool kill_minus_one_refused() {
    return ::kill(-1, 0) != 0 && errno == EPERM;
}

// Whether forking without end is bounded here: a PID namespace with its caps, or an
// ordinary user under a finite RLIMIT_NPROC.
bool forks_are_capped() {
    struct rlimit limit {};
    ::getrlimit(RLIMIT_NPROC, &limit);
    bool user_capped =
        ::geteuid() != 0 && limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur <= 8192;
    return in_sandbox_namespace() || user_capped;
}

// A counter shared by every process of a fork bomb: the bomb's own upper bound.
std::atomic<int>* shared_counter() {
    void* page = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED)
        throw std::system_error(errno, std::generic_category(), "mmap");
    return new (page) std::atomic<int>(0);
}

constexpr int kMaxForks = 5000;  // above every cap: 512 per test, 4096 per user (fallback)

void spin_forever() {
    for (;;)
        asm volatile("" ::: "memory");  // a loop the compiler may not remove
}

void write_all(int fd, std::size_t total) {
    std::string block(1 << 16, 'x');
    for (std::size_t done = 0; done < total; done += block.size()) {
        if (::write(fd, block.data(), block.size()) < 0)
            return;
    }
}

// ---- Forging marks: lab code runs in the test's process, so it tries to lie. ----

// The graded test's result channel (descriptor 4 under the grader), or -1 elsewhere.
int result_channel() {
    struct stat info {};
    return ::fstat(4, &info) == 0 && S_ISFIFO(info.st_mode) ? 4 : -1;
}

// Writes a record that looks like the harness's own, with a made-up tag.
void write_forged_record(int fd, const std::string& payload) {
    std::string record;
    for (int i = 0; i < 4; ++i)
        record.push_back(static_cast<char>((payload.size() >> (8 * i)) & 0xff));
    record += payload + std::string(8, '\x5a');
    [[maybe_unused]] auto n = ::write(fd, record.data(), record.size());
}

// Writes what GoogleTest's JSON output says for a pass where a result file would be.
void write_passing_json() {
    std::ofstream("result.out") << R"({"testsuites": [{"name": "Hostile", "testsuite": )"
                                << R"([{"name": "X", "status": "RUN", "result": "COMPLETED"}]}]})";
}

// Forges a passing result on the channel, then fails for real.
TEST(Hostile, ForgesARecordOnTheChannel) {
    int fd = result_channel();
    if (fd >= 0) {
        write_forged_record(fd, R"({"kind":"result","test":"Hostile.ForgesARecordOnTheChannel",)"
                                R"("outcome":"pass","message":""})");
    }
    ADD_FAILURE() << "the real result";
}

// Writes a passing result file and leaves with success before GoogleTest reports.
TEST(Hostile, WritesAPassingResultFileAndExits) {
    write_passing_json();
    std::fflush(nullptr);
    ::_exit(0);
}

// Prints what a passing run prints, then leaves with success mid-test.
TEST(Hostile, PrintsAFakePassAndExits) {
    std::printf("[       OK ] Hostile.PrintsAFakePassAndExits (0 ms)\n[  PASSED  ] 1 test.\n");
    std::fflush(nullptr);
    ::_exit(0);
}

// After GoogleTest is done: an atexit handler and a static destructor rewrite the result.
struct RewritesAtExit {
    ~RewritesAtExit() {
        if (armed) {
            write_passing_json();
            if (int fd = result_channel(); fd >= 0)
                write_forged_record(fd, R"({"kind":"end","exit_code":0})");
        }
    }
    bool armed = false;
} rewrite_at_exit;

TEST(Hostile, RewritesTheResultAtExit) {
    rewrite_at_exit.armed = true;
    std::atexit([] {
        write_passing_json();
        if (int fd = result_channel(); fd >= 0)
            write_forged_record(fd, R"({"kind":"end","exit_code":0})");
    });
    ADD_FAILURE() << "the real result";
}

// Leaks a fake result reporter that swallows every failure that follows, in every thread.
TEST(Hostile, SwallowsFailuresWithAFakeReporter) {
    static ::testing::TestPartResultArray swallowed;
    new ::testing::ScopedFakeTestPartResultReporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ALL_THREADS, &swallowed);
    ADD_FAILURE() << "the real result, swallowed";
}

// Skips itself on purpose, so that it would drop out of the maximum.
TEST(Hostile, SkipsOnPurpose) {
    GTEST_SKIP() << "nothing to see here";
}

// Closes the result channel, then passes: no result can reach the grader.
TEST(Hostile, ClosesTheResultChannel) {
    ::close(4);
    SUCCEED();
}

// Tries to read the grader's secret: its descriptor must be closed before lab code runs.
TEST(Hostile, CannotReadTheSecret) {
    char buffer[64];
    EXPECT_EQ(::read(3, buffer, sizeof buffer), -1);
    EXPECT_EQ(errno, EBADF);
    EXPECT_EQ(std::getenv("COURSE_RESULT_CHANNEL"), nullptr);
}

// A forked child that runs on into the framework (a student's classic fork bug) must not
// be taken for a forger: only the test's own process reports.
TEST(Hostile, ForkedChildRunsOnIntoTheFramework) {
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0)
        return;  // the child runs the rest of GoogleTest, and its end, too
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
}

// A second test of the same name (in another file's anonymous namespace) runs too.
TEST(Hostile, RunsTwice) {
    SUCCEED();
}

}  // namespace

// Tests a plain pass, graded after every hazard below has run.
TEST(Hostile, Passes) {
    EXPECT_EQ(2 + 2, 4);
}

// Tests a plain failure.
TEST(Hostile, Fails) {
    EXPECT_EQ(2 + 2, 5) << "arithmetic is broken";
}

// Forks without end (every child forks too); the first failing fork() throws.
TEST(Hostile, ForkBomb) {
    if (!forks_are_capped())
        GTEST_SKIP() << "refusing to fork-bomb outside a sandbox";
    auto* forks = shared_counter();
    pid_t test = ::getpid();
    while (forks->load() < kMaxForks) {
        pid_t pid = ::fork();
        if (pid > 0)
            forks->fetch_add(1);  // counts the processes started, every one
        if (pid < 0 && ::getpid() == test) {
            throw std::system_error(errno, std::generic_category(), "fork");
        }
        if (pid < 0)
            ::pause();
    }
    if (::getpid() != test)
        ::pause();
    FAIL() << "the sandbox let " << kMaxForks << " forks through";
}

// Starts threads without end; the first failing std::thread throws.
TEST(Hostile, ThreadBomb) {
    if (!forks_are_capped())
        GTEST_SKIP() << "refusing to thread-bomb outside a sandbox";
    std::vector<std::thread> threads;
    for (int i = 0; i < kMaxForks; ++i)
        threads.emplace_back([] { ::pause(); });
    FAIL() << "the sandbox let " << kMaxForks << " threads start";
}

// Spins forever.
TEST(Hostile, SpinsForever) {
    spin_forever();
}

// Sleeps forever.
TEST(Hostile, SleepsForever) {
    for (;;)
        ::pause();
}

// Stops itself with SIGSTOP.
TEST(Hostile, StopsItself) {
    ::raise(SIGSTOP);
}

// Ignores SIGTERM, SIGINT and SIGHUP, then spins.
TEST(Hostile, IgnoresSigtermAndSpins) {
    for (int sig : {SIGTERM, SIGINT, SIGHUP})
        ::signal(sig, SIG_IGN);
    spin_forever();
}

// Blocks every signal it can, then spins.
TEST(Hostile, BlocksAllSignalsAndSpins) {
    sigset_t all;
    sigfillset(&all);
    ::sigprocmask(SIG_BLOCK, &all, nullptr);
    spin_forever();
}

// Double-forks a daemon (setsid, SIGTERM ignored) that keeps the output pipe open and
// writes to it forever; the test itself passes.
TEST(Hostile, DaemonHoldsTheOutput) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::setsid();
        if (::fork() == 0) {
            ::signal(SIGTERM, SIG_IGN);
            ::signal(SIGHUP, SIG_IGN);
            for (;;) {
                [[maybe_unused]] auto n = ::write(STDOUT_FILENO, "daemon\n", 7);
                ::usleep(100000);
            }
        }
        ::_exit(0);
    }
    ASSERT_EQ(::waitpid(pid, nullptr, 0), pid);
}

// Leaves zombies: children that exit and are never waited for.
TEST(Hostile, LeavesZombies) {
    for (int i = 0; i < 20; ++i) {
        if (::fork() == 0)
            ::_exit(0);
    }
    SUCCEED();
}

// Ignores SIGCHLD (children reap themselves), forks, and waits until none is left.
TEST(Hostile, IgnoresSigchld) {
    ::signal(SIGCHLD, SIG_IGN);
    for (int i = 0; i < 10; ++i) {
        if (::fork() == 0)
            ::_exit(0);
    }
    EXPECT_EQ(::waitpid(-1, nullptr, 0), -1);  // blocks until all are gone, then ECHILD
    EXPECT_EQ(errno, ECHILD);
}

// Floods stdout (128 MiB), then passes.
TEST(Hostile, FloodsStdout) {
    write_all(STDOUT_FILENO, 128u << 20);
}

// Floods stderr (128 MiB), then passes.
TEST(Hostile, FloodsStderr) {
    write_all(STDERR_FILENO, 128u << 20);
}

// Floods stdout without end.
TEST(Hostile, FloodsForever) {
    write_all(STDOUT_FILENO, SIZE_MAX);
}

// Allocates without end, until new throws std::bad_alloc.
TEST(Hostile, AllocatesWithoutEnd) {
    std::vector<std::unique_ptr<char[]>> blocks;
    for (;;) {
        blocks.emplace_back(new char[256u << 20]);
        blocks.back()[0] = 1;
    }
}

// Allocates without end in a thread: the uncaught std::bad_alloc calls std::terminate.
TEST(Hostile, AllocatesInAThreadAndTerminates) {
    std::thread([] {
        std::vector<std::unique_ptr<char[]>> blocks;
        for (;;) {
            blocks.emplace_back(new char[256u << 20]);
            blocks.back()[0] = 1;
        }
    }).join();
}

// Calls kill(-1, SIGKILL) (after starting a child), then passes: it must reach nothing
// outside the test's own processes.
TEST(Hostile, KillsEveryone) {
    if (!in_sandbox_namespace() && !kill_minus_one_refused()) {
        GTEST_SKIP() << "refusing kill(-1) outside a sandbox";
    }
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        for (;;)
            ::pause();
    }
    ::kill(-1, SIGKILL);
    ::kill(child, SIGKILL);
    ASSERT_EQ(::waitpid(child, nullptr, 0), child);
}

// Calls kill(0, SIGKILL): its own process group, itself included.
TEST(Hostile, KillsItsGroup) {
    ::kill(0, SIGKILL);
}

// Tries to kill its parent (the sandbox's init, or the grader), then passes.
TEST(Hostile, KillsItsParent) {
    if (!in_sandbox_namespace() && !kill_minus_one_refused()) {
        GTEST_SKIP() << "refusing to kill the parent outside a sandbox";
    }
    ::kill(::getppid(), SIGKILL);
    ::kill(::getppid(), SIGTERM);
}

// Closes its stdout and stderr, then passes: the reports must not suffer.
TEST(Hostile, ClosesStdoutAndStderrThenPasses) {
    ::close(STDOUT_FILENO);
    ::close(STDERR_FILENO);
    EXPECT_TRUE(true);
}

// Closes its stdout and stderr, then fails: the message must still be reported.
TEST(Hostile, ClosesStdoutAndStderrThenFails) {
    ::close(STDOUT_FILENO);
    ::close(STDERR_FILENO);
    EXPECT_EQ(1, 2) << "failed with its output closed";
}

// Calls exit(0) in the middle of the test.
TEST(Hostile, ExitsMidTest) {
    std::exit(0);
}

// Calls _exit(1) in the middle of the test.
TEST(Hostile, UnderscoreExitsMidTest) {
    ::_exit(1);
}

// Dereferences a null pointer.
TEST(Hostile, Segfaults) {
    ::raise(SIGSEGV);
}

// Recurses without end: stack overflow.
int recurse(int depth) {
    volatile char frame[1024];
    frame[0] = static_cast<char>(depth);
    return recurse(depth + 1) + frame[0];
}
TEST(Hostile, OverflowsTheStack) {
    EXPECT_EQ(recurse(0), 0);
}

// Calls abort().
TEST(Hostile, Aborts) {
    std::abort();
}

// Writes a file without end, past RLIMIT_FSIZE.
TEST(Hostile, WritesAHugeFile) {
    int fd = ::open("huge", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    write_all(fd, SIZE_MAX);
}

// Makes a chain of 60,000 folders in its working directory (about a second), one
// descriptor at a time, then passes: the grader must remove it all afterwards, in its
// own stack and descriptors, or say what it left. On a loaded machine it stops making
// levels after 2 s, so as to pass within its time limit whatever the depth reached.
TEST(Hostile, MakesADeepTree) {
    auto stop = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    int fd = ::open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    for (int level = 0;
         level < 60'000 && (level % 1024 != 0 || std::chrono::steady_clock::now() < stop);
         ++level) {
        int next = -1;
        if (::mkdirat(fd, "d", 0700) == 0)
            next = ::openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ::close(fd);
        ASSERT_GE(next, 0) << "level " << level << ": " << std::strerror(errno);
        fd = next;
    }
    ::close(fd);
}

// Tries to open the course's files for writing: its own executable, the expected verdicts,
// the checker, the source tree. Harmless even if it could: it opens without truncating
// and writes nothing, and removes a file it managed to create.
TEST(Hostile, CannotWriteTheCourse) {
    char self[PATH_MAX] = {};
    ASSERT_GT(::readlink("/proc/self/exe", self, sizeof self - 1), 0);
    for (const char* path : {static_cast<const char*>(self), HOSTILE_EXPECTED, HOSTILE_CHECKER,
                             COURSE_SOURCE_DIR "/CMakeLists.txt"}) {
        int fd = ::open(path, O_WRONLY);
        if (fd >= 0)
            ::close(fd);
        EXPECT_LT(fd, 0) << "could open " << path << " for writing";
    }
    for (const char* dir : {COURSE_SOURCE_DIR, HOSTILE_BINARY_DIR}) {
        std::string path = std::string(dir) + "/hostile-was-here";
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd >= 0) {
            ::close(fd);
            ::unlink(path.c_str());
        }
        EXPECT_LT(fd, 0) << "could create " << path;
    }
}

// Poisons what a later test could inherit: environment, working directory, /tmp.
TEST(Hostile, PoisonsTheEnvironment) {
    ASSERT_EQ(::setenv("HOSTILE_POISON", "1", 1), 0);
    std::ofstream("poison") << "poison\n";
    std::ofstream("/tmp/hostile-poison") << "poison\n";
    ASSERT_EQ(::chdir("/"), 0);
}

// Checks that the poison of the test before did not reach this one.
TEST(Hostile, SeesACleanEnvironment) {
    EXPECT_EQ(::getenv("HOSTILE_POISON"), nullptr);
    struct stat info {};
    EXPECT_NE(::stat("poison", &info), 0) << "a poison file in the working directory";
    EXPECT_NE(::stat("/tmp/hostile-poison", &info), 0) << "a poison file in /tmp";
}

// Looks for what the grader's caller put in its environment (hostile_check sets a CI's
// job token): a test sees PATH, HOME, the locale and such, never the rest.
TEST(Hostile, ReadsTheGradersEnvironment) {
    EXPECT_EQ(::getenv("HOSTILE_CI_JOB_TOKEN"), nullptr) << "the grader's caller's token";
    EXPECT_NE(::getenv("PATH"), nullptr) << "PATH is one a test may expect";
}

namespace {

// ----- Every other way to signal, trace or read the grader (harness/README.md, "The
// sandbox"). Each aims at its parent: the grader in the fallback, the sandbox's init in a
// namespace (which ignores signals sent from inside it). Each runs only inside a sandbox;
// the ones that could harm the parent use a harmless probe first or assert it failed.

// True when the test runs without a PID namespace, under the grader's seccomp filter:
// then its parent is the grader itself, and every attempt must fail with EPERM.
bool parent_is_the_grader() {
    return !in_sandbox_namespace() && kill_minus_one_refused();
}

// Expects a system call aimed at the grader to have failed with EPERM in the fallback,
// and the parent to be alive and still the parent, in both modes.
void expect_parent_unharmed(pid_t parent, long result, int error, const char* what) {
    if (parent_is_the_grader()) {
        EXPECT_EQ(result, -1) << what << " reached the grader";
        EXPECT_EQ(error, EPERM) << what << ": " << std::strerror(error);
    }
    EXPECT_EQ(::getppid(), parent) << what << " killed the parent";
}

}  // namespace

// Sends SIGKILL to its parent with rt_sigqueueinfo (what sigqueue() calls).
TEST(Hostile, SignalsItsParentWithSigqueue) {
    if (!in_sandbox_namespace() && !kill_minus_one_refused())
        GTEST_SKIP() << "refusing to signal the parent outside a sandbox";
    pid_t parent = ::getppid();
    siginfo_t info{};
    info.si_code = SI_QUEUE;  // the kernel refuses kernel codes from user space
    info.si_pid = ::getpid();
    info.si_uid = ::getuid();
    long result = ::syscall(SYS_rt_sigqueueinfo, parent, SIGKILL, &info);
    expect_parent_unharmed(parent, result, errno, "rt_sigqueueinfo");
}

// Sends SIGKILL to its parent's main thread with rt_tgsigqueueinfo.
TEST(Hostile, SignalsItsParentsThreadWithTgsigqueue) {
    if (!in_sandbox_namespace() && !kill_minus_one_refused())
        GTEST_SKIP() << "refusing to signal the parent outside a sandbox";
    pid_t parent = ::getppid();
    siginfo_t info{};
    info.si_code = SI_QUEUE;
    info.si_pid = ::getpid();
    info.si_uid = ::getuid();
    long result = ::syscall(SYS_rt_tgsigqueueinfo, parent, parent, SIGKILL, &info);
    expect_parent_unharmed(parent, result, errno, "rt_tgsigqueueinfo");
}

// Sends SIGKILL to its parent through a pidfd from pidfd_open.
TEST(Hostile, SignalsItsParentThroughAPidfd) {
    if (!in_sandbox_namespace() && !kill_minus_one_refused())
        GTEST_SKIP() << "refusing to signal the parent outside a sandbox";
    pid_t parent = ::getppid();
    int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, parent, 0));
    int error = errno;
    if (pidfd >= 0) {
        long sent = ::syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, nullptr, 0);
        error = errno;
        ::close(pidfd);
        expect_parent_unharmed(parent, sent, error, "pidfd_send_signal");
    } else {
        expect_parent_unharmed(parent, pidfd, error, "pidfd_open");
    }
}

// Sends SIGKILL to its parent through its /proc/PID directory, which pidfd_send_signal
// takes as a pidfd.
TEST(Hostile, SignalsItsParentThroughItsProcDirectory) {
    if (!in_sandbox_namespace() && !kill_minus_one_refused())
        GTEST_SKIP() << "refusing to signal the parent outside a sandbox";
    pid_t parent = ::getppid();
    std::string dir = "/proc/" + std::to_string(parent);
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(fd, 0) << "open " << dir << ": " << std::strerror(errno);
    long sent = ::syscall(SYS_pidfd_send_signal, fd, SIGKILL, nullptr, 0);
    int error = errno;
    ::close(fd);
    expect_parent_unharmed(parent, sent, error, "pidfd_send_signal on /proc/PID");
}

// Makes the kernel send SIGKILL to its parent: a pipe owned by the parent (F_SETOWN),
// SIGKILL as its I/O signal (F_SETSIG), O_ASYNC, then a write.
TEST(Hostile, SignalsItsParentThroughSigio) {
    if (!in_sandbox_namespace() && !kill_minus_one_refused())
        GTEST_SKIP() << "refusing to signal the parent outside a sandbox";
    pid_t parent = ::getppid();
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0) << std::strerror(errno);
    ASSERT_EQ(::fcntl(fds[0], F_SETSIG, SIGKILL), 0) << std::strerror(errno);
    int owned = ::fcntl(fds[0], F_SETOWN, parent);
    int error = errno;
    if (owned == 0) {
        ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_ASYNC);
        [[maybe_unused]] auto n = ::write(fds[1], "x", 1);
    }
    ::close(fds[0]);
    ::close(fds[1]);
    expect_parent_unharmed(parent, owned, error, "fcntl F_SETOWN");
}

// Tries to attach to its parent with ptrace (PTRACE_SEIZE: even a success would not stop
// it; the test detaches at once).
TEST(Hostile, TracesItsParent) {
    if (!in_sandbox_namespace() && !kill_minus_one_refused())
        GTEST_SKIP() << "refusing to trace the parent outside a sandbox";
    pid_t parent = ::getppid();
    long attached = ::ptrace(PTRACE_SEIZE, parent, nullptr, nullptr);
    int error = errno;
    if (attached == 0)
        ::ptrace(PTRACE_DETACH, parent, nullptr, nullptr);
    EXPECT_EQ(attached, -1) << "ptrace attached to the parent";
    EXPECT_EQ(error, EPERM) << std::strerror(error);
}

// Tries to read and to write its parent's memory with process_vm_readv/writev. The
// address is never mapped (page 0): a call that got through would fail with EFAULT
// without touching anything.
TEST(Hostile, ReadsAndWritesItsParentsMemory) {
    if (!in_sandbox_namespace() && !kill_minus_one_refused())
        GTEST_SKIP() << "refusing to touch the parent's memory outside a sandbox";
    pid_t parent = ::getppid();
    char byte = 0;
    iovec local{&byte, 1};
    iovec remote{reinterpret_cast<void*>(16), 1};
    errno = 0;
    EXPECT_EQ(::process_vm_readv(parent, &local, 1, &remote, 1, 0), -1);
    EXPECT_EQ(errno, EPERM) << "process_vm_readv: " << std::strerror(errno);
    errno = 0;
    EXPECT_EQ(::process_vm_writev(parent, &local, 1, &remote, 1, 0), -1);
    EXPECT_EQ(errno, EPERM) << "process_vm_writev: " << std::strerror(errno);
}

// Tries to open its parent's memory through /proc/PID/mem (it never writes to it).
TEST(Hostile, OpensItsParentsMemFile) {
    if (!in_sandbox_namespace() && !kill_minus_one_refused())
        GTEST_SKIP() << "refusing to open the parent's memory outside a sandbox";
    std::string path = "/proc/" + std::to_string(::getppid()) + "/mem";
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd >= 0)
        ::close(fd);
    EXPECT_LT(fd, 0) << "could open " << path << " for reading and writing";
}

// Tries to take a copy of its parent's descriptors (pidfd_getfd) and to compare them with
// its own (kcmp).
TEST(Hostile, StealsItsParentsDescriptors) {
    if (!in_sandbox_namespace() && !kill_minus_one_refused())
        GTEST_SKIP() << "refusing to take the parent's descriptors outside a sandbox";
    pid_t parent = ::getppid();
    int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, parent, 0));
    errno = 0;
    long stolen = ::syscall(SYS_pidfd_getfd, pidfd, 1, 0);
    int error = errno;
    if (stolen >= 0)
        ::close(static_cast<int>(stolen));
    if (pidfd >= 0)
        ::close(pidfd);
    EXPECT_EQ(stolen, -1) << "pidfd_getfd took the parent's stdout";
    EXPECT_EQ(error, EPERM) << "pidfd_getfd: " << std::strerror(error);
    errno = 0;
    EXPECT_EQ(::syscall(SYS_kcmp, ::getpid(), parent, 0 /* KCMP_FILE */, 1, 1), -1);
    EXPECT_EQ(errno, EPERM) << "kcmp: " << std::strerror(errno);
}

// ---- What a test must not reach: the reference, other tests' IPC, the host's network,
// ---- more memory than its test's share (harness/README.md, "The sandbox").

namespace {

// Prints what a test managed to read, marked, so that hostile_check can tell that it
// never reaches an output or a report.
void show_leak(const std::string& what, const std::string& text) {
    std::printf("LEAKED %s: %s\n", what.c_str(), text.substr(0, 200).c_str());
}

// The first bytes of @p path, or "" when it cannot be read (or is empty: hidden).
std::string read_start(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return "";
    char buffer[512];
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    ::close(fd);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : "";
}

// Every regular file below @p dir (a few levels deep; nothing when unreadable).
void list_files(const std::string& dir, int depth, std::vector<std::string>& found) {
    DIR* stream = ::opendir(dir.c_str());
    if (stream == nullptr)
        return;
    while (dirent* entry = ::readdir(stream)) {
        std::string name = entry->d_name;
        if (name == "." || name == "..")
            continue;
        std::string path = dir + "/" + name;
        struct stat info {};
        if (::lstat(path.c_str(), &info) != 0)
            continue;
        if (S_ISDIR(info.st_mode) && depth > 0)
            list_files(path, depth - 1, found);
        else if (S_ISREG(info.st_mode))
            found.push_back(path);
    }
    ::closedir(stream);
}

}  // namespace

// Reads the reference solutions, its own (hidden) source, and runs a reference test
// program: all must be out of its reach.
TEST(Hostile, ReadsTheSolutionsAndRunsTheReference) {
    std::vector<std::string> files;
    list_files(COURSE_SOURCE_DIR "/solutions", 2, files);
    for (const auto& path : files) {
        std::string text = read_start(path);
        EXPECT_TRUE(text.empty()) << "could read " << path;
        if (!text.empty())
            show_leak(path, text);
    }
    std::string own = read_start(COURSE_SOURCE_DIR "/harness/tests/hostile/hostile_tests.cpp");
    EXPECT_TRUE(own.empty()) << "could read its own hidden source";
    std::vector<std::string> programs;
    list_files(HOSTILE_BINARY_DIR, 0, programs);
    for (const auto& path : programs) {
        EXPECT_EQ(path.find("_ref"), std::string::npos) << "could see " << path;
    }
    int out[2];
    ASSERT_EQ(::pipe(out), 0);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::dup2(out[1], STDOUT_FILENO);
        ::dup2(out[1], STDERR_FILENO);
        ::execl(HOSTILE_BINARY_DIR "/lab01_tests_ref", "lab01_tests_ref", "--gtest_list_tests",
                static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(out[1]);
    std::string printed;
    char buffer[4096];
    for (ssize_t n; (n = ::read(out[0], buffer, sizeof buffer)) > 0;)
        printed.append(buffer, static_cast<std::size_t>(n));
    ::close(out[0]);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 127) << "ran lab01_tests_ref";
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        show_leak("lab01_tests_ref", printed);
}

namespace {

constexpr key_t kIpcKey = 0x484f5354;  // "HOST"
constexpr const char* kQueueName = "/hostile-queue";
constexpr const char* kSharedName = "/hostile-shared";

}  // namespace

// Leaves System V and POSIX IPC objects behind, then passes: the next test must not see
// them, nor must the machine keep them.
TEST(Hostile, LeavesIpcObjects) {
    EXPECT_GE(::msgget(kIpcKey, IPC_CREAT | 0666), 0) << std::strerror(errno);
    EXPECT_GE(::shmget(kIpcKey, 4096, IPC_CREAT | 0666), 0) << std::strerror(errno);
    EXPECT_GE(::semget(kIpcKey, 1, IPC_CREAT | 0666), 0) << std::strerror(errno);
    mqd_t queue = ::mq_open(kQueueName, O_CREAT | O_RDWR, 0666, nullptr);
    EXPECT_NE(queue, static_cast<mqd_t>(-1)) << std::strerror(errno);
    if (queue != static_cast<mqd_t>(-1))
        ::mq_close(queue);
    int shared = ::shm_open(kSharedName, O_CREAT | O_RDWR, 0666);
    EXPECT_GE(shared, 0) << std::strerror(errno);
    if (shared >= 0)
        ::close(shared);
}

// Checks that the IPC objects of the test before are gone (and, where they are not,
// removes them so that nothing stays on the machine).
TEST(Hostile, SeesNoIpcObjects) {
    int queue = ::msgget(kIpcKey, 0);
    EXPECT_LT(queue, 0) << "a System V message queue of another test";
    if (queue >= 0)
        ::msgctl(queue, IPC_RMID, nullptr);
    int memory = ::shmget(kIpcKey, 0, 0);
    EXPECT_LT(memory, 0) << "a System V shared memory segment of another test";
    if (memory >= 0)
        ::shmctl(memory, IPC_RMID, nullptr);
    int semaphores = ::semget(kIpcKey, 0, 0);
    EXPECT_LT(semaphores, 0) << "a System V semaphore set of another test";
    if (semaphores >= 0)
        ::semctl(semaphores, 0, IPC_RMID);
    EXPECT_NE(::mq_unlink(kQueueName), 0) << "a POSIX message queue of another test";
    EXPECT_NE(::shm_unlink(kSharedName), 0) << "POSIX shared memory of another test";
}

namespace {

// Connects a stream socket to @p address. @returns 0, or the errno of the failure.
int connect_to(int family, const sockaddr* address, socklen_t length) {
    int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return errno;
    int error = ::connect(fd, address, length) == 0 ? 0 : errno;
    ::close(fd);
    return error;
}

sockaddr_in loopback(int port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

}  // namespace

// Tries the host's listeners that hostile_check opened (TCP and UDP on 127.0.0.1, an
// abstract Unix socket): none may be reachable, while the test's own loopback works.
TEST(Hostile, ReachesTheHostsNetwork) {
    const char* tcp = std::getenv("COURSE_TEST_HOSTILE_TCP_PORT");
    const char* udp = std::getenv("COURSE_TEST_HOSTILE_UDP_PORT");
    const char* abstract = std::getenv("COURSE_TEST_HOSTILE_ABSTRACT_SOCKET");
    if (tcp == nullptr || udp == nullptr || abstract == nullptr)
        GTEST_SKIP() << "run by hostile_check only (it opens the listeners)";
    // Its own loopback is up: a listener of its own is reachable.
    int own = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(own, 0);
    sockaddr_in mine = loopback(0);
    socklen_t length = sizeof mine;
    ASSERT_EQ(::bind(own, reinterpret_cast<sockaddr*>(&mine), sizeof mine), 0)
        << std::strerror(errno);
    ASSERT_EQ(::listen(own, 1), 0);
    ASSERT_EQ(::getsockname(own, reinterpret_cast<sockaddr*>(&mine), &length), 0);
    EXPECT_EQ(connect_to(AF_INET, reinterpret_cast<sockaddr*>(&mine), sizeof mine), 0)
        << "its own loopback does not work";
    ::close(own);
    // The host's.
    sockaddr_in host = loopback(std::atoi(tcp));
    EXPECT_NE(connect_to(AF_INET, reinterpret_cast<sockaddr*>(&host), sizeof host), 0)
        << "reached the host's TCP listener on 127.0.0.1:" << tcp;
    int datagram = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(datagram, 0);
    sockaddr_in target = loopback(std::atoi(udp));
    // Whether it arrived, hostile_check sees: it must not have.
    ::sendto(datagram, "hostile", 7, 0, reinterpret_cast<sockaddr*>(&target), sizeof target);
    ::close(datagram);
    sockaddr_un unix_address{};
    unix_address.sun_family = AF_UNIX;
    std::size_t name_length = std::min(std::strlen(abstract), sizeof unix_address.sun_path - 2);
    std::memcpy(unix_address.sun_path + 1, abstract, name_length);  // sun_path[0] = 0: abstract
    auto unix_length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name_length);
    EXPECT_NE(connect_to(AF_UNIX, reinterpret_cast<sockaddr*>(&unix_address), unix_length), 0)
        << "reached the host's abstract Unix socket @" << abstract;
}

namespace {

// The memory.max of this process's cgroup v2, in bytes (0: none, or no cgroup v2).
std::uint64_t own_memory_max() {
    std::ifstream cgroups("/proc/self/cgroup");
    for (std::string line; std::getline(cgroups, line);) {
        if (line.rfind("0::", 0) != 0)
            continue;
        std::ifstream max("/sys/fs/cgroup" + line.substr(3) + "/memory.max");
        std::string value;
        max >> value;
        return value.empty() || value == "max" ? 0 : std::strtoull(value.c_str(), nullptr, 10);
    }
    return 0;
}

}  // namespace

// Spreads memory over 8 processes, 96 MiB each, none above any per-process limit: only a
// limit per test (its cgroup's memory.max) stops it. Acts only under such a limit of at
// most 512 MiB, so that it never takes 768 MiB of a machine; each child also caps its own
// address space.
TEST(Hostile, SpreadsMemoryOverManyProcesses) {
    constexpr int kChildren = 8;
    constexpr std::size_t kEach = 96u << 20;
    std::uint64_t limit = own_memory_max();
    if (limit == 0 || limit > (512u << 20))
        FAIL() << "no memory limit per test (cgroup memory.max) holds this test's processes";
    int ready[2], go[2];
    ASSERT_EQ(::pipe(ready), 0);
    ASSERT_EQ(::pipe(go), 0);
    std::vector<pid_t> children;
    for (int i = 0; i < kChildren; ++i) {
        pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            ::close(ready[0]);
            ::close(go[1]);
            struct rlimit cap = {kEach * 2, kEach * 2};
            ::setrlimit(RLIMIT_AS, &cap);
            void* block =
                ::mmap(nullptr, kEach, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (block == MAP_FAILED)
                ::_exit(2);
            std::memset(block, 1, kEach);  // resident, not just reserved
            [[maybe_unused]] auto n = ::write(ready[1], "x", 1);
            ::close(ready[1]);
            char byte;
            [[maybe_unused]] auto m = ::read(go[0], &byte, 1);  // until the parent lets go
            ::_exit(0);
        }
        children.push_back(pid);
    }
    ::close(ready[1]);
    ::close(go[0]);
    int holding = 0;
    char byte;
    while (::read(ready[0], &byte, 1) == 1)  // end of file: every child wrote, or died
        ++holding;
    ::close(ready[0]);
    ::close(go[1]);
    int killed = 0;
    for (pid_t pid : children) {
        int status = 0;
        ASSERT_EQ(::waitpid(pid, &status, 0), pid);
        killed += WIFSIGNALED(status) ? 1 : 0;
    }
    EXPECT_GT(killed, 0) << holding << " processes held " << (kEach >> 20)
                         << " MiB each and none was stopped";
}
