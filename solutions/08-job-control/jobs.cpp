// Lab 08, tasks 3 and 4 — a job table: wait for the foreground job, reap the background
// ones from a signalfd, and jobs, fg, bg (reference solution).
#include "jobs.hpp"

#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <stdexcept>

#include "course/sys.hpp"
#include "launch.hpp"

namespace proc {

// ---------------------------------------------------------------------------------------
// Task 3: SIGCHLD as a descriptor, the foreground wait, the background reaping.
// ---------------------------------------------------------------------------------------

ChildSignals::ChildSignals() {
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    // Blocked, SIGCHLD stays pending instead of running a handler at any instant: the
    // shell learns about its children only when it reads the descriptor.
    course::check(::sigprocmask(SIG_BLOCK, &chld, &previous_mask_), "sigprocmask");
    int fd = ::signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd < 0) {
        int error = errno;
        ::sigprocmask(SIG_SETMASK, &previous_mask_, nullptr);
        course::throw_error(error, "signalfd");
    }
    fd_.reset(fd);
}

ChildSignals::~ChildSignals() {
    fd_.reset();
    ::sigprocmask(SIG_SETMASK, &previous_mask_, nullptr);
}

int ChildSignals::drain() {
    int count = 0;
    signalfd_siginfo info{};
    for (;;) {
        ssize_t got = ::read(fd_.get(), &info, sizeof info);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 && errno == EAGAIN)  // non-blocking: nothing left
            return count;
        course::check(got, "read");
        ++count;
    }
}

namespace {

// Records what one wait status says about @p job.
void record(Job& job, ExitStatus status) {
    job.status = status;
    if (status.stop_signal()) {
        job.state = JobState::stopped;
    } else if (status.continued()) {
        job.state = JobState::running;
    } else {
        job.state = JobState::done;
        job.leader.mark_reaped();  // exited or killed: waitpid has reaped it
    }
}

void require_not_done(const Job& job) {
    if (job.state == JobState::done)
        throw std::invalid_argument("job " + std::to_string(job.number) + " has ended");
}

}  // namespace

Job& JobTable::start(const std::vector<std::string>& argv, bool background) {
    Child leader = launch_job(argv, background ? -1 : terminal_.fd());
    int number = jobs_.empty() ? 1 : jobs_.rbegin()->first + 1;
    std::string command;
    for (const std::string& word : argv)
        command += (command.empty() ? "" : " ") + word;
    // In the table before anything can be reaped: SIGCHLD is only read in the shell's loop.
    Job& job = jobs_[number];
    job.number = number;
    job.command = command;
    job.leader = std::move(leader);
    if (!background)
        wait_in_foreground(job);
    return job;
}

JobState JobTable::wait_in_foreground(Job& job) {
    int raw = 0;
    // WUNTRACED: a job stopped by Ctrl-Z must give the prompt back, not hang the shell.
    course::retry_on_eintr("waitpid", [&] { return ::waitpid(job.pgid(), &raw, WUNTRACED); });
    record(job, ExitStatus(raw));
    if (job.state == JobState::stopped) {
        termios modes{};
        course::check(::tcgetattr(terminal_.fd(), &modes), "tcgetattr");
        job.modes = modes;  // for fg: an editor wants its raw mode back
    }
    terminal_.take_back();
    return job.state;
}

std::vector<int> JobTable::reap() {
    std::vector<int> changed;
    for (auto& [number, job] : jobs_) {
        JobState before = job.state;
        // One SIGCHLD may stand for several changes: ask until there is nothing more.
        while (job.state != JobState::done) {
            int raw = 0;
            pid_t pid = course::retry_on_eintr("waitpid", [&] {
                return ::waitpid(job.pgid(), &raw, WNOHANG | WUNTRACED | WCONTINUED);
            });
            if (pid == 0)
                break;  // nothing new from this one
            record(job, ExitStatus(raw));
        }
        if (job.state != before)
            changed.push_back(number);
    }
    return changed;
}

// ---------------------------------------------------------------------------------------
// Task 4: jobs, fg and bg.
// ---------------------------------------------------------------------------------------

Job* JobTable::find(std::string_view spec) {
    if (spec.starts_with('%'))
        spec.remove_prefix(1);
    if (spec.empty() || spec == "%" || spec == "+") {
        for (auto it = jobs_.rbegin(); it != jobs_.rend(); ++it)
            if (it->second.state != JobState::done)
                return &it->second;
        return nullptr;
    }
    int number = 0;
    const char* end = spec.data() + spec.size();
    auto [stop, error] = std::from_chars(spec.data(), end, number);
    if (error != std::errc() || stop != end)
        return nullptr;
    auto it = jobs_.find(number);
    return it == jobs_.end() ? nullptr : &it->second;
}

JobState JobTable::resume_in_foreground(Job& job) {
    require_not_done(job);
    if (job.modes)
        course::check(::tcsetattr(terminal_.fd(), TCSADRAIN, &*job.modes), "tcsetattr");
    // The terminal first: a job continued in the background would read, and stop again.
    terminal_.give_to(job.pgid());
    // The whole group: Ctrl-Z stopped every process of it, not only the leader.
    course::check(::kill(-job.pgid(), SIGCONT), "kill");
    job.state = JobState::running;
    return wait_in_foreground(job);
}

void JobTable::resume_in_background(Job& job) {
    require_not_done(job);
    course::check(::kill(-job.pgid(), SIGCONT), "kill");
    job.state = JobState::running;
}

std::string describe(const Job& job) {
    std::string state = "Running";
    if (job.state == JobState::stopped) {
        state = "Stopped (" + signal_name(job.status.value().stop_signal().value()) + ")";
    } else if (job.state == JobState::done) {
        if (auto code = job.status.value().exit_code())
            state = *code == 0 ? "Done" : "Exit " + std::to_string(*code);
        else
            state = "Killed (" + signal_name(job.status.value().term_signal().value()) + ")";
    }
    return "[" + std::to_string(job.number) + "] " + state + "  " + job.command;
}

}  // namespace proc
