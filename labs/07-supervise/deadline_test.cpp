// Lab 07's tests, task 1: deadlines, SIGTERM then SIGKILL, to the whole process group.
// Children here can never finish on their own (they are held at pipes), so the deadline
// always passes; tests check WHICH signal ended them, never how long it took.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include "course/todo.hpp"
#include "deadline.hpp"
#include "harness/testsupport.hpp"
#include "test_children.hpp"

namespace {

using namespace std::chrono_literals;
using proc::Ending;

const char* kLesson = "07-forever-tasks.md";
const char* kSection = "deadlines-sigterm-then-sigkill";

// Long enough for any child that acts on SIGTERM at once: reached only by a wrong solution.
constexpr auto kGenerousGrace = 20s;

// Tests that a child that ends before its deadline is reported as finished, with its status.
TEST(DeadlineTest, ChildThatEndsInTimeFinishes) {
    auto child = lab07::fork_in_group([] { ::_exit(3); });
    auto result = proc::run_with_deadline(child, 20s, 20s);
    EXPECT_EQ(result.ending, Ending::finished)
        << "a child that exits at once ends before a 20 s deadline; "
        << harness::see_lesson(kLesson, kSection);
    EXPECT_EXITED_WITH(result.status.raw(), 3);
    EXPECT_TRUE(child.reaped()) << "run_with_deadline must reap the child";
}

// Tests that a child still running at the deadline gets SIGTERM, which by default ends it.
TEST(DeadlineTest, DefaultSigtermEndsChildAtDeadline) {
    auto hold = course::make_pipe();
    auto child = lab07::fork_in_group([&] { lab07::hold_forever(hold.read.get()); });
    auto result = proc::run_with_deadline(child, 10ms, kGenerousGrace);
    EXPECT_EQ(result.ending, Ending::terminated)
        << "a child held at a pipe outlives its deadline and SIGTERM ends it; "
        << harness::see_lesson(kLesson, kSection);
    EXPECT_KILLED_BY(result.status.raw(), SIGTERM);
}

// Tests that a child that catches SIGTERM gets to clean up: its last words arrive.
TEST(DeadlineTest, ChildHandlingSigtermCleansUp) {
    auto words = course::make_pipe();
    auto child = lab07::fork_in_group([&] {
        lab07::block_signal(SIGTERM);
        lab07::put(words.write.get(), "ready\n");
        lab07::clean_shutdown_on_term(words.write.get());
    });
    words.write.reset();
    ASSERT_EQ(lab07::get_line(words.read.get()), "ready");
    auto result = proc::run_with_deadline(child, 10ms, kGenerousGrace);
    EXPECT_EQ(lab07::get_line(words.read.get()), "cleaned up")
        << "the child must receive SIGTERM (not SIGKILL) so that it can clean up; "
        << harness::see_lesson(kLesson, kSection);
    EXPECT_EQ(result.ending, Ending::terminated) << harness::see_lesson(kLesson, kSection);
    EXPECT_KILLED_BY(result.status.raw(), SIGTERM);
}

// Tests that a child ignoring SIGTERM is killed with SIGKILL once the grace period is over.
TEST(DeadlineTest, ChildIgnoringSigtermIsKilledAfterGrace) {
    auto hold = course::make_pipe();
    auto ready = course::make_pipe();
    auto child = lab07::fork_in_group([&] {
        ::signal(SIGTERM, SIG_IGN);
        lab07::put(ready.write.get(), "ready\n");
        lab07::hold_forever(hold.read.get());
    });
    ready.write.reset();
    ASSERT_EQ(lab07::get_line(ready.read.get()), "ready");
    auto result = proc::run_with_deadline(child, 10ms, 10ms);
    EXPECT_EQ(result.ending, Ending::killed)
        << "SIGTERM can be ignored; after the grace period only SIGKILL ends the child; "
        << harness::see_lesson(kLesson, kSection);
    EXPECT_KILLED_BY(result.status.raw(), SIGKILL);
}

// Tests that the signals reach the child's own children: a grandchild in its group dies
// too, seen as end of file on a pipe that only the two of them held open.
TEST(DeadlineTest, WholeProcessGroupIsSignalled) {
    int was_subreaper = 0;
    ::prctl(PR_GET_CHILD_SUBREAPER, &was_subreaper);
    // Orphans come to us rather than to init, so that we can reap the grandchild.
    course::check(::prctl(PR_SET_CHILD_SUBREAPER, 1), "prctl");
    auto alive = course::make_pipe();
    auto hold = course::make_pipe();
    auto child = lab07::fork_in_group([&] {
        ::signal(SIGTERM, SIG_IGN);  // inherited by the grandchild: only SIGKILL works
        pid_t grandchild = course::check(::fork(), "fork");
        if (grandchild == 0)
            lab07::hold_forever(hold.read.get());
        lab07::put(alive.write.get(), std::to_string(grandchild) + "\n");
        lab07::hold_forever(hold.read.get());
    });
    alive.write.reset();
    pid_t grandchild = std::stoi(lab07::get_line(alive.read.get()));
    auto result = proc::run_with_deadline(child, 10ms, 10ms);
    EXPECT_EQ(lab07::read_all(alive.read.get()), "")
        << "end of file: the grandchild, which held the pipe, must be dead too";
    int status = 0;
    pid_t reaped = ::waitpid(grandchild, &status, 0);
    ::prctl(PR_SET_CHILD_SUBREAPER, was_subreaper);
    ASSERT_EQ(reaped, grandchild) << "the grandchild should have been re-parented to us";
    EXPECT_KILLED_BY(status, SIGKILL) << "kill(-pgid, SIGKILL) reaches the whole group; "
                                      << harness::see_lesson(kLesson, "why-the-process-group");
    EXPECT_EQ(result.ending, Ending::killed);
}

// Tests that a stopped child is woken (SIGCONT) so that it can act on SIGTERM in time.
TEST(DeadlineTest, StoppedChildIsContinuedToHandleSigterm) {
    auto words = course::make_pipe();
    auto child = lab07::fork_in_group([&] {
        lab07::block_signal(SIGTERM);
        ::raise(SIGSTOP);
        lab07::clean_shutdown_on_term(words.write.get());
    });
    words.write.reset();
    siginfo_t info{};
    course::retry_on_eintr("waitid",
                           [&] { return ::waitid(P_PID, child.pid(), &info, WSTOPPED | WNOWAIT); });
    auto result = proc::stop_gracefully(child, kGenerousGrace);
    EXPECT_EQ(lab07::get_line(words.read.get()), "cleaned up")
        << "a stopped process keeps SIGTERM pending until continued: send SIGCONT too; "
        << harness::see_lesson(kLesson, kSection);
    EXPECT_EQ(result.ending, Ending::terminated);
    EXPECT_KILLED_BY(result.status.raw(), SIGTERM);
}

// Tests that signal_group refuses a reaped child, whose PID may belong to a stranger now.
TEST(DeadlineTest, SignalGroupRefusesReapedChild) {
    auto child = lab07::fork_in_group([] {});
    auto result = proc::run_with_deadline(child, 20s, 20s);
    ASSERT_TRUE(child.reaped());
    EXPECT_EQ(result.ending, Ending::finished);
    try {
        proc::signal_group(child, SIGTERM);
        ADD_FAILURE() << "signal_group on a reaped child must throw std::logic_error";
    } catch (const course::NotImplemented& e) {
        ADD_FAILURE() << e.what();
    } catch (const std::logic_error&) {
    }
}

// Tests the command form: a command that exits, and one held at its stdin pipe.
TEST(DeadlineTest, CommandFormRunsWithDeadline) {
    auto quick = proc::run_with_deadline({"sh", "-c", "exit 4"}, 20s, 20s);
    EXPECT_EQ(quick.ending, Ending::finished);
    EXPECT_EXITED_WITH(quick.status.raw(), 4);
    proc::SpawnOptions options;
    options.in = proc::Redirect::pipe();  // cat waits for input we never send
    auto held = proc::run_with_deadline({"cat"}, 10ms, kGenerousGrace, options);
    EXPECT_EQ(held.ending, Ending::terminated) << harness::see_lesson(kLesson, kSection);
    EXPECT_KILLED_BY(held.status.raw(), SIGTERM);
}

}  // namespace
