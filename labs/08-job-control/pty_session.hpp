/// @file
/// @brief What Lab 08's tests share: a session on a pseudo-terminal the test drives as a
/// user at a keyboard would, and small helpers for the code that runs in it.
///
/// A job-control shell needs a controlling terminal, and these tests must not touch the
/// terminal the tests themselves may run in. So each test makes its own: a pseudo-terminal
/// (`posix_openpt`), whose *slave* side becomes the controlling terminal of a new session
/// led by a forked child, which runs the code under test there (the shell's side). The test
/// keeps the *master* side, as a terminal emulator does: what it writes there is typed on
/// the terminal (the INTR character is Ctrl-C, which the terminal turns into SIGINT for the
/// foreground group), and what the session's programs write comes out of it.
///
/// Nothing waits on the clock: the test reads the terminal until the text it expects has
/// come, and the session's code writes what it saw on the terminal. When the session ends
/// first, its terminal closes, the read sees it, and the test fails with everything the
/// terminal showed (a stub's "Task N is not implemented yet" included).
///
/// What the terminal shows is only a claim: the code under test runs in the session's
/// process, before the test's own code there, and could write any transcript itself. So
/// each test also checks the facts from its own side, where no code under test runs: the
/// terminal's foreground group (asked on the master side), the modes, and the session's
/// processes as /proc shows them (state, group, program, ignored signals). It checks them
/// at a moment the text has made certain (a job that echoed a line runs; a job the shell
/// reported stopped is stopped), or while the session's code holds still in
/// wait_for_test() until the test lets it go on (go()).
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "course/file.hpp"
#include "course/sys.hpp"
#include "course/unique_fd.hpp"
#include "harness/testsupport.hpp"

