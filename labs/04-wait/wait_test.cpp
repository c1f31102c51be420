// Lab 04's tests: decoding statuses, wait, try_wait, wait_for, and zombies.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <iomanip>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "course/file.hpp"
#include "course/sys.hpp"
#include "harness/testsupport.hpp"
#include "wait.hpp"

namespace {

using namespace std::chrono_literals;
using proc::Child;
using proc::ExitStatus;
using proc::Redirect;
using proc::SpawnOptions;

const char* kLesson = "04-wait-and-zombies.md";

// A child held until the test closes its stdin: cat reading a pipe, writing nowhere.
Child held_cat() {
    SpawnOptions options;
    options.in = Redirect::pipe();
    options.out = Redirect::null();
    return proc::spawn("/bin/cat", {"cat"}, {}, options);
}

// Sends @p sig to @p child's process and to nothing else: a Child without a process (pid -1,
// or 0 from a spawn gone wrong) would make kill() signal every process the test may reach,
// or its whole group.
::testing::AssertionResult signalled(const Child& child, int sig) {
    if (child.pid() <= 0) {
        return ::testing::AssertionFailure() << "spawn returned a Child without a process (pid "
                                             << child.pid() << "): there is nothing to signal";
    }
    if (::kill(child.pid(), sig) != 0)
        return ::testing::AssertionFailure() << "kill: " << std::strerror(errno);
    return ::testing::AssertionSuccess();
}

// Blocks until @p child has ended but leaves it unreaped (a zombie): waitid with WNOWAIT.
void block_until_ended(const Child& child) {
    siginfo_t info{};
    course::retry_on_eintr("waitid",
                           [&] { return ::waitid(P_PID, child.pid(), &info, WEXITED | WNOWAIT); });
}

// The state letter of /proc/PID/stat ('Z' for a zombie); the name may hold ')'.
char state_of(pid_t pid) {
    std::string stat = course::read_file("/proc/" + std::to_string(pid) + "/stat");
    return stat.at(stat.rfind(')') + 2);
}

// Expects @p call to throw std::system_error with ECHILD whose message names waitpid.
template <typename Call>
void expect_echild(Call call, const char* what) {
    try {
        call();
        ADD_FAILURE() << "Expected " << what
                      << " to throw std::system_error (ECHILD), but it returned; "
                      << harness::see_lesson(kLesson, "reaping");
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code().value(), ECHILD) << "got: " << e.what();
        EXPECT_NE(std::string(e.what()).find("waitpid"), std::string::npos)
            << "the message should name waitpid, but it is: " << e.what();
    }
}

// ----- Task 1: decoding a raw status ---------------------------------------------------

// Tests raw status 0: exited with code 0, a success.
TEST(ExitStatusTest, ZeroIsExitedWithZero) {
    ExitStatus status(0);
    EXPECT_EQ(status.exit_code(), 0);
    EXPECT_TRUE(status.success());
    EXPECT_FALSE(status.term_signal().has_value());
    EXPECT_EQ(status.to_string(), "exited with code 0 (raw status 0)")
        << harness::see_lesson(kLesson, "decoding-the-raw-status");
}

// Tests the notes' 256: false exited with code 1 (the code sits in the second byte).
TEST(ExitStatusTest, TwoFiftySixIsExitedWithOne) {
    ExitStatus status(256);
    EXPECT_EQ(status.exit_code(), 1)
        << "256 = 1 << 8: " << harness::see_lesson(kLesson, "decoding-the-raw-status");
    EXPECT_FALSE(status.success());
    EXPECT_FALSE(status.term_signal().has_value());
    EXPECT_EQ(status.to_string(), "exited with code 1 (raw status 256)");
}

// Tests raw status 9: killed by SIGKILL, no exit code.
TEST(ExitStatusTest, NineIsKilledBySigkill) {
    ExitStatus status(9);
    EXPECT_FALSE(status.exit_code().has_value());
    EXPECT_EQ(status.term_signal(), SIGKILL);
    EXPECT_FALSE(status.core_dumped());
    EXPECT_EQ(status.to_string(), "killed by SIGKILL (raw status 9)")
        << harness::see_lesson(kLesson, "decoding-the-raw-status");
}

// Tests raw status 139 = 128 + 11: SIGSEGV with the core-dump bit.
TEST(ExitStatusTest, OneThirtyNineIsSegfaultWithCore) {
    ExitStatus status(139);
    EXPECT_EQ(status.term_signal(), SIGSEGV);
    EXPECT_TRUE(status.core_dumped());
    EXPECT_EQ(status.to_string(), "killed by SIGSEGV, core dumped (raw status 139)");
}

