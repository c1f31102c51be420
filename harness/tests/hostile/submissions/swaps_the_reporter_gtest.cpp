// Hostile submission (GoogleTest): the untouched stub, and a listener that swaps in a fake
// result reporter while the graded test runs and takes it out when that test ends, so
// that the graded test's failures are swallowed while the canary, run after it, still
// fails. Every framework name is split by a backslash-newline, past a line-by-line review.
// The inspection of the compiled code sees the references to GoogleTest's results
// (integrity), and the review of the spliced text notes them.
#include "stub.inc"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

namespace {

class Swallower : public ::test\
ing::EmptyTestEventListener {
    void OnTestStart(const ::test\
ing::TestInfo& info) override {
        if (std::string(info.test_suite_name()) != "CourseCanary")
            fake_ = new ::test\
ing::ScopedFakeTestPartResultReporter(::test\
ing::ScopedFakeTestPartResultReporter::INTERCEPT_ALL_THREADS,
                                      &swallowed_);
    }
    void OnTestEnd(const ::test\
ing::TestInfo&) override {
        delete fake_;
        fake_ = nullptr;
    }
    ::test\
ing::TestPartResultArray swallowed_;
    ::test\
ing::ScopedFakeTestPartResultReporter* fake_ = nullptr;
};

struct Installer {
    Installer() {
        ::test\
ing::UnitTest::GetInstance()
            ->listeners()
            .Append(new Swallower);
    }
} installer;

}  // namespace