namespace lab08 {

/// Writes @p text to @p fd in full (in the session: what the test will read).
inline void say(int fd, std::string_view text) {
    while (!text.empty()) {
        ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        text.remove_prefix(static_cast<std::size_t>(n));
    }
}

/// Reads one line from @p fd (blocking), without its '\n'; "" at end of file. In the
/// session, reading from the terminal in canonical mode gives one line per read.
inline std::string read_line(int fd) {
    char buffer[512];
    ssize_t n = 0;
    do {
        n = ::read(fd, buffer, sizeof buffer);
    } while (n < 0 && errno == EINTR);
    std::string line(buffer, static_cast<std::size_t>(n > 0 ? n : 0));
    if (!line.empty() && line.back() == '\n')
        line.pop_back();
    return line;
}

/// Makes @p pgid the foreground group of @p tty without being stopped for it (SIGTTOU
/// blocked around tcsetpgrp), for a session's code that is not the lab's.
inline void hand_terminal(int tty, pid_t pgid) {
    sigset_t ttou, old;
    sigemptyset(&ttou);
    sigaddset(&ttou, SIGTTOU);
    ::sigprocmask(SIG_BLOCK, &ttou, &old);
    int result = ::tcsetpgrp(tty, pgid);
    int error = errno;
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    if (result < 0)
        course::throw_error(error, "tcsetpgrp");
}

/// Blocks until @p child, a child of the caller, is stopped, leaving that for its own wait
/// to report (`waitid` with WSTOPPED and WNOWAIT).
inline void wait_until_stopped(pid_t child) {
    siginfo_t info{};
    course::retry_on_eintr("waitid", [&] {
        return ::waitid(P_PID, static_cast<id_t>(child), &info, WSTOPPED | WNOWAIT);
    });
}

/// The processes of session @p session (field 6 of /proc/PID/stat), found by one scan of
/// /proc.
inline std::vector<pid_t> session_members(pid_t session) {
    std::vector<pid_t> found;
    DIR* dir = ::opendir("/proc");
    if (dir == nullptr)
        return found;
    while (const dirent* entry = ::readdir(dir)) {
        pid_t pid = static_cast<pid_t>(std::atoi(entry->d_name));
        if (pid <= 0)
            continue;
        try {
            std::string stat = course::read_file("/proc/" + std::to_string(pid) + "/stat");
            std::size_t at = stat.rfind(')');  // then: state, ppid, pgrp, session
            for (int field = 0; field < 4 && at != std::string::npos; ++field)
                at = stat.find(' ', at + 1);
            if (at != std::string::npos && std::atoi(stat.c_str() + at + 1) == session)
                found.push_back(pid);
        } catch (const std::exception&) {  // gone meanwhile
        }
    }
    ::closedir(dir);
    return found;
}

/// What the kernel says about one process (/proc/PID/stat): read from the test's side, where
/// no code under test runs, these are the facts a transcript on the terminal cannot forge.
struct ProcessFacts {
    pid_t pid = 0;             ///< The process.
    std::string comm;          ///< Its program's name, as ps shows it.
    char state = '?';          ///< R running, S sleeping, T stopped, Z zombie...
    pid_t parent = 0;          ///< Its parent's PID.
    pid_t group = 0;           ///< Its process group.
    pid_t session = 0;         ///< Its session.
    pid_t terminal_group = 0;  ///< The foreground group of its controlling terminal (tpgid).
};

/// The facts of process @p pid; nullopt when there is no such process.
inline std::optional<ProcessFacts> facts_of(pid_t pid) {
    std::string stat;
    try {
        stat = course::read_file("/proc/" + std::to_string(pid) + "/stat");
    } catch (const std::exception&) {  // gone
        return std::nullopt;
    }
    std::size_t open = stat.find('(');
    std::size_t close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close + 2 >= stat.size())
        return std::nullopt;
    ProcessFacts facts;
    facts.pid = pid;
    facts.comm = stat.substr(open + 1, close - open - 1);
    facts.state = stat[close + 2];
    // then: ppid, pgrp, session, tty_nr, tpgid
    long fields[5] = {};
    const char* at = stat.c_str() + close + 3;
    for (long& field : fields) {
        char* end = nullptr;
        field = std::strtol(at, &end, 10);
        at = end;
    }
    facts.parent = static_cast<pid_t>(fields[0]);
    facts.group = static_cast<pid_t>(fields[1]);
    facts.session = static_cast<pid_t>(fields[2]);
    facts.terminal_group = static_cast<pid_t>(fields[4]);
    return facts;
}

/// The mask named @p field ("SigIgn", "SigBlk", "SigCgt") of process @p pid, from
/// /proc/PID/status; all ones when it cannot be read.
inline unsigned long long signal_mask(pid_t pid, const std::string& field) {
    std::string status;
    try {
        status = course::read_file("/proc/" + std::to_string(pid) + "/status");
    } catch (const std::exception&) {
        return ~0ULL;
    }
    std::size_t at = status.find("\n" + field + ":\t");
    if (at == std::string::npos)
        return ~0ULL;
    return std::strtoull(status.c_str() + at + field.size() + 3, nullptr, 16);
}

/// True if @p sig is in @p mask (a mask of signal_mask()).
inline bool has_signal(unsigned long long mask, int sig) {
    return (mask >> (sig - 1)) & 1ULL;
}

/// True if @p child, a stopped child of the caller, has been continued (SIGCONT) or has
/// ended since: it is not stopped any more (/proc/PID/stat), or `waitid` with WCONTINUED,
/// WEXITED, WNOHANG and WNOWAIT reports it (which reaps nothing). `kill()` wakes a stopped
/// process before it returns, so the answer is right as soon as it has returned. (waitid
/// alone is not enough: while a continued child is exiting, it reports neither.)
inline bool continued_since_stopped(pid_t child) {
    if (std::optional<ProcessFacts> facts = facts_of(child); facts && facts->state != 'T')
        return true;
    siginfo_t info{};
    course::retry_on_eintr("waitid", [&] {
        return ::waitid(P_PID, static_cast<id_t>(child), &info,
                        WCONTINUED | WEXITED | WNOHANG | WNOWAIT);
    });
    return info.si_pid == child;
}

