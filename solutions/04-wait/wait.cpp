// Lab 04 — waiting for a child (reference solution).
#include "wait.hpp"

#include <poll.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "course/sys.hpp"
#include "course/unique_fd.hpp"

namespace proc {

std::optional<int> ExitStatus::exit_code() const {
    if (WIFEXITED(raw_))
        return WEXITSTATUS(raw_);  // bits 8–15
    return std::nullopt;
}

std::optional<int> ExitStatus::term_signal() const {
    if (WIFSIGNALED(raw_))
        return WTERMSIG(raw_);  // bits 0–6, when not 0 nor 0x7f
    return std::nullopt;
}

bool ExitStatus::core_dumped() const {
    return WIFSIGNALED(raw_) && WCOREDUMP(raw_);
}

std::optional<int> ExitStatus::stop_signal() const {
    if (WIFSTOPPED(raw_))
        return WSTOPSIG(raw_);  // low byte 0x7f, signal in bits 8–15
    return std::nullopt;
}

bool ExitStatus::continued() const {
    return WIFCONTINUED(raw_);
}  // 0xffff

bool ExitStatus::success() const {
    return exit_code() == 0;
}

int ExitStatus::shell_code() const {
    if (auto code = exit_code())
        return *code;
    if (auto sig = term_signal())
        return 128 + *sig;
    if (auto sig = stop_signal())
        return 128 + *sig;
    return 0;
}

std::string signal_name(int sig) {
    // sigabbrev_np (glibc 2.32+) gives "KILL" without the prefix; null for the
    // real-time signals and for numbers that are not signals.
    if (const char* abbrev = ::sigabbrev_np(sig))
        return std::string("SIG") + abbrev;
    return "signal " + std::to_string(sig);
}

std::string ExitStatus::to_string() const {
    std::string what;
    if (auto code = exit_code()) {
        what = "exited with code " + std::to_string(*code);
    } else if (auto sig = term_signal()) {
        what = "killed by " + signal_name(*sig) + (core_dumped() ? ", core dumped" : "");
    } else if (auto stop = stop_signal()) {
        what = "stopped by " + signal_name(*stop);
    } else if (continued()) {
        what = "continued";
    } else {
        what = "ended in an unknown way";
    }
    return what + " (raw status " + std::to_string(raw_) + ")";
}

namespace {

// A reaped or empty Child has no PID we may wait for: the number may belong to
// another process by now, and waitpid(-1) would even wait for *any* child.
void require_unreaped(const Child& child) {
    if (child.reaped())
        course::throw_error(ECHILD, "waitpid");
}

}  // namespace

ExitStatus wait(Child& child) {
    require_unreaped(child);
    int status = 0;
    // A handler installed without SA_RESTART makes waitpid fail with EINTR; the child is
    // still there, so waiting again is exactly right.
    course::retry_on_eintr("waitpid", [&] { return ::waitpid(child.pid(), &status, 0); });
    child.mark_reaped();
    return ExitStatus(status);
}

std::optional<ExitStatus> try_wait(Child& child) {
    require_unreaped(child);
    int status = 0;
    pid_t pid =
        course::retry_on_eintr("waitpid", [&] { return ::waitpid(child.pid(), &status, WNOHANG); });
    // 0 means "it has not ended yet". status is then meaningless (left at 0): reading
    // it as "exited with 0" is the race the notes got away with.
    if (pid == 0)
        return std::nullopt;
    child.mark_reaped();
    return ExitStatus(status);
}

namespace {

// glibc 2.36's <sys/pidfd.h> lacks extern "C" (fixed in 2.37), so a C++ program cannot
// link its pidfd_open: make the system call directly.
int open_pidfd(pid_t pid) {
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}

// Milliseconds left until @p deadline, at least 0, for poll().
int millis_until(std::chrono::steady_clock::time_point deadline) {
    auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    return static_cast<int>(std::max<long long>(0, left.count()));
}

}  // namespace

std::optional<ExitStatus> wait_for(Child& child, std::chrono::milliseconds timeout) {
    require_unreaped(child);
    // A pidfd refers to this very process (not to a PID number that could be reused)
    // and poll() reports it readable once the process has ended.
    course::UniqueFd pidfd(course::check(open_pidfd(child.pid()), "pidfd_open"));
    auto deadline = std::chrono::steady_clock::now() + timeout;
    pollfd entry{pidfd.get(), POLLIN, 0};
    for (;;) {
        int ready = ::poll(&entry, 1, millis_until(deadline));
        if (ready > 0)
            return try_wait(child);  // ended: this waitpid cannot block
        if (ready == 0)
            return std::nullopt;  // timed out, the child still runs
        if (errno != EINTR)
            course::throw_errno("poll");
        // Interrupted by a signal: poll again for the time that is left.
    }
}

}  // namespace proc