// Tests raw status 0x137f: stopped by SIGSTOP (19), not ended.
TEST(ExitStatusTest, StoppedBySigstop) {
    ExitStatus status(0x137f);
    EXPECT_EQ(status.stop_signal(), SIGSTOP);
    EXPECT_FALSE(status.exit_code().has_value());
    EXPECT_FALSE(status.term_signal().has_value());
    EXPECT_EQ(status.to_string(), "stopped by SIGSTOP (raw status 4991)");
}

// Tests raw status 0xffff: continued.
TEST(ExitStatusTest, ContinuedIsFfff) {
    ExitStatus status(0xffff);
    EXPECT_TRUE(status.continued());
    EXPECT_FALSE(status.exit_code().has_value());
    EXPECT_EQ(status.to_string(), "continued (raw status 65535)");
}

// Tests shell_code: exit codes as they are, signal N as 128 + N.
TEST(ExitStatusTest, ShellCodes) {
    EXPECT_EQ(ExitStatus(0).shell_code(), 0);
    EXPECT_EQ(ExitStatus(256).shell_code(), 1);
    EXPECT_EQ(ExitStatus(134 << 8).shell_code(), 134) << "a program may exit 134 itself";
    EXPECT_EQ(ExitStatus(SIGKILL).shell_code(), 137);
    EXPECT_EQ(ExitStatus(SIGTERM).shell_code(), 143);
    EXPECT_EQ(ExitStatus(0x80 | SIGABRT).shell_code(), 134);
}

// Tests that decoding agrees with the <sys/wait.h> macros on many raw values.
TEST(ExitStatusTest, AgreesWithWaitMacros) {
    std::vector<int> raws = {0, 1 << 8, 42 << 8, 255 << 8, 0x80 | SIGABRT, 0x137f, 0x147f, 0xffff};
    for (int sig = 1; sig < 32; ++sig)
        raws.push_back(sig);
    for (int raw : raws) {
        SCOPED_TRACE("raw status " + std::to_string(raw));
        ExitStatus status(raw);
        EXPECT_EQ(status.exit_code().has_value(), WIFEXITED(raw));
        if (WIFEXITED(raw)) {
            EXPECT_EQ(*status.exit_code(), WEXITSTATUS(raw));
        }
        EXPECT_EQ(status.term_signal().has_value(), WIFSIGNALED(raw));
        if (WIFSIGNALED(raw)) {
            EXPECT_EQ(*status.term_signal(), WTERMSIG(raw));
        }
        EXPECT_EQ(status.core_dumped(), WIFSIGNALED(raw) && WCOREDUMP(raw));
        EXPECT_EQ(status.stop_signal().has_value(), WIFSTOPPED(raw));
        EXPECT_EQ(status.continued(), WIFCONTINUED(raw));
        EXPECT_EQ(status.raw(), raw);
    }
}

// Tests signal names: the shell's spelling, or "signal N" for real-time signals.
TEST(ExitStatusTest, SignalNames) {
    EXPECT_EQ(proc::signal_name(SIGKILL), "SIGKILL");
    EXPECT_EQ(proc::signal_name(SIGTERM), "SIGTERM");
    EXPECT_EQ(proc::signal_name(SIGRTMIN + 6), "signal " + std::to_string(SIGRTMIN + 6));
    EXPECT_EQ(ExitStatus(SIGRTMIN + 6).to_string(),
              "killed by signal " + std::to_string(SIGRTMIN + 6) + " (raw status " +
                  std::to_string(SIGRTMIN + 6) + ")");
}

// ----- Task 2: wait, and reaping zombies -------------------------------------------------

// Tests wait on true: exited with code 0, and the child is marked reaped.
TEST(WaitTest, TrueExitsWithZero) {
    Child child = proc::spawn("/bin/true", {"true"}, {});
    ExitStatus status = proc::wait(child);
    EXPECT_EXITED_WITH(status.raw(), 0);
    EXPECT_TRUE(child.reaped()) << "wait must mark the Child reaped (Child::mark_reaped); "
                                << harness::see_lesson(kLesson, "reaping");
}

// Tests wait on false: raw status 256, as in the notes.
TEST(WaitTest, FalseGivesRawStatus256) {
    Child child = proc::spawn("/bin/false", {"false"}, {});
    ExitStatus status = proc::wait(child);
    EXPECT_EQ(status.raw(), 256) << harness::see_lesson(kLesson, "decoding-the-raw-status");
    EXPECT_EQ(status.exit_code(), 1);
}

