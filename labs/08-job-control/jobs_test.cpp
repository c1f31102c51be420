// Lab 08's tests, tasks 3 and 4, on the job table itself: SIGCHLD read from a descriptor,
// the foreground wait (Ctrl-Z and Ctrl-C typed on a pseudo-terminal), background jobs
// reaped without a handler, job specs, describe(), fg and bg. The shell's tests
// (shell_test.cpp) type the same things at the given shell.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "course/sys.hpp"
#include "course/todo.hpp"
#include "harness/testsupport.hpp"
#include "jobs.hpp"
#include "pty_session.hpp"
#include "terminal.hpp"

namespace {

const char* kLesson = "08-job-control.md";
const char* kWaiting = "waiting-for-jobs-without-races";
const char* kBuiltins = "jobs-fg-and-bg";

// True if @p fd is readable right now.
bool readable(int fd) {
    pollfd entry{fd, POLLIN, 0};
    return ::poll(&entry, 1, 0) == 1;
}

// True if SIGCHLD is blocked in the calling thread.
bool sigchld_blocked() {
    sigset_t mask;
    ::sigprocmask(SIG_BLOCK, nullptr, &mask);
    return sigismember(&mask, SIGCHLD) == 1;
}

// Blocks until @p pid has ended, without reaping it (waitid with WNOWAIT): then its
// SIGCHLD has been sent, and a wait of its own still finds it.
void wait_until_ended(pid_t pid) {
    siginfo_t info{};
    course::retry_on_eintr("waitid", [&] {
        return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT);
    });
}

// The numbers in @p numbers, joined by spaces ("none" when empty).
std::string joined(const std::vector<int>& numbers) {
    std::string text;
    for (int n : numbers)
        text += (text.empty() ? "" : " ") + std::to_string(n);
    return text.empty() ? "none" : text;
}

// "shell" when the caller's group is the terminal's foreground group, else "someone else".
std::string foreground_of(int tty) {
    return ::tcgetpgrp(tty) == ::getpgrp() ? "shell" : "someone else";
}

// The jobs of @p session as the test sees them from outside it: the processes that lead a
// group of their own other than the shell's. Expects @p count of them.
std::vector<lab08::ProcessFacts> jobs_seen(const lab08::PtySession& session, std::size_t count) {
    std::vector<lab08::ProcessFacts> jobs = session.group_leaders();
    EXPECT_EQ(jobs.size(), count) << "jobs in the session, seen from outside it ("
                                  << session.describe() << "); "
                                  << harness::see_lesson(kLesson, kWaiting);
    return jobs;
}

