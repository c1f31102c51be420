// Tests the sandbox's launcher (harness/grader/sandbox/launch.hpp): the plan it is given survives
// the trip whole, a broken plan is refused, the plan never shows on a command line, and
// without namespaces the launcher becomes the test instead of standing between.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "harness/testsupport.hpp"
#include "hsys/reap.hpp"
#include "hsys/temp_dir.hpp"
#include "outside_tmp.hpp"
#include "sandbox/launch.hpp"
#include "sandbox/launch_plan.hpp"
#include "sandbox/protections.hpp"
#include "sandbox/sandbox.hpp"

namespace {

using grader::launch::decode_plan;
using grader::launch::encode_plan;

// A plan whose every field differs from its default.
struct SamplePlan {
    char arg0[32] = "/bin/program", arg1[32] = "--gtest_filter=A.B";
    char* argv[3] = {arg0, arg1, nullptr};
    char var0[32] = "A=1", var1[32] = "EMPTY=";
    char* envp[3] = {var0, var1, nullptr};
    grader::ns::MountStep steps[3] = {{grader::ns::MountStep::hide, "/hidden/folder", false},
                                      {grader::ns::MountStep::show, "/hidden/folder/kept", true},
                                      {grader::ns::MountStep::show_writable, "/scratch", false}};
    int trees[3] = {-1, -1, -1};
    grader::Limits limits;
    grader::child::ChildPlan plan;

    SamplePlan() {
        limits.address_space = 123456789;
        limits.file_size = 987654;
        limits.max_processes = 77;
        limits.isolate = true;
        limits.process_cap = 99;
        limits.filter_kill = true;
        limits.drop_root = true;
        limits.nobody_only = true;
        plan.argv = argv;
        plan.envp = envp;
        plan.workdir = "/scratch";
        plan.cwd = "/scratch/sub";
        plan.filesystem = {steps, 3, trees, false, false};
        plan.limits = &limits;
        plan.output_fd = 11;
        plan.passed[0] = 12;
        plan.passed[1] = 13;
        plan.passed_count = 2;
        plan.sync_fd = 14;
        plan.report_fd = 15;
        plan.cgroup_fd = 16;
        plan.grader_ends[0] = 17;  // never sent: the launcher does not hold them
        plan.root = true;
        plan.isolated = true;
        plan.guarded = grader::grader_targets(100, 101, 102, 103);
    }
};

// Tests that every field the launcher needs comes back as it was sent.
TEST(LaunchPlanTest, EveryFieldSurvivesTheTrip) {
    SamplePlan sample;
    std::string error;
    auto decoded = decode_plan(encode_plan(sample.plan, 18), error);
    ASSERT_TRUE(decoded) << error;
    const auto& plan = decoded->plan;
    ASSERT_NE(plan.argv, nullptr);
    EXPECT_STREQ(plan.argv[0], "/bin/program");
    EXPECT_STREQ(plan.argv[1], "--gtest_filter=A.B");
    EXPECT_EQ(plan.argv[2], nullptr);
    EXPECT_STREQ(plan.envp[0], "A=1");
    EXPECT_STREQ(plan.envp[1], "EMPTY=");
    EXPECT_EQ(plan.envp[2], nullptr);
    EXPECT_STREQ(plan.workdir, "/scratch");
    EXPECT_STREQ(plan.cwd, "/scratch/sub");
    ASSERT_EQ(plan.filesystem.count, 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(plan.filesystem.steps[i].kind, sample.steps[i].kind) << i;
        EXPECT_STREQ(plan.filesystem.steps[i].path, sample.steps[i].path) << i;
        EXPECT_EQ(plan.filesystem.steps[i].is_file, sample.steps[i].is_file) << i;
        EXPECT_EQ(plan.filesystem.trees[i], -1) << i;
    }
    EXPECT_FALSE(plan.filesystem.devices);
    EXPECT_FALSE(plan.filesystem.proc);
    const grader::Limits& limits = *plan.limits;
    EXPECT_EQ(limits.address_space, 123456789u);
    EXPECT_EQ(limits.file_size, 987654u);
    EXPECT_EQ(limits.max_processes, 77u);
    EXPECT_TRUE(limits.isolate);
    EXPECT_EQ(limits.process_cap, 99);
    EXPECT_TRUE(limits.filter_kill);
    EXPECT_TRUE(limits.drop_root);
    EXPECT_TRUE(limits.nobody_only);
    EXPECT_EQ(plan.output_fd, 11);
    ASSERT_EQ(plan.passed_count, 2);
    EXPECT_EQ(plan.passed[0], 12);
    EXPECT_EQ(plan.passed[1], 13);
    EXPECT_EQ(plan.sync_fd, 14);
    EXPECT_EQ(plan.report_fd, 15);
    EXPECT_EQ(plan.cgroup_fd, 16);
    EXPECT_EQ(decoded->reply_fd, 18);
    for (int fd : plan.grader_ends)
        EXPECT_EQ(fd, -1);
    EXPECT_TRUE(plan.root);
    EXPECT_TRUE(plan.isolated);
    ASSERT_EQ(plan.guarded.count, sample.plan.guarded.count);
    for (int i = 0; i < plan.guarded.count; ++i)
        EXPECT_EQ(plan.guarded.targets[i], sample.plan.guarded.targets[i]) << i;
}

// Tests that a plan cut short, one with bytes after its end, and bytes that are no plan
// are refused with a reason.
TEST(LaunchPlanTest, ABrokenPlanIsRefused) {
    SamplePlan sample;
    std::string bytes = encode_plan(sample.plan, 18);
    for (const std::string& broken : {bytes.substr(0, bytes.size() - 1), bytes + "x",
                                      std::string("not a plan"), std::string()}) {
        std::string error;
        EXPECT_EQ(decode_plan(broken, error), nullptr) << broken.size() << " bytes";
        EXPECT_NE(error, "");
    }
    std::string error;
    EXPECT_NE(decode_plan(bytes, error), nullptr) << error;
}

class LaunchTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { hsys::become_subreaper(); }
    void TearDown() override {
        EXPECT_TRUE(harness::children_of(::getpid()).empty()) << "the sandbox left a process";
    }
    hsys::TempDir scratch_{"launch-test"};
};