// Tests wait on a child killed by SIGKILL.
TEST(WaitTest, KilledBySigkill) {
    Child child = held_cat();
    ASSERT_TRUE(signalled(child, SIGKILL));
    ExitStatus status = proc::wait(child);
    EXPECT_KILLED_BY(status.raw(), SIGKILL);
    EXPECT_EQ(status.to_string(), "killed by SIGKILL (raw status 9)");
}

// Tests wait on a child that is still running: it blocks until the child ends.
TEST(WaitTest, BlocksUntilTheChildEnds) {
    SpawnOptions options;
    options.in = Redirect::pipe();
    Child child = proc::spawn("/bin/sh", {"sh", "-c", "read line; exit 7"}, {}, options);
    ASSERT_EQ(::write(child.in().get(), "go\n", 3), 3);
    EXPECT_EXITED_WITH(proc::wait(child).raw(), 7);
}

// Tests that waiting twice for one child is refused with ECHILD.
TEST(WaitTest, WaitingTwiceThrowsEchild) {
    Child child = proc::spawn("/bin/true", {"true"}, {});
    proc::wait(child);
    expect_echild([&] { proc::wait(child); }, "a second wait");
}

// Tests that waiting on an empty Child is refused (it must not become waitpid(-1)).
TEST(WaitTest, EmptyChildThrowsEchild) {
    Child other = held_cat();
    Child empty;
    expect_echild([&] { proc::wait(empty); }, "wait on an empty Child");
    EXPECT_FALSE(other.reaped());
    EXPECT_EQ(harness::children_of(::getpid()).size(), 1u)
        << "wait(empty) must not reap another child";
    other.in().reset();
    proc::wait(other);
}

volatile sig_atomic_t g_usr1_count = 0;
int g_release_fd = -1;

// Counts SIGUSR1 and closes the held child's stdin, which lets it finish.
extern "C" void on_usr1(int) {
    g_usr1_count = g_usr1_count + 1;
    if (g_release_fd >= 0)
        ::close(g_release_fd);
    g_release_fd = -1;
}

// Tests that a signal handler without SA_RESTART interrupting waitpid does not make
// wait fail: the child signals the parent only once the parent sleeps in a wait
// (/proc/PPID/wchan reads do_wait), and ends only after the handler ran.
TEST(WaitTest, RetriesAfterEintr) {
    try {
        course::read_file("/proc/self/wchan");
    } catch (const std::system_error&) {
        GTEST_SKIP() << "this kernel has no /proc/PID/wchan (CONFIG_KALLSYMS is off)";
    }
    struct sigaction action {
    }, old{};
    action.sa_handler = on_usr1;
    ::sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: a blocked waitpid fails with EINTR
    ASSERT_EQ(::sigaction(SIGUSR1, &action, &old), 0);
    SpawnOptions options;
    options.in = Redirect::pipe();
    const char* script =
        "until read -r w < /proc/$PPID/wchan; [ \"$w\" = do_wait ]; do :; done;"
        " kill -USR1 $PPID; exec cat";
    Child child = proc::spawn("/bin/sh", {"sh", "-c", script}, {"PATH=/usr/bin:/bin"}, options);
    g_usr1_count = 0;
    g_release_fd = child.in().release();
    std::optional<ExitStatus> status;
    try {
        status = proc::wait(child);
    } catch (const std::system_error& e) {
        ADD_FAILURE() << "wait threw " << e.what() << ": retry waitpid after EINTR; "
                      << harness::see_lesson(kLesson, "signals-interrupt-waits");
    }
    if (g_release_fd >= 0)
        ::close(g_release_fd);
    g_release_fd = -1;
    ::sigaction(SIGUSR1, &old, nullptr);
    EXPECT_EQ(g_usr1_count, 1);
    if (status) {
        EXPECT_EXITED_WITH(status->raw(), 0);
    }
}

// Tests the zombie: a finished, unwaited child shows state Z, and wait makes it vanish.
TEST(ZombieTest, FinishedChildIsZombieUntilWaited) {
    Child child = proc::spawn("/bin/true", {"true"}, {});
    block_until_ended(child);
    EXPECT_EQ(state_of(child.pid()), 'Z') << "an ended child nobody waited for is a zombie; "
                                          << harness::see_lesson(kLesson, "zombies");
    EXPECT_EXITED_WITH(proc::wait(child).raw(), 0);
    EXPECT_TRUE(harness::children_of(::getpid()).empty())
        << "after wait the zombie must be gone; " << harness::see_lesson(kLesson, "reaping");
}

