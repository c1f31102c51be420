// Lab 07's tests, task 2: a shutdown flag set by a signal handler, and a self-pipe.
// Signals are raised in the test process itself (raise() runs the handler before it
// returns) or sent to children that report through pipes.
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <stdexcept>

#include "course/todo.hpp"
#include "harness/testsupport.hpp"
#include "shutdown.hpp"
#include "test_children.hpp"
#include "wait.hpp"

namespace {

using namespace std::chrono_literals;

const char* kLesson = "07-forever-tasks.md";
const char* kSection = "a-child-that-shuts-down-cleanly";

// Ignores SIGTERM and SIGINT for a test's lifetime, so that a flag that failed to install
// its handler makes the test fail rather than kill the whole test program.
class SafetyNet {
  public:
    SafetyNet() {
        struct sigaction ignore {};
        ignore.sa_handler = SIG_IGN;
        ::sigaction(SIGTERM, &ignore, &term_);
        ::sigaction(SIGINT, &ignore, &int_);
    }
    ~SafetyNet() {
        ::sigaction(SIGTERM, &term_, nullptr);
        ::sigaction(SIGINT, &int_, nullptr);
    }
    SafetyNet(const SafetyNet&) = delete;
    SafetyNet& operator=(const SafetyNet&) = delete;

  private:
    struct sigaction term_ {
    }, int_{};
};

// True if @p fd is readable right now (poll with a zero timeout).
bool readable(int fd) {
    pollfd entry{fd, POLLIN, 0};
    return ::poll(&entry, 1, 0) == 1;
}

// Tests that a fresh flag is down and its descriptor not readable.
TEST(ShutdownFlagTest, StartsDown) {
    proc::ShutdownFlag flag;
    EXPECT_FALSE(flag.requested());
    EXPECT_EQ(flag.signal(), 0);
    EXPECT_GE(flag.fd(), 0) << "fd() is the self-pipe's read end";
    EXPECT_FALSE(readable(flag.fd())) << "no signal yet: nothing to read";
}

// Tests that SIGTERM sets the flag, records the signal and makes the pipe readable.
TEST(ShutdownFlagTest, SigtermRaisesFlagAndWakesPipe) {
    SafetyNet net;
    proc::ShutdownFlag flag;
    ::raise(SIGTERM);  // the handler runs before raise returns
    EXPECT_TRUE(flag.requested()) << harness::see_lesson(kLesson, kSection);
    EXPECT_EQ(flag.signal(), SIGTERM);
    EXPECT_TRUE(readable(flag.fd())) << "the handler writes one byte to the self-pipe; "
                                     << harness::see_lesson(kLesson, "the-self-pipe-trick");
}

// Tests that SIGINT is caught too, by default.
TEST(ShutdownFlagTest, SigintIsCaughtToo) {
    SafetyNet net;
    proc::ShutdownFlag flag;
    ::raise(SIGINT);
    EXPECT_EQ(flag.signal(), SIGINT);
}

// Tests that the handler leaves errno as it found it (the interrupted code may read it).
TEST(ShutdownFlagTest, HandlerPreservesErrno) {
    SafetyNet net;
    proc::ShutdownFlag flag;
    for (int i = 0; i < 70'000; ++i)
        ::raise(SIGTERM);  // fills the pipe: writes now fail
    errno = EDOM;
    ::raise(SIGTERM);  // its write fails with EAGAIN, which must not leak into errno
    EXPECT_EQ(errno, EDOM) << "a handler must save and restore errno; "
                           << harness::see_lesson(kLesson, "what-a-handler-may-do");
}

// Tests that many signals never block the handler (a full pipe is simply not written).
TEST(ShutdownFlagTest, ManySignalsNeverBlock) {
    SafetyNet net;
    proc::ShutdownFlag flag;
    for (int i = 0; i < 70'000; ++i)
        ::raise(SIGTERM);  // more bytes than a pipe holds
    EXPECT_TRUE(flag.requested()) << "the write end must be non-blocking; "
                                  << harness::see_lesson(kLesson, "the-self-pipe-trick");
}

// Tests that the destructor puts back the disposition that was there before.
TEST(ShutdownFlagTest, DestructorRestoresPreviousDisposition) {
    struct sigaction ignore {
    }, before{}, during{}, after{};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGUSR1, &ignore, &before);
    {
        proc::ShutdownFlag flag({SIGUSR1});
        ::sigaction(SIGUSR1, nullptr, &during);
        EXPECT_NE(during.sa_handler, SIG_IGN) << "the flag installs its own handler";
    }
    ::sigaction(SIGUSR1, nullptr, &after);
    ::sigaction(SIGUSR1, &before, nullptr);
    EXPECT_EQ(after.sa_handler, SIG_IGN) << "the previous disposition must come back";
}

// Tests that a second flag is refused while one exists (the handler has one pipe).
TEST(ShutdownFlagTest, OnlyOneAtATime) {
    proc::ShutdownFlag first;
    try {
        proc::ShutdownFlag second;
        ADD_FAILURE() << "a second ShutdownFlag must throw std::logic_error";
    } catch (const course::NotImplemented& e) {
        ADD_FAILURE() << e.what();
    } catch (const std::logic_error&) {
    }
}

// Tests that wait_for gives up after its timeout when no signal comes.
TEST(ShutdownFlagTest, WaitForTimesOut) {
    proc::ShutdownFlag flag;
    EXPECT_FALSE(flag.wait_for(1ms));
}

// Tests a clean shutdown in a child: it sleeps in wait_for until SIGTERM, then reports.
TEST(ShutdownFlagTest, ChildWakesOnSigtermAndCleansUp) {
    auto words = course::make_pipe();
    auto child = lab07::fork_in_group([&] {
        proc::ShutdownFlag flag;
        lab07::put(words.write.get(), "ready\n");
        bool woke = flag.wait_for(-1ms);  // for ever
        lab07::put(words.write.get(), woke ? "cleaned up\n" : "woke without a signal\n");
    });
    words.write.reset();
    ASSERT_EQ(lab07::get_line(words.read.get()), "ready");
    course::check(::kill(child.pid(), SIGTERM), "kill");
    EXPECT_EQ(lab07::get_line(words.read.get()), "cleaned up")
        << harness::see_lesson(kLesson, kSection);
    EXPECT_EXITED_WITH(proc::wait(child).raw(), 0);
}

// Tests that exit_as_if_killed_by makes the parent see "killed by SIGTERM", even though
// the child had a handler for it.
TEST(ShutdownFlagTest, ExitAsIfKilledBySigterm) {
    auto child = lab07::fork_in_group([] {
        proc::ShutdownFlag flag;
        ::raise(SIGTERM);
        if (flag.requested())
            proc::exit_as_if_killed_by(flag.signal());
        ::_exit(1);
    });
    EXPECT_KILLED_BY(proc::wait(child).raw(), SIGTERM)
        << harness::see_lesson(kLesson, "exiting-after-a-signal");
}

}  // namespace
