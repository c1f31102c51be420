// The main() of every lab's tests: GoogleTest plus checks, after each test, that the
// test left no child process behind and no descriptor open; and, under the grader, the
// result channel: each test's begin and result, a canary that must fail, and the run's
// end, sealed with the grader's secret (harness/result_channel.hpp, channel_writer.hpp).
#include <gtest/gtest.h>

#include <cstring>

#include "catch_guard.hpp"
#include "channel_writer.hpp"
#include "course/todo.hpp"
#include "harness/resource_events.hpp"
#include "harness/testsupport.hpp"
#include "process_timeline.hpp"
#include "timeline_stand_ins.hpp"

namespace {

// True when @p info's test failed by reaching a stub's todo(): it was cut short.
bool reached_a_todo(const ::testing::TestInfo& info) {
    const auto* result = info.result();
    for (int i = 0; i < result->total_part_count(); ++i) {
        if (std::string(result->GetTestPartResult(i).message())
                .find(course::kNotImplementedWords) != std::string::npos)
            return true;
    }
    return false;
}

// After each test: any child still here is a leak. Kill and reap it (so the next test
// starts clean) and fail the test that leaked it, naming what was left; unless a stub's
// todo() cut the test short, before it could wait for its children.
class ChildLeakCheck : public ::testing::EmptyTestEventListener {
    void OnTestEnd(const ::testing::TestInfo& info) override {
        std::string message = harness::leaked_children_message(harness::kill_and_reap_children());
        if (!message.empty() && !reached_a_todo(info))
            ADD_FAILURE() << message;
    }
};

// After each test: a descriptor it opened and did not close is a leak (a process that
// leaks one per call runs out of descriptors). Fails the test, naming what each refers to.
class DescriptorLeakCheck : public ::testing::EmptyTestEventListener {
    void OnTestStart(const ::testing::TestInfo&) override { before_ = harness::open_descriptors(); }
    void OnTestEnd(const ::testing::TestInfo& info) override {
        std::string message =
            harness::leaked_descriptors_message(before_, harness::open_descriptors());
        if (!message.empty() && !reached_a_todo(info))
            ADD_FAILURE() << message;
    }
    std::vector<harness::OpenDescriptor> before_;
};

// Around each test: the timeline of its processes (process_timeline.hpp), frozen at its end
// before the leak checks kill and close what it left. Appended last: its OnTestEnd runs first.
class ProcessTimeline : public ::testing::EmptyTestEventListener {
    void OnTestStart(const ::testing::TestInfo&) override { harness::timeline::begin_test(); }
    void OnTestEnd(const ::testing::TestInfo&) override { harness::timeline::end_test(); }
};

using harness::channel::kCanaryWords;
using harness::channel::kMessageCap;
using harness::channel::Outcome;

// The canary: a test that must fail. If it passes, something swallows failures in this
// process. Registered under the run's random name, known to this process only.
const ::testing::TestInfo* register_canary() {
    return ::testing::RegisterTest(harness::channel::canary_suite().c_str(),
                                   harness::channel::canary_test().c_str(), nullptr, nullptr,
                                   __FILE__, __LINE__, []() -> ::testing::Test* {
                                       struct Canary : ::testing::Test {
                                           void TestBody() override {
                                               ADD_FAILURE() << kCanaryWords;
                                           }
                                       };
                                       return new Canary;
                                   });
}

// Sends each test's begin and result to the grader. Appended first, so that its OnTestEnd
// runs last, after the leak check has added its failure.
class ResultChannel : public ::testing::EmptyTestEventListener {
  public:
    explicit ResultChannel(const ::testing::TestInfo* canary) : canary_(canary) {}

    // True when every graded test passed (or skipped) and the canary failed as it must.
    bool all_good() const { return all_good_ && canary_seen_; }

