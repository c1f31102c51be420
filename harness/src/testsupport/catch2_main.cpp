// The main() of every Catch2 lab's tests, for Catch2 v2 (Debian 12, Ubuntu 22.04) and v3
// (Debian 13, Ubuntu 24.04): Catch2's own session, plus the same check as
// harness_gtest_main after each test case, that it left no child process behind.
//
// The check runs when the test case's outermost section ends (once per run through the
// test case, so after every leaf SECTION too), before Catch2 totals the test case: the
// failure it records is an ordinary explicit failure, so it fails the test case, shows in
// the console and reaches the XML reporter's <TestCase> as a <Failure> element.
//
// It also takes `--list-test-names-only` (v2's flag, which the grader uses) with v3, which
// spells it `--list-tests --verbosity quiet`.
//
// testsupport.hpp brings GoogleTest's macros (FAIL, SUCCEED, ...); Catch2's are used here
// only with their CATCH_ prefix so that the two never clash.
#define CATCH_CONFIG_RUNNER
#define CATCH_CONFIG_PREFIX_ALL
#include <stdlib.h>
#include <unistd.h>

#if __has_include(<catch2/catch_session.hpp>)
#include <catch2/catch_session.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/reporters/catch_reporter_event_listener.hpp>
#include <catch2/reporters/catch_reporter_registrars.hpp>
#define HARNESS_CATCH2_V3 1
#else
#include <catch2/catch.hpp>
#endif
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

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

#ifdef HARNESS_CATCH2_V3
using ListenerBase = Catch::EventListenerBase;
#else
using ListenerBase = Catch::TestEventListenerBase;
#endif

class ChildLeakCheck : public ListenerBase {
  public:
    using ListenerBase::ListenerBase;

    void testCaseStarting(Catch::TestCaseInfo const& info) override {
        in_test_case = true;
        ListenerBase::testCaseStarting(info);
    }

    void testCaseEnded(Catch::TestCaseStats const& stats) override {
        in_test_case = false;
        ListenerBase::testCaseEnded(stats);
    }

    void sectionStarting(Catch::SectionInfo const& info) override {
        ++depth_;
        ListenerBase::sectionStarting(info);
    }

    // Depth 0 again: the test case's own section ended, its totals not yet counted.
    void sectionEnded(Catch::SectionStats const& stats) override {
        ListenerBase::sectionEnded(stats);
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

namespace {

// The command line as this Catch2 version spells it: v3 lists names only with
// `--list-tests --verbosity quiet`, where v2 had `--list-test-names-only`.
std::vector<char*> catch2_arguments(int argc, char** argv) {
    std::vector<char*> args(argv, argv + argc);
#ifdef HARNESS_CATCH2_V3
    static char list[] = "--list-tests", verbosity[] = "--verbosity", quiet[] = "quiet";
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (std::strcmp(args[i], "--list-test-names-only") == 0) {
            args[i] = list;
            args.insert(args.begin() + static_cast<long>(i) + 1, {verbosity, quiet});
            break;
        }
    }
#endif
    args.push_back(nullptr);
    return args;
}

}  // namespace

int main(int argc, char** argv) {
    harness::report_resource_events();     // out of memory, out of processes: told to the grader
    ::on_exit(exit_during_test, nullptr);  // glibc: like atexit, but is given the status
    auto args = catch2_arguments(argc, argv);
    return Catch::Session().run(static_cast<int>(args.size()) - 1, args.data());
}
