// Lab 08's tests, task 4, at the shell itself: the given run_shell() on a pseudo-terminal,
// with commands typed and keys pressed as a user would, and what it prints read back.
// They pass once every task does: the shell calls all of them. What a command prints
// follows the prompt on its line (typing is not echoed), hence expect("...\n").
#include <termios.h>

#include <string>

#include "harness/testsupport.hpp"
#include "pty_session.hpp"
#include "shell.hpp"

namespace {

const char* kLesson = "08-job-control.md";
const char* kSection = "jobs-fg-and-bg";

// The shell on the session's terminal.
void shell(int tty) {
    proc::run_shell(tty);
}

// Tests a whole Ctrl-Z, jobs, fg round trip.
TEST(ShellTest, CtrlZThenJobsThenFg) {
    lab08::PtySession session(shell);
    ASSERT_TRUE(session.expect("proc$ "));
    session.type("cat\n");
    session.type("ping\n");
    ASSERT_TRUE(session.expect("ping\n"));
    session.press(VSUSP);
    EXPECT_TRUE(session.expect_line("[1] Stopped (SIGTSTP)  cat"))
        << harness::see_lesson(kLesson, kSection);
    ASSERT_TRUE(session.expect("proc$ "));
    session.type("jobs\n");
    EXPECT_TRUE(session.expect("[1] Stopped (SIGTSTP)  cat\n"));
    ASSERT_TRUE(session.expect("proc$ "));
    session.type("fg %1\n");
    EXPECT_TRUE(session.expect("cat\n"));
    session.type("pong\n");
    EXPECT_TRUE(session.expect("pong\n")) << harness::see_lesson(kLesson, kSection);
    session.press(VEOF);
    ASSERT_TRUE(session.expect("proc$ "));
    session.type("jobs\n");
    ASSERT_TRUE(session.expect("proc$ "));
    EXPECT_EQ(session.before(), "") << "cat has ended: `jobs` lists nothing";
    session.type("exit\n");
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// Tests that a background job that ends is reported while the shell waits at its prompt.
TEST(ShellTest, BackgroundJobIsReportedWhenItEnds) {
    lab08::PtySession session(shell);
    ASSERT_TRUE(session.expect("proc$ "));
    session.type("sh -c 'exit 5' &\n");
    EXPECT_TRUE(session.expect("[1] "));
    EXPECT_TRUE(session.expect_line("[1] Exit 5  sh -c exit 5"))
        << "the shell polls the terminal and the SIGCHLD descriptor together; "
        << harness::see_lesson(kLesson, "waiting-for-jobs-without-races");
    ASSERT_TRUE(session.expect("proc$ "));
    session.type("exit\n");
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// Tests that bg lets a stopped job run to its end in the background.
TEST(ShellTest, BgLetsAStoppedJobFinish) {
    lab08::PtySession session(shell);
    ASSERT_TRUE(session.expect("proc$ "));
    session.type("sh -c 'kill -STOP $$; echo resumed'\n");
    ASSERT_TRUE(session.expect_line("[1] Stopped (SIGSTOP)  sh -c kill -STOP $$; echo resumed"));
    ASSERT_TRUE(session.expect("proc$ "));
    session.type("bg\n");
    EXPECT_TRUE(session.expect("[1] sh -c kill -STOP $$; echo resumed &\n"));
    EXPECT_TRUE(session.expect("resumed\n")) << harness::see_lesson(kLesson, kSection);
    EXPECT_TRUE(session.expect_line("[1] Done  sh -c kill -STOP $$; echo resumed"));
    session.type("exit\n");
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// Tests that Ctrl-C ends the foreground job only: a stopped background job lives on, and
// fg brings it back.
TEST(ShellTest, CtrlCEndsTheForegroundJobOnly) {
    lab08::PtySession session(shell);
    ASSERT_TRUE(session.expect("proc$ "));
    session.type("cat &\n");
    EXPECT_TRUE(session.expect_line("[1] Stopped (SIGTTIN)  cat"))
        << "a background job that reads the terminal is stopped by SIGTTIN; "
        << harness::see_lesson(kLesson, "waiting-for-jobs-without-races");
    session.type("cat\n");
    session.type("first\n");
    ASSERT_TRUE(session.expect("first\n"));
    session.press(VINTR);
    ASSERT_TRUE(session.expect("proc$ "));
    session.type("jobs\n");
    EXPECT_TRUE(session.expect("[1] Stopped (SIGTTIN)  cat\n"));
    ASSERT_TRUE(session.expect("proc$ "));
    EXPECT_EQ(session.before(), "") << "job 2, killed by Ctrl-C, is gone; job 1 alone is left";
    session.type("fg\n");
    ASSERT_TRUE(session.expect("cat\n"));
    session.type("second\n");
    EXPECT_TRUE(session.expect("second\n"))
        << "job 1 was not in the foreground group: Ctrl-C did not reach it; "
        << harness::see_lesson(kLesson, "handing-over-the-terminal");
    session.press(VEOF);
    ASSERT_TRUE(session.expect("proc$ "));
    session.type("exit\n");
    EXPECT_EXITED_WITH(session.finish(), 0);
}

}  // namespace
