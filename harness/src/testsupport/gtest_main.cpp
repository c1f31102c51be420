// The main() of every lab's tests: GoogleTest plus a check, after each test, that the
// test left no child process behind.
#include <gtest/gtest.h>

#include <sstream>

#include "harness/resource_events.hpp"
#include "harness/testsupport.hpp"

namespace {

// After each test: any child still here is a leak. Kill and reap it (so the next test
// starts clean) and fail the test that leaked it, naming what was left.
class ChildLeakCheck : public ::testing::EmptyTestEventListener {
    void OnTestEnd(const ::testing::TestInfo&) override {
        auto left = harness::kill_and_reap_children();
        if (left.empty())
            return;
        std::ostringstream message;
        message << "This test left " << left.size() << " child process"
                << (left.size() == 1 ? "" : "es") << " behind:";
        for (const auto& child : left) {
            message << " " << child.pid << " (" << child.name << ", "
                    << (child.state == 'Z' ? "zombie: never waited for" : "still running") << ")";
        }
        message << ". Every child a test starts must be waited for "
                << "(see lessons/04-wait-and-zombies.md#reaping).";
        ADD_FAILURE() << message.str();
    }
};

}  // namespace

int main(int argc, char** argv) {
    harness::report_resource_events();  // out of memory, out of processes: told to the grader
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::UnitTest::GetInstance()->listeners().Append(new ChildLeakCheck);
    return RUN_ALL_TESTS();
}
