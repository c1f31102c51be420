// Lab 08's tests, task 2: a Terminal takes the foreground for its shell, ignores the signals
// meant for jobs, gives the terminal to a group and takes it back (with its modes), and puts
// everything back at the end. Each test runs the Terminal in a session of its own on a
// pseudo-terminal (pty_session.hpp), where it is the controlling terminal.
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>
#include <vector>

#include "course/sys.hpp"
#include "course/todo.hpp"
#include "harness/testsupport.hpp"
#include "pty_session.hpp"
#include "terminal.hpp"

namespace {

const char* kLesson = "08-job-control.md";
const char* kSection = "handing-over-the-terminal";

// "shell", "the parked group" or a number: who the terminal's foreground group is.
std::string who_has(int tty, pid_t parked) {
    pid_t group = ::tcgetpgrp(tty);
    if (group == ::getpgrp())
        return "shell";
    return group == parked ? "the parked group" : std::to_string(group);
}

// The action of @p sig in words: "ignored", "default" or "handled".
std::string action_of(int sig) {
    struct sigaction action {};
    ::sigaction(sig, nullptr, &action);
    if (action.sa_handler == SIG_IGN)
        return "ignored";
    return action.sa_handler == SIG_DFL ? "default" : "handled";
}

// The one process of @p session besides its leader (the parked child), or -1.
pid_t parked_in(const lab08::PtySession& session) {
    std::vector<lab08::ProcessFacts> others = session.others();
    return others.size() == 1 ? others.front().pid : -1;
}

// Expects, from the test's side, that the foreground group of @p session's terminal is
// @p group: what the session's code said about it is only a claim.
void expect_foreground(const lab08::PtySession& session, pid_t group, const std::string& who) {
    EXPECT_EQ(session.foreground_group(), group)
        << "asked from outside the session, the terminal's foreground group must be " << who << " ("
        << session.describe() << "); " << harness::see_lesson(kLesson, kSection);
}

// Expects, from the test's side, that the session's leader ignores the signals a shell
// ignores (@p ignored true), or has them all back to their previous action, the default.
void expect_leader_ignores(const lab08::PtySession& session, bool ignored) {
    unsigned long long mask = lab08::signal_mask(session.leader(), "SigIgn");
    for (int sig : proc::kShellIgnores)
        EXPECT_EQ(lab08::has_signal(mask, sig), ignored)
            << "/proc/" << session.leader() << "/status: " << harness::signal_name(sig)
            << (ignored ? " must be ignored" : " must not be ignored any more") << "; "
            << harness::see_lesson(kLesson, kSection);
}

// Expects constructing a Terminal on @p fd to fail with ENOTTY and to change no signal.
void expect_refused(int fd) {
    std::string sigint_before = action_of(SIGINT);
    std::string sigttou_before = action_of(SIGTTOU);
    try {
        proc::Terminal terminal(fd);
        ADD_FAILURE() << "a Terminal must refuse a descriptor that is not the caller's "
                         "controlling terminal; "
                      << harness::see_lesson(kLesson, kSection);
    } catch (const course::NotImplemented& e) {
        ADD_FAILURE() << e.what();
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code().value(), ENOTTY) << e.what();
    }
    EXPECT_EQ(action_of(SIGINT), sigint_before) << "a refused Terminal must change nothing";
    EXPECT_EQ(action_of(SIGTTOU), sigttou_before) << "a refused Terminal must change nothing";
}

// Tests that a pipe is refused: it is no terminal.
TEST(TerminalTest, RefusesAPipe) {
    course::Pipe pipe = course::make_pipe();
    expect_refused(pipe.read.get());
}

// Tests that a terminal that is not the caller's controlling terminal is refused.
TEST(TerminalTest, RefusesATerminalThatIsNotItsOwn) {
    course::UniqueFd master(
        course::check(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), "posix_openpt"));
    course::check(::grantpt(master.get()), "grantpt");
    course::check(::unlockpt(master.get()), "unlockpt");
    char name[128];
    course::check_returned(::ptsname_r(master.get(), name, sizeof name), "ptsname_r");
    course::UniqueFd other(course::check(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC), "open"));
    expect_refused(other.get());
}