// Tests the notes' echo: its words arrive, it lingers as a zombie, wait reaps it.
TEST(ZombieTest, EchoFromTheNotes) {
    SpawnOptions options;
    options.out = Redirect::pipe();
    Child child = proc::spawn("/usr/bin/echo", {"echo", "Hello", "world!", "👋"}, {}, options);
    std::string text;
    char buffer[256];
    ssize_t n;
    while ((n = ::read(child.out().get(), buffer, sizeof buffer)) > 0)
        text.append(buffer, n);
    EXPECT_EQ(text, "Hello world! 👋\n");
    block_until_ended(child);
    EXPECT_EQ(state_of(child.pid()), 'Z');
    EXPECT_EQ(proc::wait(child).raw(), 0);
    EXPECT_TRUE(harness::children_of(::getpid()).empty());
}

// ----- Task 3: try_wait (WNOHANG) ------------------------------------------------------

// Tests that try_wait says "not yet" for a child that cannot have ended.
TEST(TryWaitTest, NothingWhileTheChildIsHeld) {
    Child child = held_cat();
    auto status = proc::try_wait(child);
    EXPECT_FALSE(status.has_value())
        << "the child is blocked reading its stdin, so it cannot have ended, but "
        << "try_wait said " << status->to_string() << "; "
        << harness::see_lesson(kLesson, "wnohang-and-the-race-the-notes-won");
    EXPECT_FALSE(child.reaped());
    child.in().reset();
    EXPECT_EXITED_WITH(proc::wait(child).raw(), 0);
}

// Tests that try_wait reports and reaps a child that has ended (here false: 256).
TEST(TryWaitTest, ReportsAnEndedChild) {
    Child child = proc::spawn("/bin/false", {"false"}, {});
    block_until_ended(child);
    auto status = proc::try_wait(child);
    ASSERT_TRUE(status.has_value()) << "the child had ended: try_wait should reap it";
    EXPECT_EQ(status->raw(), 256);
    EXPECT_TRUE(child.reaped());
    EXPECT_TRUE(harness::children_of(::getpid()).empty());
}

// Tests a held child released: "not yet", then its real status once it has ended.
TEST(TryWaitTest, NotYetThenTheStatus) {
    SpawnOptions options;
    options.in = Redirect::pipe();
    Child child = proc::spawn("/bin/sh", {"sh", "-c", "read line; exit 3"}, {}, options);
    EXPECT_FALSE(proc::try_wait(child).has_value());
    child.in().reset();
    block_until_ended(child);
    auto status = proc::try_wait(child);
    ASSERT_TRUE(status.has_value());
    EXPECT_EXITED_WITH(status->raw(), 3);
}

// Tests that try_wait on a reaped child is refused with ECHILD.
TEST(TryWaitTest, ReapedChildThrowsEchild) {
    Child child = proc::spawn("/bin/true", {"true"}, {});
    proc::wait(child);
    expect_echild([&] { proc::try_wait(child); }, "try_wait after wait");
}

// ----- Task 4: wait_for (timeouts) -----------------------------------------------------

// Tests that wait_for gives up on a child that cannot end, leaving it unreaped.
TEST(WaitForTest, TimesOutWhileTheChildIsHeld) {
    Child child = held_cat();
    auto status = proc::wait_for(child, 50ms);
    EXPECT_FALSE(status.has_value()) << "the child is held, so wait_for(50ms) must time out; "
                                     << harness::see_lesson(kLesson, "waiting-with-a-timeout");
    EXPECT_FALSE(child.reaped());
    child.in().reset();
    EXPECT_EXITED_WITH(proc::wait(child).raw(), 0);
}

// Tests that wait_for returns as soon as the child ends (the timeout is an hour).
TEST(WaitForTest, ReturnsWhenTheChildEnds) {
    Child child = held_cat();
    child.in().reset();
    auto status = proc::wait_for(child, std::chrono::hours(1));
    ASSERT_TRUE(status.has_value());
    EXPECT_EXITED_WITH(status->raw(), 0);
    EXPECT_TRUE(child.reaped());
}

// Tests that wait_for reports a child killed by a signal.
TEST(WaitForTest, ReportsAKilledChild) {
    Child child = held_cat();
    ASSERT_TRUE(signalled(child, SIGKILL));
    auto status = proc::wait_for(child, std::chrono::hours(1));
    ASSERT_TRUE(status.has_value());
    EXPECT_KILLED_BY(status->raw(), SIGKILL);
}

// Tests that a zero timeout polls: nothing for a held child, the status for an ended one.
TEST(WaitForTest, ZeroTimeoutPolls) {
    Child child = held_cat();
    EXPECT_FALSE(proc::wait_for(child, 0ms).has_value());
    child.in().reset();
    block_until_ended(child);
    auto status = proc::wait_for(child, 0ms);
    ASSERT_TRUE(status.has_value());
    EXPECT_EXITED_WITH(status->raw(), 0);
}