// Tests that the launcher this build made is where the grader looks.
TEST_F(LaunchTest, TheLauncherIsFound) {
    EXPECT_EQ(::access(grader::launch::launcher_path().c_str(), X_OK), 0)
        << grader::launch::launcher_path();
}

// Tests that the sandbox's init, which every test may look at, does not show the plan on
// its command line: the view names the paths it hides.
TEST_F(LaunchTest, TheInitsCommandLineNamesNoHiddenPath) {
    std::string why_not;
    if (!grader::namespaces_work(why_not))
        GTEST_SKIP() << "no namespaces here: " << why_not;
    auto parent = harness_tests::folder_outside_private_tmp();
    if (parent.empty())
        GTEST_SKIP() << "no folder outside /tmp and /dev/shm to hide";
    hsys::TempDir folder(std::filesystem::path(parent), "launch-hidden");
    grader::Limits limits;
    limits.isolate = true;
    limits.drop_root = true;
    auto view = std::make_shared<grader::View>();
    view->hidden = {folder.path().string()};
    limits.view = view;
    auto run = grader::run_sandboxed({"/bin/sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline"},
                                     scratch_.path().string(), limits);
    ASSERT_EQ(run.sandbox_error, "");
    EXPECT_EQ(run.output.rfind("sandbox-launch ", 0), 0u) << run.output;
    EXPECT_EQ(run.output.find(folder.path().string()), std::string::npos) << run.output;
}

// Tests that without namespaces the launcher becomes the test: the test's parent is the
// grader, as when the grader forked it.
TEST_F(LaunchTest, WithoutNamespacesTheTestIsTheGradersChild) {
    grader::Limits limits;
    limits.drop_root = true;
    auto run =
        grader::run_sandboxed({"/bin/sh", "-c", "echo $PPID"}, scratch_.path().string(), limits);
    ASSERT_EQ(run.sandbox_error, "");
    EXPECT_EQ(run.output, std::to_string(::getpid()) + "\n");
}

}  // namespace
