// Tests the sandbox itself (harness/grader/sandbox.cpp) with harmless probes: the PID
// namespace, the read-only filesystem, the user a test runs as, the seccomp filter, the
// deadline. The hostile suite (harness/tests/hostile/) then attacks it for real.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "harness/testsupport.hpp"
#include "protections.hpp"
#include "sandbox.hpp"

namespace {

// A fresh scratch directory, removed at the end of the test.
class ScratchDir {
  public:
    ScratchDir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "sandbox-test-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr)
            throw std::runtime_error("mkdtemp");
        path_ = pattern;
    }
    ~ScratchDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

class SandboxTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { grader::become_subreaper(); }
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
        return grader::run_sandboxed({"/bin/sh", "-c", script}, scratch_.path(), limits_);
    }
    grader::Limits limits_;
    ScratchDir scratch_;
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

// Tests that a view hides a folder (empty) and a file (empty), and shows again, read-only,
// what lies inside a hidden folder. The folder is in the build tree: /tmp is private anyway.
TEST_F(SandboxTest, AViewHidesFoldersAndFilesAndShowsWhatItKeeps) {
    namespace fs = std::filesystem;
    std::string dir = COURSE_BINARY_DIR "/sandbox-view-XXXXXX";
    ASSERT_NE(::mkdtemp(dir.data()), nullptr);
    struct Remove {
        std::string dir;
        ~Remove() { fs::remove_all(dir); }
    } remove{dir};
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