// What the test process and its calling thread have used of the CPU so far.
struct CpuUse {
    double process = 0;  // seconds of CPU, every thread of the process (user and system)
    double thread = 0;   // seconds of CPU, the calling thread
    long sleeps = 0;     // times the calling thread gave the CPU up to wait
    // Seconds the calling thread was runnable (on a CPU, or queued for one), from
    // /proc/thread-self/schedstat; -1 where the kernel does not keep it.
    double runnable = -1;
};

double seconds_of(const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

double runnable_seconds() {
    unsigned long long on_cpu = 0, queued = 0;
    try {
        std::istringstream in(course::read_file("/proc/thread-self/schedstat"));
        if (!(in >> on_cpu >> queued) || on_cpu == 0)
            return -1;  // "0 0 0": scheduler statistics are off
    } catch (const std::system_error&) {
        return -1;  // a kernel without CONFIG_SCHED_INFO
    }
    return static_cast<double>(on_cpu + queued) / 1e9;
}

CpuUse cpu_use() {
    rusage process{}, thread{};
    course::check(::getrusage(RUSAGE_SELF, &process), "getrusage RUSAGE_SELF");
    course::check(::getrusage(RUSAGE_THREAD, &thread), "getrusage RUSAGE_THREAD");
    return {seconds_of(process.ru_utime) + seconds_of(process.ru_stime),
            seconds_of(thread.ru_utime) + seconds_of(thread.ru_stime), thread.ru_nvcsw,
            runnable_seconds()};
}

// Why a wait_for(@p timeout) for a held child, which took @p waited seconds and @p used the
// CPU so, is a spin; "" when it slept. Load on the machine cannot change the answer: it gives
// a loop less CPU, but keeps it runnable (queued for a CPU), never asleep; and a thread
// asleep in poll() sleeps for the whole timeout however busy the machine is (only waking
// up late). scripts/no-spin-check.sh proves the verdicts, idle and under load.
std::string spin_of(const CpuUse& used, double timeout, double waited) {
    std::ostringstream why;
    why << std::fixed << std::setprecision(2);
    double slept = waited - used.runnable;  // neither on a CPU nor queued for one
    double others = used.process - used.thread;
    if (used.sleeps == 0) {
        why << "its thread never slept";
    } else if (used.runnable >= 0 && slept < timeout / 2) {
        why << "its thread slept only " << std::max(slept, 0.0) << " s of that";
    } else if (used.runnable < 0 && used.thread > 0.02 * waited) {
        why << "its thread used " << used.thread << " s of CPU";  // no scheduler statistics
    } else if (others > 0.001) {
        why << "other threads used " << others << " s of CPU meanwhile";
    }
    return why.str();
}

// Tests that wait_for sleeps rather than spins while a held child keeps it waiting 300 ms:
// its thread must sleep (neither run nor wait for a CPU) at least half of that, and no other
// thread may spin meanwhile.
TEST(WaitForTest, SleepsInsteadOfSpinning) {
    Child child = held_cat();
    CpuUse before = cpu_use();
    auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(proc::wait_for(child, 300ms).has_value());
    double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CpuUse after = cpu_use();
    CpuUse used{after.process - before.process, after.thread - before.thread,
                after.sleeps - before.sleeps,
                before.runnable < 0 || after.runnable < 0 ? -1 : after.runnable - before.runnable};
    ::testing::Test::RecordProperty("wait_microseconds", static_cast<int>(waited * 1e6));
    ::testing::Test::RecordProperty("cpu_microseconds", static_cast<int>(used.process * 1e6));
    ::testing::Test::RecordProperty(
        "slept_microseconds",
        used.runnable < 0 ? -1 : static_cast<int>(std::max(0.0, waited - used.runnable) * 1e6));
    if (std::string spin = spin_of(used, 0.3, waited); !spin.empty()) {
        ADD_FAILURE() << std::fixed << std::setprecision(2) << "wait_for waited " << waited
                      << " s for a held child, and " << spin << ": it should sleep in poll() "
                      << "on a pidfd, not loop; "
                      << harness::see_lesson(kLesson, "waiting-with-a-timeout");
    }
    child.in().reset();
    proc::wait(child);
}

// Tests that wait_for on a reaped child is refused with ECHILD.
TEST(WaitForTest, ReapedChildThrowsEchild) {
    Child child = proc::spawn("/bin/true", {"true"}, {});
    proc::wait(child);
    expect_echild([&] { proc::wait_for(child, 10ms); }, "wait_for after wait");
}

}  // namespace