namespace detail {
/// The session's end of the socket PtySession makes for wait_for_test() (-1 outside a
/// session).
inline int& hold_fd() {
    static int fd = -1;
    return fd;
}
}  // namespace detail

/// The session's code waits here until the test has checked what it must check from its
/// side (PtySession::go()): the facts stay as they are meanwhile. Tells the test it waits
/// (so a test still waiting for text fails at once instead of waiting forever), then reads
/// the socket PtySession made for it, which works in the background too (the terminal
/// would not).
inline void wait_for_test() {
    char byte = 'h';
    while (::send(detail::hold_fd(), &byte, 1, MSG_NOSIGNAL) < 0 && errno == EINTR) {
    }
    while (::read(detail::hold_fd(), &byte, 1) < 0 && errno == EINTR) {
    }
}

/// A child held until the session's code lets it go: it blocks reading a pipe and exits 0
/// at end of file. It leads a process group of its own (its PID is the group's ID, which
/// can be given the terminal), or joins @p group; it gets the default action of every
/// signal a shell changes, as a job does.
class ParkedChild {
  public:
    /// Returns once the child is in its group and has its signals reset.
    explicit ParkedChild(pid_t group = 0) {
        course::Pipe gate = course::make_pipe();
        course::Pipe ready = course::make_pipe();
        pid_ = course::check(::fork(), "fork");
        if (pid_ == 0) {
            ::setpgid(0, group);
            for (int sig : {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGCHLD})
                ::signal(sig, SIG_DFL);  // what a Terminal ignores, a job must not
            sigset_t none;
            sigemptyset(&none);
            ::sigprocmask(SIG_SETMASK, &none, nullptr);
            gate.write.reset();
            ready.write.reset();  // the parent's read sees end of file: set up
            char byte;
            while (::read(gate.read.get(), &byte, 1) < 0 && errno == EINTR) {
            }
            ::_exit(0);
        }
        ::setpgid(pid_, group == 0 ? pid_ : group);  // both sides, as the lesson explains
        gate_ = std::move(gate.write);
        ready.write.reset();
        char byte;
        while (::read(ready.read.get(), &byte, 1) < 0 && errno == EINTR) {
        }
    }
    /// Lets the child go and reaps it; @returns its raw status.
    int release() {
        gate_.reset();
        return wait();
    }
    /// Waits for the child to end without letting it go (a signal must end it) and reaps
    /// it; @returns its raw status.
    int wait() {
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        pid_ = -1;
        return status;
    }
    ~ParkedChild() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            release();
        }
    }
    ParkedChild(const ParkedChild&) = delete;
    ParkedChild& operator=(const ParkedChild&) = delete;
    /// Its PID: its group's ID too, unless it joined another group.
    pid_t pid() const { return pid_; }

  private:
    pid_t pid_ = -1;
    course::UniqueFd gate_;
};

