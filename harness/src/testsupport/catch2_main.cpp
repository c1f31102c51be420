// The main() of every Catch2 (v2) lab's tests: Catch2's own session, plus the same check
// as harness_gtest_main after each test case, that it left no child process behind.
//
// The check runs when the test case's outermost section ends (once per run through the
// test case, so after every leaf SECTION too), before Catch2 totals the test case: the
// failure it records is an ordinary explicit failure, so it fails the test case, shows in
// the console and reaches the XML reporter's <TestCase> as a <Failure> element.
//
// testsupport.hpp brings GoogleTest's macros (FAIL, SUCCEED, ...); Catch2's are used here
// only with their CATCH_ prefix so that the two never clash.
#define CATCH_CONFIG_RUNNER
#define CATCH_CONFIG_PREFIX_ALL
#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <sstream>

#include "harness/resource_events.hpp"
#include "harness/testsupport.hpp"

namespace {

// Kills and reaps what a test left; returns the failure message, or "" when it left nothing.
std::string leak_message() {
    auto left = harness::kill_and_reap_children();
    if (left.empty())
        return "";
    std::ostringstream message;
    message << "This test left " << left.size() << " child process"
            << (left.size() == 1 ? "" : "es") << " behind:";
    for (const auto& child : left) {
        message << " " << child.pid << " (" << child.name << ", "
                << (child.state == 'Z' ? "zombie: never waited for" : "still running") << ")";
    }
    message << ". Every child a test starts must be waited for "
            << "(see lessons/04-wait-and-zombies.md#reaping).";
    return message.str();
}

// True while a test case runs: exit() then must end the process at once (see main).
bool in_test_case = false;

// exit() called by the code under test: Catch2 v2's static objects cannot be destroyed in
// the middle of a run (the process would die of SIGSEGV and be graded as a crash), so end
// here with the code exit() was given, as GoogleTest's main would have.
void exit_during_test(int status, void*) {
    if (!in_test_case)
        return;
    std::fflush(nullptr);
    ::_exit(status);
}

class ChildLeakCheck : public Catch::TestEventListenerBase {
  public:
    using TestEventListenerBase::TestEventListenerBase;

    void testCaseStarting(Catch::TestCaseInfo const& info) override {
        in_test_case = true;
        TestEventListenerBase::testCaseStarting(info);
    }

    void testCaseEnded(Catch::TestCaseStats const& stats) override {
        in_test_case = false;
        TestEventListenerBase::testCaseEnded(stats);
    }

    void sectionStarting(Catch::SectionInfo const& info) override {
        ++depth_;
        TestEventListenerBase::sectionStarting(info);
    }

    // Depth 0 again: the test case's own section ended, its totals not yet counted.
    void sectionEnded(Catch::SectionStats const& stats) override {
        TestEventListenerBase::sectionEnded(stats);
        if (--depth_ != 0)
            return;
        std::string message = leak_message();
        if (!message.empty())
            CATCH_FAIL_CHECK(message);
    }

  private:
    int depth_ = 0;
};

}  // namespace

CATCH_REGISTER_LISTENER(ChildLeakCheck)

int main(int argc, char** argv) {
    harness::report_resource_events();     // out of memory, out of processes: told to the grader
    ::on_exit(exit_during_test, nullptr);  // glibc: like atexit, but is given the status
    return Catch::Session().run(argc, argv);
}