// The one job of @p session running @p comm, seen from outside it; pid 0 if none.
lab08::ProcessFacts job_running(const lab08::PtySession& session, const std::string& comm) {
    for (const lab08::ProcessFacts& facts : session.group_leaders())
        if (facts.comm == comm)
            return facts;
    ADD_FAILURE() << "expected " << comm << " in a group of its own in the session ("
                  << session.describe() << "); " << harness::see_lesson(kLesson, kWaiting);
    return {};
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

// --- Task 3: ChildSignals ---

// Tests that SIGCHLD is blocked while a ChildSignals lives, and only then.
TEST(ChildSignalsTest, BlocksSigchldWhileItLives) {
    ASSERT_FALSE(sigchld_blocked()) << "the test starts with SIGCHLD unblocked";
    {
        proc::ChildSignals signals;
        EXPECT_TRUE(sigchld_blocked()) << "SIGCHLD must be blocked, to be read from the "
                                       << "descriptor; " << harness::see_lesson(kLesson, kWaiting);
        EXPECT_GE(signals.fd(), 0);
        EXPECT_FALSE(readable(signals.fd())) << "no child has changed yet";
    }
    EXPECT_FALSE(sigchld_blocked()) << "the destructor restores the mask";
}

// Tests that the descriptor becomes readable when a child ends, and that drain() empties
// it: three children, one pending SIGCHLD.
TEST(ChildSignalsTest, ReadableWhenChildrenEndAndDrainEmptiesIt) {
    proc::ChildSignals signals;
    std::vector<harness::TestChild> children;
    for (int i = 0; i < 3; ++i)
        children.push_back(harness::TestChild::fork([] {}));
    for (auto& child : children)
        child.wait_until_zombie();
    EXPECT_TRUE(readable(signals.fd()))
        << "a child ended: SIGCHLD is pending; " << harness::see_lesson(kLesson, kWaiting);
    EXPECT_EQ(signals.drain(), 1) << "three children ended while SIGCHLD was blocked: an "
                                     "ordinary signal does not queue, one is pending; "
                                  << harness::see_lesson(kLesson, kWaiting);
    EXPECT_FALSE(readable(signals.fd())) << "drain() reads every pending signal";
    EXPECT_EQ(signals.drain(), 0) << "nothing pending: drain() must not block";
    for (auto& child : children)
        EXPECT_EXITED_WITH(child.wait(), 0);
}

// Tests that the destructor restores the mask as it was, not merely unblocks SIGCHLD.
TEST(ChildSignalsTest, RestoresThePreviousMask) {
    sigset_t chld, old;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    ::sigprocmask(SIG_BLOCK, &chld, &old);
    { proc::ChildSignals signals; }
    bool still_blocked = sigchld_blocked();
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    EXPECT_TRUE(still_blocked) << "SIGCHLD was blocked before: it must stay blocked after";
}

// --- Task 3: the foreground job ---

// Tests that a foreground job is waited for until it ends, reaped, and that the shell has
// the terminal again.
TEST(ForegroundJobTest, WaitsUntilTheJobEnds) {
    lab08::PtySession session([](int tty) {
        proc::Terminal terminal(tty);
        proc::JobTable table(terminal);
        proc::Job& job = table.start({"sh", "-c", "echo ready; read line; exit 3"}, false);
        lab08::say(tty, "job " + std::to_string(job.number) + ": " +
                            job.status.value().to_string() + "\n");
        lab08::say(tty, job.leader.reaped() ? "reaped: yes\n" : "reaped: no\n");
        lab08::say(tty, "foreground: " + foreground_of(tty) + "\n");
        lab08::wait_for_test();
    });
    ASSERT_TRUE(session.expect_line("ready"));
    lab08::ProcessFacts job = job_running(session, "sh");  // it waits for a line
    expect_foreground(session, job.group, "the job's group");
    session.type("go\n");
    EXPECT_TRUE(session.expect_line("job 1: exited with code 3 (raw status 768)"))
        << harness::see_lesson(kLesson, kWaiting);
    EXPECT_TRUE(session.expect_line("reaped: yes")) << "mark the leader reaped once it has ended";
    EXPECT_TRUE(session.expect_line("foreground: shell"))
        << "the shell takes the terminal back when the job ends; "
        << harness::see_lesson(kLesson, kWaiting);
    EXPECT_EQ(state_of(job.pid), '-') << "the job is reaped: " << session.describe();
    expect_foreground(session, session.leader(), "the shell's group");
    session.go();
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// Tests that Ctrl-Z stops the foreground job, and gives the shell its prompt back.
TEST(ForegroundJobTest, CtrlZStopsTheJobAndTheShellCarriesOn) {
    lab08::PtySession session([](int tty) {
        proc::Terminal terminal(tty);
        proc::JobTable table(terminal);
        proc::Job& job = table.start({"cat"}, false);
        lab08::say(tty, std::string("state: ") +
                            (job.state == proc::JobState::stopped ? "stopped" : "not stopped") +
                            "\n");
        lab08::say(tty, "status: " + job.status.value().to_string() + "\n");
        lab08::say(tty, "foreground: " + foreground_of(tty) + "\n");
        lab08::wait_for_test();
    });
    session.type("ping\n");
    ASSERT_TRUE(session.expect_line("ping"))
        << "cat, in the foreground, reads the line and writes it back";
    lab08::ProcessFacts cat = job_running(session, "cat");
    expect_foreground(session, cat.group, "cat's group");
    session.press(VSUSP);
    EXPECT_TRUE(session.expect_line("state: stopped"))
        << "wait with WUNTRACED: a stopped job must give the shell its prompt back; "
        << harness::see_lesson(kLesson, kWaiting);
    EXPECT_TRUE(session.expect("status: stopped by SIGTSTP"));
    EXPECT_TRUE(session.expect_line("foreground: shell"));
    EXPECT_EQ(state_of(cat.pid), 'T') << "cat must be stopped: " << session.describe();
    expect_foreground(session, session.leader(), "the shell's group");
    session.go();
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// Tests that Ctrl-C kills the foreground job and not the shell.
TEST(ForegroundJobTest, CtrlCKillsTheJobNotTheShell) {
    lab08::PtySession session([](int tty) {
        proc::Terminal terminal(tty);
        proc::JobTable table(terminal);
        proc::Job& job = table.start({"cat"}, false);
        lab08::say(tty, "status: " + job.status.value().to_string() + "\n");
        lab08::say(tty, "foreground: " + foreground_of(tty) + "\n");
        lab08::wait_for_test();
    });
    session.type("ping\n");
    ASSERT_TRUE(session.expect_line("ping"));
    lab08::ProcessFacts cat = job_running(session, "cat");
    expect_foreground(session, cat.group, "cat's group");
    session.press(VINTR);
    EXPECT_TRUE(session.expect("status: killed by SIGINT"))
        << harness::see_lesson(kLesson, kWaiting);
    EXPECT_TRUE(session.expect_line("foreground: shell"));
    EXPECT_EQ(state_of(cat.pid), '-') << "cat is killed and reaped: " << session.describe();
    expect_foreground(session, session.leader(), "the shell's group");
    session.go();
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// Tests that a job stopped in the foreground keeps its terminal modes for later, and that
// the shell gets its own back.
TEST(ForegroundJobTest, StoppedJobKeepsItsModesAndTheShellGetsItsOwn) {
    lab08::PtySession session([](int tty) {
        proc::Terminal terminal(tty);
        proc::JobTable table(terminal);
        proc::Job& job = table.start({"sh", "-c", "stty -icanon; kill -STOP $$"}, false);
        lab08::say(tty, "status: " + job.status.value().to_string() + "\n");
        bool raw = job.modes && !(job.modes->c_lflag & ICANON);
        lab08::say(tty, std::string("job's modes: ") + (raw ? "saved" : "not saved") + "\n");
        termios now{};
        course::check(::tcgetattr(tty, &now), "tcgetattr");
        lab08::say(tty,
                   std::string("line editing: ") + (now.c_lflag & ICANON ? "on" : "off") + "\n");
        lab08::wait_for_test();
    });
    EXPECT_TRUE(session.expect("status: stopped by SIGSTOP"));
    EXPECT_TRUE(session.expect_line("job's modes: saved"))
        << "the terminal's modes when the job stopped go in Job::modes (tcgetattr), for fg; "
        << harness::see_lesson(kLesson, kWaiting);
    EXPECT_TRUE(session.expect_line("line editing: on"))
        << "the shell's modes come back with the terminal (Terminal::take_back)";
    lab08::ProcessFacts job = job_running(session, "sh");
    EXPECT_EQ(job.state, 'T') << "the job must be stopped: " << session.describe();
    EXPECT_NE(session.modes().c_lflag & ICANON, 0U)
        << "the shell's modes come back with the terminal, seen from outside the session";
    expect_foreground(session, session.leader(), "the shell's group");
    session.go();
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// --- Task 3: background jobs ---

// Tests that a background job that ends makes the descriptor readable, and that reap()
// then records it.
TEST(ReapTest, BackgroundJobThatEndsIsReported) {
    lab08::PtySession session([](int tty) {
        proc::ChildSignals signals;
        proc::Terminal terminal(tty);
        proc::JobTable table(terminal);
        proc::Job& job = table.start({"sh", "-c", "exit 4"}, true);
        lab08::say(tty, "foreground: " + foreground_of(tty) + "\n");
        lab08::wait_for_test();  // the job is there, running or not reaped yet
        pollfd entry{signals.fd(), POLLIN, 0};
        course::retry_on_eintr("poll", [&] { return ::poll(&entry, 1, -1); });
        signals.drain();
        lab08::say(tty, "changed: " + joined(table.reap()) + "\n");
        lab08::say(tty, "job 1: " + job.status.value().to_string() + "\n");
        lab08::say(tty, job.leader.reaped() ? "reaped: yes\n" : "reaped: no\n");
        lab08::wait_for_test();
    });
    EXPECT_TRUE(session.expect_line("foreground: shell")) << "a background job leaves the terminal";
    std::vector<lab08::ProcessFacts> jobs = jobs_seen(session, 1);
    expect_foreground(session, session.leader(), "the shell's group");
    session.go();
    EXPECT_TRUE(session.expect_line("changed: 1")) << harness::see_lesson(kLesson, kWaiting);
    EXPECT_TRUE(session.expect_line("job 1: exited with code 4 (raw status 1024)"));
    EXPECT_TRUE(session.expect_line("reaped: yes"));
    for (const lab08::ProcessFacts& job : jobs)
        EXPECT_EQ(state_of(job.pid), '-') << "the job is reaped: " << session.describe();
    session.go();
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// Tests that a background job that reads the terminal is stopped by SIGTTIN, and reap()
// says so (WUNTRACED).
TEST(ReapTest, BackgroundReaderIsStoppedBySigttin) {
    lab08::PtySession session([](int tty) {
        proc::ChildSignals signals;
        proc::Terminal terminal(tty);
        proc::JobTable table(terminal);
        proc::Job& job = table.start({"cat"}, true);
        pollfd entry{signals.fd(), POLLIN, 0};
        course::retry_on_eintr("poll", [&] { return ::poll(&entry, 1, -1); });
        signals.drain();
        lab08::say(tty, "changed: " + joined(table.reap()) + "\n");
        lab08::say(tty, "job 1: " + (job.status ? job.status->to_string() : "no status") + "\n");
        lab08::wait_for_test();
    });
    EXPECT_TRUE(session.expect_line("changed: 1"))
        << "a stop is a change too: waitpid with WUNTRACED; "
        << harness::see_lesson(kLesson, kWaiting);
    EXPECT_TRUE(session.expect("job 1: stopped by SIGTTIN"));
    EXPECT_EQ(job_running(session, "cat").state, 'T') << session.describe();
    expect_foreground(session, session.leader(), "the shell's group");
    session.go();
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// Tests that one reap() collects every job that ended, however few signals came.
TEST(ReapTest, ReapsEveryJobThatEnded) {
    lab08::PtySession session([](int tty) {
        proc::ChildSignals signals;
        proc::Terminal terminal(tty);
        proc::JobTable table(terminal);
        for (const char* code : {"exit 1", "exit 2", "exit 3"})
            wait_until_ended(table.start({"sh", "-c", code}, true).pgid());
        lab08::say(tty, "signals: " + std::to_string(signals.drain()) + "\n");
        lab08::wait_for_test();
        lab08::say(tty, "changed: " + joined(table.reap()) + "\n");
        for (const auto& [number, job] : table.jobs())
            lab08::say(tty, "job " + std::to_string(number) + ": " +
                                (job.leader.reaped() ? "reaped" : "not reaped") + "\n");
        lab08::wait_for_test();
    });
    EXPECT_TRUE(session.expect_line("signals: 1"));
    std::vector<lab08::ProcessFacts> jobs = jobs_seen(session, 3);
    for (const lab08::ProcessFacts& job : jobs)
        EXPECT_EQ(job.state, 'Z') << "the three jobs have ended, none reaped yet: "
                                  << session.describe();
    session.go();
    EXPECT_TRUE(session.expect_line("changed: 1 2 3"))
        << "three jobs ended for one SIGCHLD: reap() asks every job, not one per signal; "
        << harness::see_lesson(kLesson, kWaiting);
    EXPECT_TRUE(session.expect_line("job 3: reaped"));
    for (const lab08::ProcessFacts& job : jobs)
        EXPECT_EQ(state_of(job.pid), '-') << "reap() reaped every job: " << session.describe();
    session.go();
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// Tests that reap() leaves alone the shell's children that are not jobs.
TEST(ReapTest, LeavesOtherChildrenAlone) {
    lab08::PtySession session([](int tty) {
        proc::ChildSignals signals;
        proc::Terminal terminal(tty);
        proc::JobTable table(terminal);
        pid_t other = course::check(::fork(), "fork");
        if (other == 0)
            ::_exit(9);
        wait_until_ended(other);
        wait_until_ended(table.start({"true"}, true).pgid());
        lab08::say(tty, "changed: " + joined(table.reap()) + "\n");
        lab08::wait_for_test();
        int raw = 0;
        bool mine = ::waitpid(other, &raw, WNOHANG) == other;
        lab08::say(tty, mine ? "other child: still ours, " + harness::describe_status(raw) + "\n"
                             : "other child: reaped by someone else\n");
    });
    EXPECT_TRUE(session.expect_line("changed: 1"));
    std::vector<lab08::ProcessFacts> others = session.others();
    EXPECT_EQ(others.size(), 1U) << "the job is reaped, the other child is not: "
                                 << session.describe();
    for (const lab08::ProcessFacts& other : others)
        EXPECT_TRUE(other.state == 'Z' && other.group == session.leader())
            << "the other child, in the shell's group, is left a zombie: " << session.describe();
    session.go();
    EXPECT_TRUE(session.expect("other child: still ours, exited with code 9"))
        << "reap() waits for each job by its PID, never waitpid(-1, ...): the shell's other "
           "children keep their statuses; "
        << harness::see_lesson(kLesson, kWaiting);
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// --- Task 4: describe(), find(), fg and bg ---

// A job with no process, in a given state, for describe().
proc::Job job_in(int number, const char* command, proc::JobState state, std::optional<int> raw) {
    proc::Job job;
    job.number = number;
    job.command = command;
    job.state = state;
    if (raw)
        job.status = proc::ExitStatus(*raw);
    return job;
}

// Tests the lines of `jobs` for running and stopped jobs.
TEST(DescribeTest, RunningAndStopped) {
    EXPECT_EQ(proc::describe(job_in(1, "make -j2", proc::JobState::running, std::nullopt)),
              "[1] Running  make -j2")
        << harness::see_lesson(kLesson, kBuiltins);
    EXPECT_EQ(proc::describe(job_in(2, "vim notes.txt", proc::JobState::stopped, 0x147f)),
              "[2] Stopped (SIGTSTP)  vim notes.txt");
    EXPECT_EQ(proc::describe(job_in(3, "cat", proc::JobState::stopped, 0x157f)),
              "[3] Stopped (SIGTTIN)  cat");
    EXPECT_EQ(proc::describe(job_in(4, "cat", proc::JobState::running, 0xffff)), "[4] Running  cat")
        << "continued: running";
}

// Tests the lines of `jobs` for jobs that ended.
TEST(DescribeTest, DoneExitAndKilled) {
    EXPECT_EQ(proc::describe(job_in(1, "true", proc::JobState::done, 0)), "[1] Done  true")
        << harness::see_lesson(kLesson, kBuiltins);
    EXPECT_EQ(proc::describe(job_in(2, "false", proc::JobState::done, 256)), "[2] Exit 1  false");
    EXPECT_EQ(proc::describe(job_in(12, "cat", proc::JobState::done, 2)),
              "[12] Killed (SIGINT)  cat");
    EXPECT_EQ(proc::describe(job_in(3, "./crash", proc::JobState::done, 139)),
              "[3] Killed (SIGSEGV)  ./crash");
}

// Tests that find() knows "%N", "N" and the current job.
TEST(JobSpecTest, FindsJobsByNumberAndTheCurrentJob) {
    lab08::PtySession session([](int tty) {
        proc::ChildSignals signals;
        proc::Terminal terminal(tty);
        proc::JobTable table(terminal);
        table.start({"cat"}, true);                         // stops on SIGTTIN
        pid_t second = table.start({"true"}, true).pgid();  // ends
        auto number_of = [&](const char* spec) {
            proc::Job* job = table.find(spec);
            return job == nullptr ? std::string("none") : std::to_string(job->number);
        };
        std::string line;
        for (const char* spec : {"%1", "1", "%2", "", "%", "%%", "%+", "%3", "x", "%1x"})
            line += std::string(" ") + (*spec ? spec : "''") + "=" + number_of(spec);
        lab08::say(tty, "before:" + line + "\n");
        lab08::wait_for_test();
        wait_until_ended(second);
        table.reap();
        lab08::say(tty, std::string("after job 2 ended: %+=") + number_of("%+") + "\n");
        lab08::wait_for_test();
    });
    EXPECT_TRUE(
        session.expect_line("before: %1=1 1=1 %2=2 ''=2 %=2 %%=2 %+=2 %3=none x=none %1x=none"))
        << harness::see_lesson(kLesson, kBuiltins);
    std::vector<lab08::ProcessFacts> jobs = jobs_seen(session, 2);  // neither reaped yet
    session.go();
    EXPECT_TRUE(session.expect_line("after job 2 ended: %+=1"))
        << "the current job is the highest-numbered one that is not done";
    jobs_seen(session, 1);  // job 2 reaped, job 1 (cat) left
    session.go();
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// Tests fg: a job stopped by Ctrl-Z continues with the terminal, and is waited for again.
TEST(FgTest, ContinuesAStoppedJobWithTheTerminal) {
    lab08::PtySession session([](int tty) {
        proc::Terminal terminal(tty);
        proc::JobTable table(terminal);
        proc::Job& job = table.start({"cat"}, false);
        lab08::say(tty, "status: " + job.status.value().to_string() + "\n");
        table.resume_in_foreground(job);
        lab08::say(tty, "then: " + job.status.value().to_string() + "\n");
        lab08::say(tty, "foreground: " + foreground_of(tty) + "\n");
        lab08::wait_for_test();
    });
    session.type("one\n");
    ASSERT_TRUE(session.expect_line("one"));
    lab08::ProcessFacts cat = job_running(session, "cat");
    session.press(VSUSP);
    ASSERT_TRUE(session.expect("status: stopped by SIGTSTP"));
    session.type("two\n");
    EXPECT_TRUE(session.expect_line("two"))
        << "fg gives the job the terminal, then SIGCONT: cat reads again; "
        << harness::see_lesson(kLesson, kBuiltins);
    EXPECT_NE(state_of(cat.pid), 'T') << "fg continues cat: " << session.describe();
    expect_foreground(session, cat.group, "cat's group, after fg");
    session.press(VEOF);
    EXPECT_TRUE(session.expect("then: exited with code 0"));
    EXPECT_TRUE(session.expect_line("foreground: shell"));
    EXPECT_EQ(state_of(cat.pid), '-') << "cat has ended and been reaped: " << session.describe();
    expect_foreground(session, session.leader(), "the shell's group");
    session.go();
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// Tests that fg gives a job back the terminal modes it had when it stopped.
TEST(FgTest, GivesTheJobItsModesBack) {
    lab08::PtySession session([](int tty) {
        proc::Terminal terminal(tty);
        proc::JobTable table(terminal);
        proc::Job& job = table.start(
            {"sh", "-c", "stty -icanon; kill -STOP $$; stty -a; echo waiting; read line"}, false);
        lab08::say(tty, "status: " + job.status.value().to_string() + "\n");
        table.resume_in_foreground(job);
        lab08::say(tty, "then: " + job.status.value().to_string() + "\n");
    });
    ASSERT_TRUE(session.expect("status: stopped by SIGSTOP"));
    ASSERT_TRUE(session.expect_line("waiting"));
    EXPECT_NE(session.before().find("-icanon"), std::string::npos)
        << "stty -a, run after fg, should find the job's own modes (no line editing); it "
           "showed:\n"
        << session.before() << harness::see_lesson(kLesson, kBuiltins);
    // The job waits for a line, in the foreground: the test sees its modes itself.
    lab08::ProcessFacts job = job_running(session, "sh");
    expect_foreground(session, job.group, "the job's group, after fg");
    EXPECT_EQ(session.modes().c_lflag & ICANON, 0U)
        << "fg gives the job its own modes back (no line editing), seen from outside the "
           "session; "
        << harness::see_lesson(kLesson, kBuiltins);
    session.type("x\n");
    EXPECT_TRUE(session.expect("then: exited with code 0"));
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// Tests bg: a stopped job runs on in the background, to its end, and the shell keeps the
// terminal.
TEST(BgTest, ContinuesAStoppedJobInTheBackground) {
    lab08::PtySession session([](int tty) {
        proc::ChildSignals signals;
        proc::Terminal terminal(tty);
        proc::JobTable table(terminal);
        proc::Job& job = table.start({"sh", "-c", "kill -STOP $$; echo resumed; exit 6"}, false);
        lab08::say(tty, "status: " + job.status.value().to_string() + "\n");
        lab08::wait_for_test();
        table.resume_in_background(job);
        if (!lab08::continued_since_stopped(job.pgid())) {
            lab08::say(tty, "still stopped after bg\n");
            return;
        }
        lab08::say(tty, "foreground: " + foreground_of(tty) + "\n");
        while (job.state != proc::JobState::done) {
            pollfd entry{signals.fd(), POLLIN, 0};
            course::retry_on_eintr("poll", [&] { return ::poll(&entry, 1, -1); });
            signals.drain();
            table.reap();
        }
        lab08::say(tty, "then: " + job.status.value().to_string() + "\n");
        lab08::wait_for_test();
    });
    ASSERT_TRUE(session.expect("status: stopped by SIGSTOP"));
    lab08::ProcessFacts job = job_running(session, "sh");
    EXPECT_EQ(job.state, 'T') << "the job must be stopped: " << session.describe();
    session.go();
    EXPECT_TRUE(session.expect_line("foreground: shell"))
        << "bg sends SIGCONT to the job's group and leaves the terminal to the shell; "
        << harness::see_lesson(kLesson, kBuiltins);
    EXPECT_TRUE(session.expect("then: exited with code 6"));
    // The job's "resumed" may come before or after the shell's "foreground: shell".
    EXPECT_NE(session.output().find("\nresumed\n"), std::string::npos) << session.output();
    EXPECT_EQ(state_of(job.pid), '-') << "the job ran to its end: " << session.describe();
    expect_foreground(session, session.leader(), "the shell's group");
    session.go();
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// Tests that bg continues every process of the job's group, not only its leader.
TEST(BgTest, ContinuesTheWholeGroup) {
    lab08::PtySession session([](int tty) {
        proc::Terminal terminal(tty);
        proc::JobTable table(terminal);
        course::Pipe parked = course::make_pipe();
        course::check(::fcntl(parked.read.get(), F_SETFD, 0), "fcntl");  // the job inherits it
        std::string read_the_pipe = "exec cat <&" + std::to_string(parked.read.get());
        proc::Job& job = table.start({"sh", "-c", read_the_pipe}, true);
        lab08::ParkedChild other(job.pgid());                 // a second process in the job's group
        course::check(::kill(-job.pgid(), SIGTSTP), "kill");  // what Ctrl-Z does to a job
        lab08::wait_until_stopped(job.pgid());
        lab08::wait_until_stopped(other.pid());
        table.resume_in_background(job);
        lab08::say(tty, std::string("leader continued: ") +
                            (lab08::continued_since_stopped(job.pgid()) ? "yes" : "no") + "\n");
        lab08::say(tty, std::string("other process continued: ") +
                            (lab08::continued_since_stopped(other.pid()) ? "yes" : "no") + "\n");
        lab08::wait_for_test();
    });
    EXPECT_TRUE(session.expect_line("leader continued: yes"))
        << harness::see_lesson(kLesson, kBuiltins);
    EXPECT_TRUE(session.expect_line("other process continued: yes"))
        << "Ctrl-Z stops every process of a job: SIGCONT goes to the whole group (kill with "
           "-pgid); "
        << harness::see_lesson(kLesson, kBuiltins);
    // Seen from outside the session: two processes in the job's group, neither stopped
    // (its leader may be stopped before or after it runs cat).
    std::vector<lab08::ProcessFacts> jobs = jobs_seen(session, 1);
    std::size_t in_group = 0;
    for (const lab08::ProcessFacts& facts : session.others())
        if (!jobs.empty() && facts.group == jobs.front().group) {
            ++in_group;
            EXPECT_NE(facts.state, 'T') << "bg continues the whole group: " << session.describe();
        }
    EXPECT_EQ(in_group, 2U) << session.describe();
    session.go();
    EXPECT_EXITED_WITH(session.finish(), 0);
}

// Tests that fg and bg refuse a job that has ended.
TEST(FgTest, RefusesAJobThatEnded) {
    lab08::PtySession session([](int tty) {
        proc::Terminal terminal(tty);
        proc::JobTable table(terminal);
        proc::Job& job = table.start({"true"}, false);
        for (int which = 0; which < 2; ++which) {
            try {
                which == 0 ? (void)table.resume_in_foreground(job)
                           : table.resume_in_background(job);
                lab08::say(tty, "resumed a job that ended\n");
            } catch (const std::invalid_argument&) {
                lab08::say(tty, "refused\n");
            }
        }
    });
    EXPECT_TRUE(session.expect_line("refused")) << "fg of a done job: std::invalid_argument";
    EXPECT_TRUE(session.expect_line("refused")) << "bg of a done job: std::invalid_argument";
    EXPECT_EXITED_WITH(session.finish(), 0);
}

}  // namespace
