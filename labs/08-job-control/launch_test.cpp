// Lab 08's tests, task 1: launch_job starts a program in a process group of its own, with
// the terminal when it is a foreground job, and with the signals a shell changes put back.
// Tests that need a terminal run the lab's code in a session on a pseudo-terminal
// (pty_session.hpp) and read what it shows.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "course/sys.hpp"
#include "course/todo.hpp"
#include "harness/testsupport.hpp"
#include "launch.hpp"
#include "pty_session.hpp"
#include "wait.hpp"

namespace {

const char* kLesson = "08-job-control.md";
const char* kSection = "a-job-a-group-of-its-own";

// A program that says whether it leads its process group, and whether that group is the
// terminal's foreground group: fields 5 (pgrp) and 8 (tpgid) of /proc/PID/stat, read by
// the shell about itself.
const char* kWhereAmI =
    "set -- $(cat /proc/$$/stat); "
    "if [ \"$5\" = \"$1\" ]; then echo 'group: its own'; else echo 'group: not its own'; fi; "
    "if [ \"$8\" = \"$5\" ]; then echo 'terminal: its own'; else echo 'terminal: not its own'; fi";

// Blocks until @p job, a child of the caller, has ended or stopped, leaving it for its own
// wait to reap (waitid with WNOWAIT); then says so on @p tty and waits for the test, which
// sees the job, not reaped yet, from its side.
void hold_once_ended(int tty, pid_t job) {
    siginfo_t info{};
    course::retry_on_eintr("waitid", [&] {
        return ::waitid(P_PID, static_cast<id_t>(job), &info, WEXITED | WSTOPPED | WNOWAIT);
    });
    lab08::say(tty, "ended\n");
    lab08::wait_for_test();
}

// The job of @p session, checked from the test's side while the session's code holds in
// wait_for_test(): one process, the leader's child, leading a group of its own. Its pid is
// 0 if there is none.
lab08::ProcessFacts the_job(const lab08::PtySession& session) {
    std::vector<lab08::ProcessFacts> others = session.others();
    if (others.size() != 1) {
        ADD_FAILURE() << "expected one job in the session, seen from outside it ("
                      << session.describe() << "); " << harness::see_lesson(kLesson, kSection);
        return {};
    }
    EXPECT_EQ(others.front().parent, session.leader()) << session.describe();
    EXPECT_EQ(others.front().group, others.front().pid)
        << "the job must lead a group of its own (" << session.describe() << "); "
        << harness::see_lesson(kLesson, kSection);
    return others.front();
}

// Tests that the job leads a new group as soon as launch_job returns.
TEST(LaunchTest, JobLeadsANewGroup) {
    proc::Child job = proc::launch_job({"true"});
    EXPECT_EQ(::getpgid(job.pid()), job.pid())
        << "when launch_job returns, the job must lead a group of its own (setpgid on both "
           "sides of fork); "
        << harness::see_lesson(kLesson, kSection);
    EXPECT_NE(::getpgid(job.pid()), ::getpgrp()) << "not the caller's group";
    EXPECT_EXITED_WITH(proc::wait(job).raw(), 0);
}

// Tests that the program itself runs in its own group, without the terminal, in the
// background.
TEST(LaunchTest, BackgroundJobRunsInItsOwnGroupWithoutTheTerminal) {
    lab08::PtySession session([](int tty) {
        proc::Child job = proc::launch_job({"sh", "-c", kWhereAmI});
        hold_once_ended(tty, job.pid());
        lab08::say(tty, "status: " + proc::wait(job).to_string() + "\n");
    });
    EXPECT_TRUE(session.expect_line("group: its own")) << harness::see_lesson(kLesson, kSection);
    EXPECT_TRUE(session.expect_line("terminal: not its own"))
        << "a background job must not take the terminal";
    ASSERT_TRUE(session.expect_line("ended"));
    the_job(session);  // it has ended, and is not reaped yet
    EXPECT_EQ(session.foreground_group(), session.leader())
        << "a background job must not take the terminal (" << session.describe() << ")";
    session.go();
    EXPECT_TRUE(session.expect("status: exited with code 0"));
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// Tests that a foreground job's group is the terminal's foreground group from the
// program's first instruction.
TEST(LaunchTest, ForegroundJobOwnsTheTerminalFromItsFirstInstruction) {
    lab08::PtySession session([](int tty) {
        proc::Child job = proc::launch_job({"sh", "-c", kWhereAmI}, tty);
        hold_once_ended(tty, job.pid());
        lab08::say(tty, "status: " + proc::wait(job).to_string() + "\n");
    });
    EXPECT_TRUE(session.expect_line("group: its own")) << harness::see_lesson(kLesson, kSection);
    EXPECT_TRUE(session.expect_line("terminal: its own"))
        << "a foreground job's group must be made the foreground group (tcsetpgrp) before "
           "the program runs: in the child too; "
        << harness::see_lesson(kLesson, "handing-over-the-terminal");
    ASSERT_TRUE(session.expect_line("ended"));
    lab08::ProcessFacts job = the_job(session);  // it has ended, and is not reaped yet
    EXPECT_EQ(session.foreground_group(), job.group)
        << "the foreground group, asked from outside the session, must be the job's ("
        << session.describe() << "); " << harness::see_lesson(kLesson, "handing-over-the-terminal");
    session.go();
    EXPECT_TRUE(session.expect("status: exited with code 0"));
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// Tests that a foreground job can read what is typed on the terminal (a background reader
// would be stopped by SIGTTIN).
TEST(LaunchTest, ForegroundJobReadsTheTerminal) {
    lab08::PtySession session([](int tty) {
        proc::Child job = proc::launch_job({"head", "-n", "1"}, tty);
        hold_once_ended(tty, job.pid());
        int raw = 0;
        course::retry_on_eintr("waitpid", [&] { return ::waitpid(job.pid(), &raw, WUNTRACED); });
        if (WIFEXITED(raw) || WIFSIGNALED(raw))
            job.mark_reaped();
        lab08::say(tty, "status: " + proc::ExitStatus(raw).to_string() + "\n");
    });
    session.type("typed on the keyboard\n");
    EXPECT_TRUE(session.expect_line("typed on the keyboard"))
        << "head should have read the line: a job must own the terminal to read it; "
        << harness::see_lesson(kLesson, "handing-over-the-terminal");
    ASSERT_TRUE(session.expect_line("ended"));
    lab08::ProcessFacts job = the_job(session);  // it has ended, and is not reaped yet
    EXPECT_EQ(session.foreground_group(), job.group)
        << "the foreground group, asked from outside the session, must be the job's ("
        << session.describe() << "); " << harness::see_lesson(kLesson, "handing-over-the-terminal");
    session.go();
    EXPECT_TRUE(session.expect("status: exited with code 0"));
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// Tests that the program starts with the default action for the signals a shell ignores,
// and with no signal blocked, whatever its shell ignored and blocked.
TEST(LaunchTest, ProgramGetsDefaultActionsAndAnEmptyMask) {
    lab08::PtySession session([](int tty) {
        for (int sig : {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU})
            ::signal(sig, SIG_IGN);  // as a shell does (never SIGCHLD: its children would vanish)
        sigset_t blocked;
        sigemptyset(&blocked);
        sigaddset(&blocked, SIGCHLD);  // as a shell with a signalfd does
        sigaddset(&blocked, SIGUSR1);
        ::sigprocmask(SIG_BLOCK, &blocked, nullptr);
        proc::Child job = proc::launch_job({"grep", "^Sig[BI]", "/proc/self/status"});
        lab08::say(tty, "status: " + proc::wait(job).to_string() + "\n");
        // A background reader, stopped by SIGTTIN once it runs cat: the test reads its
        // masks itself.
        proc::Child reader = proc::launch_job({"cat"});
        int raw = 0;
        course::retry_on_eintr("waitpid", [&] { return ::waitpid(reader.pid(), &raw, WUNTRACED); });
        if (WIFEXITED(raw) || WIFSIGNALED(raw))
            reader.mark_reaped();
        lab08::say(tty, "reader: " + proc::ExitStatus(raw).to_string() + "\n");
        lab08::wait_for_test();
    });
    ASSERT_TRUE(session.expect("status: "));
    std::string lines = session.before();
    EXPECT_TRUE(session.expect("reader: stopped by SIGTTIN"))
        << "cat in the background must be stopped when it reads the terminal: SIGTTIN must "
           "have its default action; "
        << harness::see_lesson(kLesson, kSection);
    lab08::ProcessFacts reader = the_job(session);
    EXPECT_EQ(reader.comm, "cat") << session.describe();
    EXPECT_EQ(reader.state, 'T') << session.describe();
    unsigned long long reader_ignored = lab08::signal_mask(reader.pid, "SigIgn");
    EXPECT_EQ(lab08::signal_mask(reader.pid, "SigBlk"), 0ULL)
        << "the job must start with an empty signal mask (/proc/" << reader.pid << "/status)";
    for (int sig : {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU})
        EXPECT_FALSE(lab08::has_signal(reader_ignored, sig))
            << harness::signal_name(sig) << " must be back to its default action in the job (/proc/"
            << reader.pid << "/status); " << harness::see_lesson(kLesson, kSection);
    session.go();
    EXPECT_EXITED_WITH(session.finish(), 0);
    auto mask = [&](const std::string& name) {
        std::size_t at = lines.find(name + ":\t");
        return at == std::string::npos
                   ? ~0ULL
                   : std::strtoull(lines.c_str() + at + name.size() + 2, nullptr, 16);
    };
    unsigned long long ignored = mask("SigIgn"), blocked = mask("SigBlk");
    EXPECT_EQ(blocked, 0ULL) << "the job must start with an empty signal mask (a blocked signal "
                                "stays blocked across exec); it showed:\n"
                             << lines << harness::see_lesson(kLesson, kSection);
    for (int sig : {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU})
        EXPECT_EQ(ignored & (1ULL << (sig - 1)), 0ULL)
            << harness::signal_name(sig) << " must be back to its default action in the job "
            << "(an ignored signal stays ignored across exec); "
            << harness::see_lesson(kLesson, kSection);
}

// Tests that a program that cannot run is reported by launch_job, with exec's errno, and
// leaves no child behind.
TEST(LaunchTest, MissingProgramThrowsItsErrnoAndLeavesNoChild) {
    try {
        proc::Child job = proc::launch_job({"no-such-program-lab08"});
        ADD_FAILURE() << "launch_job must throw when the program cannot run";
    } catch (const course::NotImplemented& e) {
        ADD_FAILURE() << e.what();
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code().value(), ENOENT) << e.what();
        EXPECT_NE(std::string(e.what()).find("execvp no-such-program-lab08"), std::string::npos)
            << "the error names execvp and the program: " << e.what();
    }
    EXPECT_TRUE(harness::children_of(::getpid()).empty())
        << "the child that could not exec must be reaped before launch_job throws; "
        << harness::see_lesson(kLesson, kSection);
}

// Tests that a foreground job that cannot run leaves the terminal with the caller.
TEST(LaunchTest, FailedForegroundLaunchGivesTheTerminalBack) {
    lab08::PtySession session([](int tty) {
        try {
            proc::launch_job({"no-such-program-lab08"}, tty);
            lab08::say(tty, "launched\n");
        } catch (const std::system_error& e) {
            lab08::say(tty, std::string("refused: ") + e.what() + "\n");
        }
        lab08::say(tty, ::tcgetpgrp(tty) == ::getpgrp() ? "terminal: back\n" : "terminal: lost\n");
    });
    EXPECT_TRUE(session.expect("refused: execvp no-such-program-lab08"));
    EXPECT_TRUE(session.expect_line("terminal: back"))
        << "the caller's group must be the foreground group again; "
        << harness::see_lesson(kLesson, kSection);
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// Tests that an empty command is refused before anything is started.
TEST(LaunchTest, EmptyCommandIsRefused) {
    try {
        proc::launch_job({});
        ADD_FAILURE() << "launch_job({}) must throw std::invalid_argument";
    } catch (const course::NotImplemented& e) {
        ADD_FAILURE() << e.what();
    } catch (const std::invalid_argument&) {
    }
}

}  // namespace