// Tests that a shell started in the background takes the foreground, and leads its group.
TEST(TerminalTest, TakesTheForegroundFromTheBackground) {
    lab08::PtySession session([](int tty) {
        lab08::ParkedChild parked;
        lab08::hand_terminal(tty, parked.pid());  // as if another shell had started us
        proc::Terminal terminal(tty);
        lab08::say(tty, "foreground: " + who_has(tty, parked.pid()) + "\n");
        lab08::say(tty, terminal.shell_group() == ::getpgrp() ? "shell group: right\n"
                                                              : "shell group: wrong\n");
        lab08::say(tty, terminal.foreground() == ::getpgrp() ? "foreground(): right\n"
                                                             : "foreground(): wrong\n");
        lab08::wait_for_test();
    });
    EXPECT_TRUE(session.expect_line("foreground: shell"))
        << "the Terminal takes the foreground with tcsetpgrp, from the background: SIGTTOU "
           "must be ignored first; "
        << harness::see_lesson(kLesson, kSection);
    EXPECT_TRUE(session.expect_line("shell group: right"));
    EXPECT_TRUE(session.expect_line("foreground(): right"));
    expect_foreground(session, session.leader(), "the shell's group");
    session.go();
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// Tests that the shell ignores the keyboard's signals and the terminal's stops, and so
// survives Ctrl-C, Ctrl-Z and Ctrl-\ typed while it is in the foreground.
TEST(TerminalTest, ShellIgnoresTheKeysMeantForItsJobs) {
    lab08::PtySession session([](int tty) {
        proc::Terminal terminal(tty);
        for (int sig : proc::kShellIgnores)
            lab08::say(tty, harness::signal_name(sig) + ": " + action_of(sig) + "\n");
        lab08::say(tty, "ready\n");
        lab08::say(tty, "still here after " + lab08::read_line(tty) + "\n");
    });
    for (int sig : proc::kShellIgnores)
        EXPECT_TRUE(session.expect_line(harness::signal_name(sig) + ": ignored"))
            << harness::see_lesson(kLesson, kSection);
    ASSERT_TRUE(session.expect_line("ready"));
    expect_leader_ignores(session, true);
    session.press(VINTR);
    session.press(VSUSP);
    session.press(VQUIT);
    session.type("the keys\n");
    EXPECT_TRUE(session.expect_line("still here after the keys"))
        << "Ctrl-C, Ctrl-Z and Ctrl-\\ signal the foreground group, the shell's own here; "
        << harness::see_lesson(kLesson, kSection);
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// Tests that give_to makes a group the foreground: Ctrl-C then reaches that group, and
// not the shell.
TEST(TerminalTest, CtrlCReachesOnlyTheGroupGivenTheTerminal) {
    lab08::PtySession session([](int tty) {
        proc::Terminal terminal(tty);
        lab08::ParkedChild parked;
        terminal.give_to(parked.pid());
        lab08::say(tty, "foreground: " + who_has(tty, parked.pid()) + "\n");
        lab08::say(tty, "parked group: " + harness::describe_status(parked.wait()) + "\n");
        terminal.take_back();
        lab08::say(tty, "foreground: " + who_has(tty, 0) + "\n");
        lab08::wait_for_test();
    });
    ASSERT_TRUE(session.expect_line("foreground: the parked group"))
        << harness::see_lesson(kLesson, kSection);
    expect_foreground(session, parked_in(session), "the parked child's group");
    session.press(VINTR);
    EXPECT_TRUE(session.expect("parked group: killed by SIGINT"))
        << "Ctrl-C signals the foreground group only; " << harness::see_lesson(kLesson, kSection);
    EXPECT_TRUE(session.expect_line("foreground: shell"));
    expect_foreground(session, session.leader(), "the shell's group");
    session.go();
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// Tests that take_back works from the background, where tcsetpgrp raises SIGTTOU.
TEST(TerminalTest, TakeBackFromTheBackground) {
    lab08::PtySession session([](int tty) {
        proc::Terminal terminal(tty);
        lab08::ParkedChild parked;
        terminal.give_to(parked.pid());
        lab08::say(tty, "given\n");
        lab08::wait_for_test();
        terminal.take_back();
        lab08::say(tty, "foreground: " + who_has(tty, parked.pid()) + "\n");
        lab08::wait_for_test();
    });
    ASSERT_TRUE(session.expect_line("given"));
    expect_foreground(session, parked_in(session), "the parked child's group");
    session.go();
    EXPECT_TRUE(session.expect_line("foreground: shell"))
        << "from the background, tcsetpgrp raises SIGTTOU (or fails with ENOTTY in a group "
           "with no parent in the session, as a login shell's): it must be ignored; "
        << harness::see_lesson(kLesson, kSection);
    expect_foreground(session, session.leader(), "the shell's group");
    session.go();
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// Tests that take_back restores the modes the shell had, which a job may have changed.
TEST(TerminalTest, TakeBackRestoresTheShellsModes) {
    lab08::PtySession session([](int tty) {
        proc::Terminal terminal(tty);
        lab08::ParkedChild parked;
        termios raw = terminal.shell_modes();
        raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ISIG);  // what an editor does
        course::check(::tcsetattr(tty, TCSANOW, &raw), "tcsetattr");
        terminal.give_to(parked.pid());
        lab08::say(tty, "given\n");
        lab08::wait_for_test();
        terminal.take_back();
        termios now{};
        course::check(::tcgetattr(tty, &now), "tcgetattr");
        lab08::say(tty,
                   std::string("line editing: ") + (now.c_lflag & ICANON ? "on" : "off") + "\n");
        lab08::say(tty, std::string("signal keys: ") + (now.c_lflag & ISIG ? "on" : "off") + "\n");
        lab08::wait_for_test();
    });
    ASSERT_TRUE(session.expect_line("given"));
    expect_foreground(session, parked_in(session), "the parked child's group");
    EXPECT_EQ(session.modes().c_lflag & ICANON, 0U) << "the session's code turned line editing off";
    session.go();
    EXPECT_TRUE(session.expect_line("line editing: on"))
        << "take_back restores the modes saved at construction (tcsetattr); "
        << harness::see_lesson(kLesson, kSection);
    EXPECT_TRUE(session.expect_line("signal keys: on"));
    termios modes = session.modes();  // asked from outside the session
    EXPECT_NE(modes.c_lflag & ICANON, 0U) << "take_back restores the shell's modes: line editing";
    EXPECT_NE(modes.c_lflag & ISIG, 0U) << "take_back restores the shell's modes: signal keys";
    expect_foreground(session, session.leader(), "the shell's group");
    session.go();
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// Tests that the destructor gives the terminal back to the group that had it, and the
// signals their previous actions.
TEST(TerminalTest, DestructorPutsEverythingBack) {
    lab08::PtySession session([](int tty) {
        lab08::ParkedChild parked;
        lab08::hand_terminal(tty, parked.pid());
        {
            proc::Terminal terminal(tty);
            lab08::say(tty, "constructed\n");
            lab08::wait_for_test();
        }
        lab08::say(tty, "foreground: " + who_has(tty, parked.pid()) + "\n");
        for (int sig : proc::kShellIgnores)
            lab08::say(tty, harness::signal_name(sig) + ": " + action_of(sig) + "\n");
        lab08::wait_for_test();
    });
    ASSERT_TRUE(session.expect_line("constructed"));
    expect_foreground(session, session.leader(), "the shell's group, while the Terminal lives");
    expect_leader_ignores(session, true);
    session.go();
    EXPECT_TRUE(session.expect_line("foreground: the parked group"))
        << "the destructor gives the terminal back to the group that had it; "
        << harness::see_lesson(kLesson, kSection);
    for (int sig : proc::kShellIgnores)
        EXPECT_TRUE(session.expect_line(harness::signal_name(sig) + ": default"))
            << "the destructor restores the previous actions";
    expect_foreground(session, parked_in(session), "the parked child's group again");
    expect_leader_ignores(session, false);
    session.go();
    EXPECT_EXITED_WITH(session.finish(), 0);
}

}  // namespace