  private:
    void OnTestStart(const ::testing::TestInfo& info) override {
        message_.clear();
        canary_part_seen_ = false;
        if (&info != canary_)
            harness::channel::send_begin(full_name(info));
    }
    void OnTestPartResult(const ::testing::TestPartResult& part) override {
        if (part.passed())
            return;
        if (part.failed() && std::strstr(part.message(), kCanaryWords) != nullptr)
            canary_part_seen_ = true;
        if (message_.size() >= kMessageCap)
            return;
        if (!message_.empty())
            message_ += "\n";
        if (part.failed()) {
            message_ += part.file_name() ? part.file_name() : "unknown file";
            if (part.line_number() >= 0)
                message_ += ":" + std::to_string(part.line_number());
            message_ += "\n";
        }
        std::string text = part.message();
        // GoogleTest 1.16 ends messages with a newline, 1.12 does not: read them alike.
        while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
            text.pop_back();
        message_ += text;
        if (message_.size() > kMessageCap)
            message_.resize(kMessageCap);
    }
    void OnTestEnd(const ::testing::TestInfo& info) override {
        const auto* result = info.result();
        if (&info == canary_) {
            bool failed = result->Failed() && canary_part_seen_;
            canary_seen_ = true;
            all_good_ = all_good_ && failed;
            harness::channel::send_canary(failed);
            return;
        }
        Outcome outcome = result->Skipped()  ? Outcome::skip
                          : result->Failed() ? Outcome::fail
                                             : Outcome::pass;
        all_good_ = all_good_ && outcome != Outcome::fail;
        harness::channel::send_result(
            full_name(info), outcome, message_,
            outcome == Outcome::fail ? harness::timeline::describe() : std::string());
    }
    static std::string full_name(const ::testing::TestInfo& info) {
        return std::string(info.test_suite_name()) + "." + info.name();
    }

    const ::testing::TestInfo* canary_;
    std::string message_;
    bool canary_part_seen_ = false;
    bool canary_seen_ = false;
    bool all_good_ = true;
};

// Adds the canary to the tests `--gtest_filter` selects (the grader names only the graded
// test: the canary's name is this process's own), after InitGoogleTest read the command
// line, which tests may compare with /proc/self/cmdline.
void select_the_canary_too() {
    std::string canary = harness::channel::canary_suite() + "." + harness::channel::canary_test();
#ifdef GTEST_FLAG_SET  // GoogleTest 1.12 and later
    GTEST_FLAG_SET(filter, GTEST_FLAG_GET(filter) + ":" + canary);
#else
    ::testing::GTEST_FLAG(filter) += ":" + canary;
#endif
}

// GoogleTest's own exceptions are thrown only with --gtest_throw_on_failure, which the
// grader never sets: one caught in a graded run is lab code's, passed off as GoogleTest's to
// end a test quietly (catch_guard.hpp).
const char* refuse_googletest_exceptions(const char* name) {
    std::string_view type = name;
    if (type.find("18AssertionException") != std::string_view::npos ||
        type.find("26GoogleTestFailureException") != std::string_view::npos) {
        return "GoogleTest's own AssertionException was caught, which no test of the course "
               "throws (lab code passed one off as it, to end a test quietly)";
    }
    return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
    harness::catch_guard::refused_exception = &refuse_googletest_exceptions;
    harness::timeline::install();
    harness::report_resource_events();  // out of memory, out of processes: told to the grader
    ::testing::InitGoogleTest(&argc, argv);
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    ResultChannel* channel = nullptr;
    if (harness::channel::active()) {
        select_the_canary_too();
        channel = new ResultChannel(register_canary());
        listeners.Append(channel);
    }
    listeners.Append(new ChildLeakCheck);
    listeners.Append(new DescriptorLeakCheck);
    listeners.Append(new ProcessTimeline);  // its OnTestEnd runs first
    int status = RUN_ALL_TESTS();
    if (channel == nullptr)
        return status;
    harness::channel::end_run(channel->all_good());  // the end record, then _exit
}
