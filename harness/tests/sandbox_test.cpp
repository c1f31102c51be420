// Tests the sandbox itself (harness/grader/sandbox.cpp) with harmless probes: the PID
// namespace, the read-only filesystem, the user a test runs as, the seccomp filter, the
// deadline. The hostile suite (harness/tests/hostile/) then attacks it for real.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "harness/testsupport.hpp"
#include "hsys/temp_dir.hpp"
#include "protections.hpp"
#include "sandbox.hpp"

namespace {

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

}  // namespace
