// The main() of every Catch2 lab's tests, for Catch2 v2 (Debian 12, Ubuntu 22.04) and v3
// (Debian 13, Ubuntu 24.04): Catch2's own session, with what harness_gtest_main adds to
// GoogleTest:
//
//  - after each test case, the checks that it left no child process behind and no
//    descriptor open, each recorded as an ordinary explicit failure of the test case
//    (when the test case's outermost section ends, before Catch2 totals the test case;
//    not after a stub's todo());
//  - under the grader, the result channel (harness/result_channel.hpp): the secret taken
//    (by channel_writer, from .preinit_array) before any lab code runs, each test case's
//    begin and result, the
//    run's canary (a test case that must fail, registered here and run last), and the end
//    record, after which the program ends at once.
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
#include <catch2/catch_assertion_result.hpp>
#include <catch2/catch_session.hpp>
#include <catch2/catch_test_case_info.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/interfaces/catch_interfaces_reporter.hpp>
#include <catch2/reporters/catch_reporter_event_listener.hpp>
#include <catch2/reporters/catch_reporter_registrars.hpp>
#define HARNESS_CATCH2_V3 1
#else
#include <catch2/catch.hpp>
#endif
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "catch_guard.hpp"
#include "channel_writer.hpp"
#include "course/todo.hpp"
#include "harness/resource_events.hpp"
#include "harness/testsupport.hpp"
#include "process_timeline.hpp"
#include "timeline_stand_ins.hpp"

namespace {

using harness::channel::kCanaryWords;
using harness::channel::kMessageCap;
using harness::channel::Outcome;

// This run's canary test case, "CourseCanary.MustFail_<random>" (under the grader only; the
// name is this process's own secret).
const std::string& canary_test_name() {
    static const std::string name =
        harness::channel::canary_suite() + "." + harness::channel::canary_test();
    return name;
}

// True while a test case runs: exit() then must end the process at once (see main).
bool in_test_case = false;

// True once an assertion of the running test case failed: Catch2 throws its
// TestFailureException only then (catch_guard.hpp checks every catch of one).
bool assertion_failed = false;

// Catch2's TestFailureException caught with no failed assertion before it is lab code's,
// thrown to end a test case quietly.
const char* refuse_catch2_exceptions(const char* name) {
    std::string_view type = name;
    if (type.find("20TestFailureException") != std::string_view::npos && !assertion_failed) {
        return "Catch2's TestFailureException was caught with no failed assertion before it "
               "(lab code threw it, to end a test case quietly)";
    }
    return nullptr;
}

// True when every graded test case passed (or skipped) and the canary failed as it must.
bool all_good = true;
bool canary_seen = false;

// exit() called by the code under test: Catch2 v2's static objects cannot be destroyed in
// the middle of a run (the process would die of SIGSEGV and be graded as a crash), so end
// here with the code exit() was given, as GoogleTest's main would have. No end record is
// sent: the grader sees a premature exit.
void exit_during_test(int status, void*) {
    if (!in_test_case)
        return;
    std::fflush(nullptr);
    ::_exit(status);
}

// One failed assertion in the console reporter's words: where, what, and the INFO
// messages in scope.
std::string describe_failure(const Catch::AssertionStats& stats) {
    const auto& result = stats.assertionResult;
    auto where = result.getSourceInfo();
    std::string text = std::string(where.file) + ":" + std::to_string(where.line);
    std::string message = static_cast<std::string>(result.getMessage());
    switch (result.getResultType()) {
        case Catch::ResultWas::ThrewException:
            text += result.hasExpression()
                        ? "\n  " + result.getExpressionInMacro() +
                              "\ndue to unexpected exception with message:\n  " + message
                        : "\nunexpected exception with message:\n  " + message;
            break;
        case Catch::ResultWas::FatalErrorCondition:
            text += "\nfatal error condition: " + message;
            break;
        default:
            if (result.hasExpression()) {
                text += "\n  " + result.getExpressionInMacro() + "\nwith expansion:\n  " +
                        result.getExpandedExpression();
            } else {  // FAIL(...), FAIL_CHECK(...), the leak check
                text += "\n  " + message;
            }
    }
    if (!stats.infoMessages.empty()) {
        text += "\nwith messages:";
        for (const auto& info : stats.infoMessages)
            text += "\n  " + info.message;
    }
    return text;
}

#ifdef HARNESS_CATCH2_V3
using ListenerBase = Catch::EventListenerBase;
#define HARNESS_ASSERTION_ENDED void assertionEnded
#define HARNESS_ASSERTION_DONE return
#else
using ListenerBase = Catch::TestEventListenerBase;
#define HARNESS_ASSERTION_ENDED bool assertionEnded
#define HARNESS_ASSERTION_DONE return false
#endif

// The leak check after each run through a test case, and each test case's begin and
// result on the channel (when the grader opened one).
class CourseListener : public ListenerBase {
  public:
    using ListenerBase::ListenerBase;