/// A new session on a new pseudo-terminal, led by a forked child running the code under
/// test, and the test's side of the terminal.
class PtySession {
  public:
    /// Opens a pseudo-terminal with echo off (what is typed is not shown again: the output
    /// is only what the session's programs write) and NOFLSH on (a signal key flushes
    /// nothing); every other mode is the default, ISIG and ICANON included. Then forks a child that
    /// starts a new session (`setsid`), becomes a child subreaper, makes the terminal its
    /// controlling terminal (`TIOCSCTTY`) and its standard streams, puts the job-control
    /// signals back to their default actions, and runs @p body with the terminal's descriptor (0).
    /// When @p body returns, the child kills and reaps what it left and exits 0; if @p body throws,
    /// it first writes "error: " and the exception's message on the terminal, and exits 70. Returns
    /// once the session exists.
    explicit PtySession(std::function<void(int tty)> body) {
        master_.reset(course::check(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), "posix_openpt"));
        course::check(::grantpt(master_.get()), "grantpt");
        course::check(::unlockpt(master_.get()), "unlockpt");
        char name[128];
        course::check_returned(::ptsname_r(master_.get(), name, sizeof name), "ptsname_r");
        termios modes{};
        course::check(::tcgetattr(master_.get(), &modes), "tcgetattr");  // the slave's
        modes.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHOE | ECHOK | ECHONL | ECHOCTL);
        // NOFLSH: a signal key only signals. By default it also empties the terminal's
        // queues, and that flush is not ordered with what comes after the key: a line
        // typed next, or what a program writes in answer, is lost now and then (3 runs in
        // 3000 on Linux 6.18, under load).
        modes.c_lflag |= NOFLSH;
        course::check(::tcsetattr(master_.get(), TCSANOW, &modes), "tcsetattr");
        keys_ = modes;
        course::Pipe ready = course::make_pipe();
        // A socket pair rather than a pipe: go() sends with MSG_NOSIGNAL, so a session that
        // has ended makes it fail, where a pipe would kill the test with SIGPIPE.
        int hold[2];
        course::check(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, hold), "socketpair");
        course::UniqueFd hold_session(hold[0]);
        go_.reset(hold[1]);
        leader_ = course::check(::fork(), "fork");
        if (leader_ == 0) {
            master_.reset();
            ready.read.reset();
            go_.reset();
            detail::hold_fd() = hold_session.release();
            run_session(name, std::move(ready.write), body);
        }
        hold_session.reset();
        ready.write.reset();
        char byte;  // end of file once the session is set up (or has failed)
        while (::read(ready.read.get(), &byte, 1) < 0 && errno == EINTR) {
        }
    }

    /// Ends what is left of the session (every process in it, SIGKILL), reaps its leader
    /// and closes the terminal's master side.
    ~PtySession() {
        if (leader_ > 0) {
            end_session();
            while (::waitpid(leader_, nullptr, 0) < 0 && errno == EINTR) {
            }
        }
    }
    PtySession(const PtySession&) = delete;
    PtySession& operator=(const PtySession&) = delete;

    /// The session's leader (the shell's side), whose PID is the session's ID and its
    /// group's ID.
    pid_t leader() const { return leader_; }

    /// Lets the session's code go on from wait_for_test().
    /// If the session has ended, nothing happens: what the test expects next fails.
    void go() {
        char byte = 'g';
        while (::send(go_.get(), &byte, 1, MSG_NOSIGNAL) < 0 && errno == EINTR) {
        }
        ++goes_;
    }

    /// The terminal's foreground group, asked on the master side (TIOCGPGRP), where no code
    /// under test runs; 0 when it has none, -1 when it cannot be asked.
    pid_t foreground_group() const {
        pid_t group = -1;
        if (::ioctl(master_.get(), TIOCGPGRP, &group) < 0)
            return -1;
        return group;
    }

    /// The terminal's modes (the slave's, asked on the master side).
    termios modes() const {
        termios now{};
        course::check(::tcgetattr(master_.get(), &now), "tcgetattr");
        return now;
    }

    /// The processes of the session but its leader, with their facts, at this moment.
    std::vector<ProcessFacts> others() const {
        std::vector<ProcessFacts> found;
        for (pid_t pid : session_members(leader_))
            if (pid != leader_)
                if (std::optional<ProcessFacts> facts = facts_of(pid))
                    found.push_back(*facts);
        return found;
    }

    /// The processes of the session running @p comm, at this moment.
    std::vector<ProcessFacts> running(const std::string& comm) const {
        std::vector<ProcessFacts> found;
        for (const ProcessFacts& facts : others())
            if (facts.comm == comm)
                found.push_back(facts);
        return found;
    }

    /// The processes of the session that lead a group of their own other than the
    /// leader's (the jobs' leaders), at this moment.
    std::vector<ProcessFacts> group_leaders() const {
        std::vector<ProcessFacts> found;
        for (const ProcessFacts& facts : others())
            if (facts.group == facts.pid)
                found.push_back(facts);
        return found;
    }

    /// A description of the session's processes for a failure's message.
    std::string describe() const {
        std::string text = "foreground group " + std::to_string(foreground_group()) + "; leader " +
                           std::to_string(leader_);
        for (const ProcessFacts& facts : others())
            text += "; " + std::to_string(facts.pid) + " " + facts.comm + " state " + facts.state +
                    " group " + std::to_string(facts.group);
        return text;
    }

    /// Types @p text on the terminal.
    void type(std::string_view text) {
        while (!text.empty()) {
            ssize_t n = course::retry_on_eintr(
                "write", [&] { return ::write(master_.get(), text.data(), text.size()); });
            text.remove_prefix(static_cast<std::size_t>(n));
        }
    }
    /// Presses the key the terminal has for @p which: VINTR (Ctrl-C), VSUSP (Ctrl-Z),
    /// VQUIT (Ctrl-\), VEOF (Ctrl-D).
    void press(int which) { type(std::string(1, static_cast<char>(keys_.c_cc[which]))); }

    /// Reads what the terminal shows until @p text has come (past what earlier expects
    /// matched). What came before it is kept in before(). Fails, showing all it read, if
    /// the terminal closes first.
    ::testing::AssertionResult expect(std::string_view text) { return wait_for(text, false); }
    /// Like expect(), for a whole line: @p line between two line ends (or at the start).
    ::testing::AssertionResult expect_line(std::string_view line) { return wait_for(line, true); }
    /// What came between the previous match and the last one.
    const std::string& before() const { return before_; }
    /// Everything the terminal showed so far (carriage returns left out).
    const std::string& output() const { return output_; }

    /// Waits for the session's leader to end, ends what it left in the session, reads the
    /// rest of the terminal's output. @returns the leader's raw wait status.
    int finish() {
        int status = 0;
        course::retry_on_eintr("waitpid", [&] { return ::waitpid(leader_, &status, 0); });
        end_session();
        leader_ = -1;
        while (read_some()) {
        }
        return status;
    }

  private:
    [[noreturn]] static void run_session(const char* name, course::UniqueFd ready,
                                         const std::function<void(int)>& body) {
        int tty = -1;
        // A subreaper: what the jobs' own children leave when a job is killed comes back
        // to the session, which reaps it at the end instead of leaving it to init.
        if (::setsid() < 0 || ::prctl(PR_SET_CHILD_SUBREAPER, 1) < 0 ||
            (tty = ::open(name, O_RDWR)) < 0 || ::ioctl(tty, TIOCSCTTY, 0) < 0 ||
            ::dup2(tty, 0) < 0 || ::dup2(tty, 1) < 0 || ::dup2(tty, 2) < 0)
            ::_exit(71);
        if (tty > 2)
            ::close(tty);
        // The session starts as a login shell does, with the job-control signals at their
        // default actions, whatever the test program inherited: started in the background
        // by a script, it ignores SIGINT and SIGQUIT.
        for (int sig : {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU})
            ::signal(sig, SIG_DFL);
        ready.reset();
        int code = 0;
        try {
            body(0);
        } catch (const std::exception& e) {
            say(1, std::string("error: ") + e.what() + "\n");
            code = 70;
        } catch (...) {
            say(1, "error: an exception that is not a std::exception\n");
            code = 70;
        }
        harness::kill_and_reap_children();  // what the code under test left behind
        ::_exit(code);
    }

    // SIGKILL to every process of the session but its leader, then to the leader.
    void end_session() {
        for (pid_t pid : session_members(leader_))
            if (pid != leader_)
                ::kill(pid, SIGKILL);
        ::kill(leader_, SIGKILL);
    }

    // Blocks until the terminal has something to read or the session's code waits in
    // wait_for_test(); true in the second case when the terminal has nothing to read then.
    // What the session wrote before it said it waits is readable by then: a poll of the
    // master side first pushes through what the slave side has written.
    bool holding_with_nothing_to_read() {
        for (;;) {
            if (holds_ > goes_) {
                pollfd master{master_.get(), POLLIN, 0};
                int ready = 0;
                while ((ready = ::poll(&master, 1, 0)) < 0 && errno == EINTR) {
                }
                return ready == 0;
            }
            pollfd entries[2] = {{master_.get(), POLLIN, 0}, {go_.get(), POLLIN, 0}};
            int ready = ::poll(entries, 2, -1);
            if (ready < 0 && errno == EINTR)
                continue;
            if (ready < 0 || entries[0].revents != 0)
                return false;  // read_some() reads it, or sees the end
            char byte;
            if ((entries[1].revents & POLLIN) && ::recv(go_.get(), &byte, 1, MSG_DONTWAIT) == 1)
                ++holds_;
            else
                return false;  // the session's end of the socket is closed: it ended
        }
    }

    // Reads what is there (blocking until something is); false at the terminal's end.
    bool read_some() {
        char buffer[1024];
        ssize_t n = 0;
        do {
            n = ::read(master_.get(), buffer, sizeof buffer);
        } while (n < 0 && errno == EINTR);
        if (n <= 0)  // EIO: every copy of the slave side is closed
            return false;
        for (ssize_t i = 0; i < n; ++i)
            if (buffer[i] != '\r')
                output_ += buffer[i];
        return true;
    }

    // The first line past what was matched that reports an error ("proc: ..." from the
    // shell, "error: ..." from the session), when it is complete; "" when there is none.
    std::string error_line() const {
        for (std::size_t at = seen_; at < output_.size();) {
            std::size_t end = output_.find('\n', at);
            if (end == std::string::npos)
                return "";
            std::string_view line(output_.data() + at, end - at);
            if (line.starts_with("proc: ") || line.starts_with("error: "))
                return std::string(line);
            at = end + 1;
        }
        return "";
    }

    // Reads until @p text has come (anywhere, or as a whole line). Fails at once when an
    // error is reported first: a shell that reported one waits for the next command, and
    // the text would never come.
    ::testing::AssertionResult wait_for(std::string_view text, bool whole_line) {
        for (;;) {
            std::size_t at = output_.find(text, seen_);
            while (whole_line && at != std::string::npos &&
                   !((at == 0 || output_[at - 1] == '\n') && at + text.size() < output_.size() &&
                     output_[at + text.size()] == '\n'))
                at = output_.find(text, at + 1);
            if (at != std::string::npos) {
                before_ = output_.substr(seen_, at - seen_);
                seen_ = at + text.size() + (whole_line ? 1 : 0);
                return ::testing::AssertionSuccess();
            }
            if (std::string error = error_line(); !error.empty())
                return ::testing::AssertionFailure()
                       << "expected the terminal to show " << (whole_line ? "the line " : "")
                       << "\"" << text << "\", but first it showed an error:\n"
                       << error << "\nAll it showed:\n"
                       << output_.substr(seen_);
            if (holding_with_nothing_to_read())
                return ::testing::AssertionFailure()
                       << "expected the terminal to show " << (whole_line ? "the line " : "")
                       << "\"" << text
                       << "\", but the session's code waits for the test (wait_for_test) and "
                          "wrote nothing more. It showed:\n"
                       << output_.substr(seen_);
            if (!read_some())
                return ::testing::AssertionFailure()
                       << "expected the terminal to show " << (whole_line ? "the line " : "")
                       << "\"" << text << "\", but it closed first. It showed:\n"
                       << output_.substr(seen_);
        }
    }

    course::UniqueFd master_;
    course::UniqueFd go_;  // the test's end of wait_for_test()'s socket
    int holds_ = 0;        // how many times the session's code said it waits
    int goes_ = 0;         // how many times the test let it go on
    termios keys_{};
    pid_t leader_ = -1;
    std::string output_;
    std::string before_;
    std::size_t seen_ = 0;
};

}  // namespace lab08
