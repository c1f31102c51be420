// Lab 08's tests, task 4, at the shell itself: the given run_shell() on a pseudo-terminal,
// with commands typed and keys pressed as a user would, and what it prints read back.
// They pass once every task does: the shell calls all of them. What a command prints
// follows the prompt on its line (typing is not echoed), hence expect("...\n").
#include <signal.h>
#include <termios.h>

#include <optional>
#include <string>
#include <vector>

#include "course/sys.hpp"
#include "harness/testsupport.hpp"
#include "pty_session.hpp"
#include "shell.hpp"

namespace {

const char* kLesson = "08-job-control.md";
const char* kSection = "jobs-fg-and-bg";

// The one process of @p session running @p comm, but @p besides, as the test sees it from
// outside the session: a job, which leads a group of its own. Its pid is 0 if there is none.
lab08::ProcessFacts job_running(const lab08::PtySession& session, const std::string& comm,
                                pid_t besides = 0) {
    std::vector<lab08::ProcessFacts> found;
    for (const lab08::ProcessFacts& facts : session.running(comm))
        if (facts.pid != besides)
            found.push_back(facts);
    if (found.size() != 1) {
        ADD_FAILURE() << "expected one " << comm << " in the shell's session, as a job ("
                      << session.describe() << "); " << harness::see_lesson(kLesson, kSection);
        return {};
    }
    EXPECT_EQ(found.front().group, found.front().pid)
        << comm << " must lead a group of its own; "
        << harness::see_lesson(kLesson, "a-job-a-group-of-its-own");
    return found.front();
}

// The state of @p pid ('T' stopped...), '-' when it has ended and been reaped.
char state_of(pid_t pid) {
    std::optional<lab08::ProcessFacts> facts = lab08::facts_of(pid);
    return facts ? facts->state : '-';
}

// Expects the terminal's foreground group to be @p group, asked from outside the session.
void expect_foreground(const lab08::PtySession& session, pid_t group, const std::string& who) {
    EXPECT_EQ(session.foreground_group(), group)
        << "the terminal's foreground group must be " << who << " (" << session.describe() << "); "
        << harness::see_lesson(kLesson, "handing-over-the-terminal");
}

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
    lab08::ProcessFacts cat = job_running(session, "cat");  // it has echoed ping: it runs
    expect_foreground(session, cat.group, "cat's group");
    session.press(VSUSP);
    EXPECT_TRUE(session.expect_line("[1] Stopped (SIGTSTP)  cat"))
        << harness::see_lesson(kLesson, kSection);
    EXPECT_EQ(state_of(cat.pid), 'T') << "cat must be stopped: " << session.describe();
    ASSERT_TRUE(session.expect("proc$ "));
    expect_foreground(session, session.leader(), "the shell's group, at its prompt");
    session.type("jobs\n");
    EXPECT_TRUE(session.expect("[1] Stopped (SIGTSTP)  cat\n"));
    ASSERT_TRUE(session.expect("proc$ "));
    session.type("fg %1\n");
    EXPECT_TRUE(session.expect("cat\n"));
    session.type("pong\n");
    EXPECT_TRUE(session.expect("pong\n")) << harness::see_lesson(kLesson, kSection);
    EXPECT_NE(state_of(cat.pid), 'T') << "fg continues cat: " << session.describe();
    expect_foreground(session, cat.group, "cat's group, after fg");
    session.press(VEOF);
    ASSERT_TRUE(session.expect("proc$ "));
    EXPECT_EQ(state_of(cat.pid), '-') << "cat has ended and been reaped: " << session.describe();
    expect_foreground(session, session.leader(), "the shell's group, at its prompt");
    session.type("jobs\n");
    ASSERT_TRUE(session.expect("proc$ "));
    EXPECT_EQ(session.before(), "") << "cat has ended: `jobs` lists nothing";
    session.type("exit\n");
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// Tests that a background job that ends is reported while the shell waits at its prompt.
// The job stops itself first, and the test continues it from outside the session once it
// has seen it: so the test knows the job was there, and that it ended while the shell
// waited at its prompt.
TEST(ShellTest, BackgroundJobIsReportedWhenItEnds) {
    lab08::PtySession session(shell);
    ASSERT_TRUE(session.expect("proc$ "));
    session.type("sh -c 'kill -STOP $$; exit 5' &\n");
    EXPECT_TRUE(session.expect("[1] "));
    ASSERT_TRUE(session.expect_line("[1] Stopped (SIGSTOP)  sh -c kill -STOP $$; exit 5"))
        << harness::see_lesson(kLesson, "waiting-for-jobs-without-races");
    lab08::ProcessFacts job = job_running(session, "sh");
    EXPECT_EQ(job.state, 'T') << "the job must be stopped: " << session.describe();
    expect_foreground(session, session.leader(), "the shell's group: the job is in the background");
    if (job.pid > 0)
        course::check(::kill(job.pid, SIGCONT), "kill");
    EXPECT_TRUE(session.expect_line("[1] Exit 5  sh -c kill -STOP $$; exit 5"))
        << "the shell polls the terminal and the SIGCHLD descriptor together; "
        << harness::see_lesson(kLesson, "waiting-for-jobs-without-races");
    EXPECT_EQ(state_of(job.pid), '-')
        << "the job has ended and been reaped: " << session.describe();
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
    lab08::ProcessFacts job = job_running(session, "sh");
    EXPECT_EQ(job.state, 'T') << "the job must be stopped: " << session.describe();
    ASSERT_TRUE(session.expect("proc$ "));
    expect_foreground(session, session.leader(), "the shell's group, at its prompt");
    session.type("bg\n");
    // The shell says "[1] ... &" once it has sent SIGCONT: the job's "resumed" may come
    // first. Both come before the job is reported done.
    EXPECT_TRUE(session.expect_line("[1] Done  sh -c kill -STOP $$; echo resumed"));
    EXPECT_NE(session.before().find("[1] sh -c kill -STOP $$; echo resumed &\n"), std::string::npos)
        << session.before();
    EXPECT_NE(session.before().find("resumed\n"), std::string::npos)
        << session.before() << harness::see_lesson(kLesson, kSection);
    EXPECT_EQ(state_of(job.pid), '-')
        << "the job has ended and been reaped: " << session.describe();
    expect_foreground(session, session.leader(), "the shell's group: bg leaves it the terminal");
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
    lab08::ProcessFacts stopped = job_running(session, "cat");
    EXPECT_EQ(stopped.state, 'T') << "the background cat must be stopped: " << session.describe();
    session.type("cat\n");
    session.type("first\n");
    ASSERT_TRUE(session.expect("first\n"));
    lab08::ProcessFacts foreground = job_running(session, "cat", stopped.pid);
    expect_foreground(session, foreground.group, "the second cat's group");
    session.press(VINTR);
    ASSERT_TRUE(session.expect("proc$ "));
    EXPECT_EQ(state_of(foreground.pid), '-')
        << "Ctrl-C ended the second cat, and the shell reaped it: " << session.describe();
    EXPECT_EQ(state_of(stopped.pid), 'T')
        << "Ctrl-C did not reach the first cat: " << session.describe();
    expect_foreground(session, session.leader(), "the shell's group, at its prompt");
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
    EXPECT_NE(state_of(stopped.pid), 'T') << "fg continues cat: " << session.describe();
    expect_foreground(session, stopped.group, "the first cat's group, after fg");
    session.press(VEOF);
    ASSERT_TRUE(session.expect("proc$ "));
    EXPECT_EQ(state_of(stopped.pid), '-')
        << "cat has ended and been reaped: " << session.describe();
    session.type("exit\n");
    EXPECT_EXITED_WITH(session.finish(), 0);
}

}  // namespace