    void testCaseStarting(Catch::TestCaseInfo const& info) override {
        in_test_case = true;
        assertion_failed = false;
        failed_ = false;
        canary_failure_seen_ = false;
        todo_reached_ = false;
        skip_.clear();
        message_.clear();
        name_ = info.name;
        if (harness::channel::active() && name_ != canary_test_name())
            harness::channel::send_begin(name_);
        ListenerBase::testCaseStarting(info);
    }

    HARNESS_ASSERTION_ENDED(Catch::AssertionStats const& stats) override {
        const auto& result = stats.assertionResult;
#ifdef HARNESS_CATCH2_V3
        if (result.getResultType() == Catch::ResultWas::ExplicitSkip) {
            skip_ = static_cast<std::string>(result.getMessage());
            HARNESS_ASSERTION_DONE;
        }
#endif
        if (result.isOk())
            HARNESS_ASSERTION_DONE;
        failed_ = true;
        assertion_failed = true;
        std::string text = static_cast<std::string>(result.getMessage());
        canary_failure_seen_ = canary_failure_seen_ || text.find(kCanaryWords) != std::string::npos;
        todo_reached_ =
            todo_reached_ || text.find(course::kNotImplementedWords) != std::string::npos;
        if (message_.size() < kMessageCap) {
            if (!message_.empty())
                message_ += "\n";
            message_ += describe_failure(stats);
            if (message_.size() > kMessageCap)
                message_.resize(kMessageCap);
        }
        HARNESS_ASSERTION_DONE;
    }

    void sectionStarting(Catch::SectionInfo const& info) override {
        if (depth_++ == 0) {
            descriptors_before_ = harness::open_descriptors();
            harness::timeline::begin_test();
        }
        ListenerBase::sectionStarting(info);
    }

    // Depth 0 again: the test case's own section ended, its totals not yet counted.
    void sectionEnded(Catch::SectionStats const& stats) override {
        ListenerBase::sectionEnded(stats);
        if (--depth_ != 0)
            return;
        harness::timeline::end_test();  // before the leak checks kill and close what it left
        // A test a stub's todo() cut short could not wait for its children: no leak report.
        std::string message = harness::leaked_children_message(harness::kill_and_reap_children());
        if (!message.empty() && !todo_reached_)
            CATCH_FAIL_CHECK(message);
        message =
            harness::leaked_descriptors_message(descriptors_before_, harness::open_descriptors());
        if (!message.empty() && !todo_reached_)
            CATCH_FAIL_CHECK(message);
    }

    void testCaseEnded(Catch::TestCaseStats const& stats) override {
        in_test_case = false;
        ListenerBase::testCaseEnded(stats);
        if (!harness::channel::active())
            return;
        if (name_ == canary_test_name()) {
            bool failed = failed_ && canary_failure_seen_;
            canary_seen = true;
            all_good = all_good && failed;
            harness::channel::send_canary(failed);
            return;
        }
        Outcome outcome = failed_ ? Outcome::fail : !skip_.empty() ? Outcome::skip : Outcome::pass;
        all_good = all_good && outcome != Outcome::fail;
        harness::channel::send_result(
            name_, outcome, outcome == Outcome::skip ? skip_ : message_,
            outcome == Outcome::fail ? harness::timeline::describe() : std::string());
    }

  private:
    int depth_ = 0;
    std::vector<harness::OpenDescriptor> descriptors_before_;
    bool failed_ = false;
    bool canary_failure_seen_ = false;
    bool todo_reached_ = false;
    std::string name_;
    std::string skip_;
    std::string message_;
};

}  // namespace

CATCH_REGISTER_LISTENER(CourseListener)

namespace {

// A test case that must fail: if it passes, something swallows failures in this process.
void canary_body() {
    CATCH_FAIL_CHECK(kCanaryWords);
}

// Registers the canary last, so that `--order decl` runs it after the graded test case.
void register_canary() {
    static const Catch::AutoReg registration(Catch::makeTestInvoker(&canary_body),
                                             CATCH_INTERNAL_LINEINFO, Catch::StringRef(),
                                             Catch::NameAndTags{canary_test_name().c_str()});
}

// The command line as this Catch2 version spells it: v3 lists names only with
// `--list-tests --verbosity quiet`, where v2 had `--list-test-names-only`. Under the grader
// the canary joins the test spec the grader gave first (the grader names only the graded
// test case: the canary's name is this process's own).
std::vector<char*> catch2_arguments(int argc, char** argv) {
    std::vector<char*> args(argv, argv + argc);
    static std::string spec;
    if (harness::channel::active() && args.size() > 1 && args[1][0] != '-') {
        spec = std::string(args[1]) + "," + canary_test_name();
        args[1] = spec.data();
    }
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
    harness::catch_guard::refused_exception = &refuse_catch2_exceptions;
    harness::timeline::install();
    harness::report_resource_events();     // out of memory, out of processes: told to the grader
    ::on_exit(exit_during_test, nullptr);  // glibc: like atexit, but is given the status
    if (harness::channel::active())
        register_canary();
    auto args = catch2_arguments(argc, argv);
    int status = Catch::Session().run(static_cast<int>(args.size()) - 1, args.data());
    if (!harness::channel::active())
        return status;
    harness::channel::end_run(all_good && canary_seen);  // the end record, then _exit
}
