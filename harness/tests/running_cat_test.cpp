// Tests for harness::RunningCat: a cat child returned only once its exec is complete.
#include <gtest/gtest.h>
#include <signal.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "course/file.hpp"
#include "harness/testsupport.hpp"

namespace {

// /proc/PID/FILE of @p pid, whole.
std::string proc_file(pid_t pid, const std::string& file) {
    return course::read_file("/proc/" + std::to_string(pid) + "/" + file);
}

// Tests that the new program's name, command line and environment are all in /proc as soon
// as start() returns: what the close-on-exec pipe it replaces could not promise.
TEST(RunningCatTest, ProcShowsTheNewProgramAtOnce) {
    harness::RunningCat cat = harness::RunningCat::start({"/bin/cat", "-"}, {{"ONLY=this"}});
    EXPECT_EQ(proc_file(cat.pid(), "comm"), "cat\n");
    EXPECT_EQ(proc_file(cat.pid(), "cmdline"), std::string("/bin/cat\0-\0", 11));
    EXPECT_EQ(proc_file(cat.pid(), "environ"), std::string("ONLY=this\0", 10));
    EXPECT_EXITED_WITH(cat.finish(), 0);
}

// Tests that without an environment the child gets the test's own.
TEST(RunningCatTest, InheritsTheEnvironmentByDefault) {
    harness::RunningCat cat = harness::RunningCat::start({"/bin/cat"});
    EXPECT_EQ(proc_file(cat.pid(), "environ"), proc_file(::getpid(), "environ"));
    EXPECT_EXITED_WITH(cat.finish(), 0);
}

// Tests that a program that cannot run is an error naming it and how the child ended.
TEST(RunningCatTest, MissingProgramIsNamed) {
    try {
        harness::RunningCat::start({"/no/such/cat"});
        ADD_FAILURE() << "start() returned for a program that does not exist";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()),
                  "/no/such/cat did not start as cat: the child exited with code 127 (raw "
                  "status 32512)");
    }
}

// Tests that a program that exits without echoing (true ignores its input) is refused too.
TEST(RunningCatTest, ProgramThatDoesNotEchoIsRefused) {
    EXPECT_THROW(harness::RunningCat::start({"/bin/true"}), std::runtime_error);
}

// Tests that child() gives the child to signal: killed, it reaps as killed.
TEST(RunningCatTest, ChildCanBeKilled) {
    harness::RunningCat cat = harness::RunningCat::start({"/bin/cat"});
    cat.child().kill(SIGKILL);
    EXPECT_KILLED_BY(cat.child().wait(), SIGKILL);
}

}  // namespace
