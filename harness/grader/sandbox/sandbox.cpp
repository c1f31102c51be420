// The grader's side of the sandbox: prepares the child's plan, starts it, supervises it,
// and reads what it and the kernel report. The child's side is sandbox_child.cpp.
#include "sandbox/sandbox.hpp"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string_view>

#include "course/file.hpp"
#include "course/sys.hpp"
#include "course/unique_fd.hpp"
#include "harness/resource_events.hpp"
#include "hsys/proc.hpp"
#include "hsys/reap.hpp"
#include "hsys/run.hpp"
#include "sandbox/child_reports.hpp"
#include "sandbox/launch.hpp"
#include "sandbox/namespaces.hpp"
#include "sandbox/resource_event_reader.hpp"
#include "sandbox/sandbox_child.hpp"

namespace grader {
namespace {

using Clock = std::chrono::steady_clock;

// The program's output and its result stream, read while it runs and after.
struct Streams {
    hsys::Stream output;
    hsys::Stream results;  // fd -1: none

    std::vector<hsys::Stream*> open() {
        std::vector<hsys::Stream*> list{&output};
        if (results.fd >= 0)
            list.push_back(&results);
        return list;
    }
};

// Waits for the program to end or for the deadline (then, after a look at it when @p io asks
// for one, kills it), reading its streams meanwhile.
void supervise(pid_t pid, Streams& streams, Outcome& out, const Limits& limits, const SandboxIo& io,
               const char* program, Clock::time_point start) {
    auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(limits.wall_seconds));
    auto list = streams.open();
    auto look = [&] { out.at_deadline = take_deadline_snapshot(pid, limits.isolate, program); };
    auto waited = hsys::wait_with_deadline(pid, list, deadline, SIGKILL, true,
                                           io.look_at_deadline ? look : std::function<void()>());
    out.raw_status = waited.status;
    out.timed_out = waited.timed_out;
    out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
}

// After the program ended: nothing it started may outlive it, then read what is left
// (every writer is gone, so this never waits).
void clean_up(pid_t pid, Streams& streams, Outcome& out, const Limits& limits,
              const SandboxIo& io) {
    ::kill(-pid, SIGKILL);
    // In namespaces the init was the test's PID 1: its end killed and reaped every process
    // of the namespace (its own report counted them), and none can have left it. Without
    // them, what escaped was re-parented to us, the subreaper: kill it all. The grader runs
    // tests side by side only in namespaces, so that scan never meets another test's.
    if (!limits.isolate)
        out.leftovers_killed += hsys::kill_all_descendants();
    for (auto* stream : streams.open()) {
        while (stream->open && hsys::drain(*stream) > 0) {
        }
    }
    out.output = std::move(streams.output.data);
    out.output_bytes = streams.output.total;
    out.output_truncated = out.output_bytes > limits.output_cap;
    if (io.stream_fd >= 0) {
        out.stream = std::move(streams.results.data);
        out.stream_bytes = streams.results.total;
    }
}

// Whether everyone may search every folder of @p dir (so nobody can use it in PATH).
bool everyone_can_search(const std::string& dir) {
    if (dir.empty() || dir[0] != '/')
        return false;
    for (std::size_t end = 1; end != std::string::npos; end = dir.find('/', end + 1)) {
        struct stat info {};
        auto prefix = dir.substr(0, dir.find('/', end));
        if (::stat(prefix.c_str(), &info) != 0 || (info.st_mode & S_IXOTH) == 0)
            return false;
        if (prefix.size() == dir.size())
            break;
    }
    return true;
}

// Whether the variable of @p entry ("NAME=value") is one kTestEnvironment lets through.
bool test_may_see(std::string_view entry) {
    std::string_view name = entry.substr(0, entry.find('='));
    for (std::string_view allowed : kTestEnvironment) {
        if (allowed.back() == '*'
                ? name.substr(0, allowed.size() - 1) == allowed.substr(0, allowed.size() - 1)
                : name == allowed)
            return true;
    }
    return false;
}

// The grader's environment for the program (all of it when @p whole, else what
// kTestEnvironment allows); for root's tests run as nobody, PATH keeps only the folders
// nobody can search (else execvp() fails with EACCES, not ENOENT).
std::vector<std::string> test_environment(bool as_nobody, bool whole) {
    std::vector<std::string> env;
    for (char** var = environ; *var != nullptr; ++var) {
        std::string entry = *var;
        if (!whole && !test_may_see(entry))
            continue;
        if (as_nobody && entry.rfind("PATH=", 0) == 0) {
            std::string kept;
            std::size_t from = 5;
            for (std::size_t to; from <= entry.size(); from = to + 1) {
                to = std::min(entry.find(':', from), entry.size());
                auto dir = entry.substr(from, to - from);
                if (everyone_can_search(dir))
                    kept += (kept.empty() ? "" : ":") + dir;
            }
            entry = "PATH=" + kept;
        }
        env.push_back(entry);
    }
    return env;
}

// A view's steps as the child reads them (plain pointers into `steps`) and the slots
// for its detached copies.
struct PreparedView {
    std::vector<ViewStep> steps;
    std::vector<ns::MountStep> mounts;
    std::vector<int> trees;
};

void prepare_view(const Limits& limits, const std::string& program, const std::string& workdir,
                  const std::string& cwd, PreparedView& prepared, ns::FilesystemPlan& plan) {
    static const View everything;
    const View& view = limits.view ? *limits.view : everything;
    prepared.steps = plan_view(view, program, workdir, cwd);
    for (const auto& step : prepared.steps) {
        auto kind = step.kind == ViewStep::hide            ? ns::MountStep::hide
                    : step.kind == ViewStep::show          ? ns::MountStep::show
                    : step.kind == ViewStep::show_writable ? ns::MountStep::show_writable
                                                           : ns::MountStep::folder;
        prepared.mounts.push_back({kind, step.path.c_str(), step.is_file});
    }
    prepared.trees.assign(prepared.steps.size(), -1);
    plan = {prepared.mounts.data(), prepared.mounts.size(), prepared.trees.data(), view.devices,
            view.proc};
}

// Starts the sandbox's init in new namespaces and lets it go once its ids are mapped and
// it is in its cgroup. @returns its PID, or -1 with out.sandbox_error set.
pid_t start_isolated(child::ChildPlan& plan, const TestCgroup* cgroup, Outcome& out) {
    auto sync = course::make_pipe();
    plan.sync_fd = sync.read.get();
    plan.grader_ends[child::kSyncWrite] = sync.write.get();
    // The sandbox's launcher (launch.hpp) clones the init, as our child, without copying
    // the grader. An ordinary user may write the id maps of a dumpable process only: the
    // init is dumpable (the launcher, freshly executed, is) until they are written, then
    // it turns that off; the grader never is.
    std::string error;
    pid_t init = launch::launch_child(plan, error);
    if (init > 0)
        error = ns::write_id_maps(init, plan.root);
    if (init < 0) {
        out.sandbox_error = error;
        return -1;
    }
    if (error.empty() && cgroup != nullptr) {
        try {
            cgroup->add(init);  // before it runs a line of the test: all of it is counted
        } catch (const std::system_error& e) {
            error = e.what();
        }
    }
    if (!error.empty()) {
        ::kill(init, SIGKILL);
        course::retry_on_eintr("waitpid", [&] { return ::waitpid(init, nullptr, 0); });
        out.sandbox_error = error;
        return -1;
    }
    return init;  // closing sync.write (here) lets the init go on
}

// Appends to @p bytes what the pipe @p fd holds now, up to @p cap bytes in all, without
// waiting for its writers (made non-blocking). @returns "" or, when a call fails otherwise
// than "nothing more now", "CALL WHAT: ERRNO" (no throw: the test's processes are not yet
// cleaned up when this runs).
std::string read_available(int fd, std::size_t cap, std::string& bytes, const char* what) {
    if (::fcntl(fd, F_SETFL, O_NONBLOCK) != 0)
        return std::string("fcntl O_NONBLOCK ") + what + ": " + std::strerror(errno);
    char buffer[4096];
    while (bytes.size() < cap) {
        ssize_t n = ::read(fd, buffer, std::min(sizeof buffer, cap - bytes.size()));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n < 0)
            return std::string("read ") + what + ": " + std::strerror(errno);
        if (n == 0)
            break;
        bytes.append(buffer, static_cast<std::size_t>(n));
    }
    return "";
}

// Reads the child's reports into @p out: a step that failed (the first one wins), else
// the init's account of how the test ended.
void read_reports(int report_fd, bool isolated, Outcome& out) {
    std::string bytes;
    std::string failed = read_available(report_fd, child::kMaxReportBytes, bytes, "report pipe");
    if (!failed.empty()) {
        out.sandbox_error = "cannot read the sandbox's reports (" + failed + ")";
        return;
    }
    auto reports = child::decode_child_reports(bytes);
    if (reports.failed) {
        out.sandbox_error =
            reports.failure.empty() ? "the sandbox's child reported a failure" : reports.failure;
        return;
    }
    if (reports.ended) {
        out.raw_status = reports.status;
        out.leftovers_killed += reports.leftovers;
        out.processes_started = reports.last_pid;
    }
    if (!isolated || reports.ended || out.timed_out)
        return;
    if (out.memory_limit_kills > 0) {
        out.raw_status = SIGKILL;  // the OOM killer took the init too: the test died with it
        return;
    }
    out.sandbox_error =
        "the sandbox's init ended without a report (" + std::to_string(out.raw_status) + ")";
}

// What the program's resource events pipe holds (its writers may still live: read what
// is there, never wait for end of file).
void read_resource_events(int fd, Outcome& out) {
    constexpr std::size_t kCap = 16384;
    std::string failed = read_available(fd, kCap, out.resource_events, "resource events pipe");
    if (!failed.empty() && out.sandbox_error.empty())
        out.sandbox_error = "cannot read the test's resource events (" + failed + ")";
    out.resource_events_cut = out.resource_events.size() >= kCap;
}

}  // namespace

bool Outcome::resource_event(const char* kind) const {
    auto events = decode_resource_events(resource_events, resource_events_cut);
    if (std::string_view(kind) == harness::kOutOfMemoryEvent)
        return events.out_of_memory;
    return std::string_view(kind) == harness::kTooManyProcessesEvent && events.too_many_processes;
}

namespace {

// The program's arguments and environment, kept alive for the plan's pointers into them.
struct ProgramText {
    std::vector<std::string> env;
    std::vector<char*> argv;
    std::vector<char*> envp;
};

// @p argv and the test's environment (the grader's as io allows, io's, and where its resource
// events go: the descriptor after io's), as the child's plan reads them.
void prepare_program_text(const std::vector<std::string>& argv, const Limits& limits,
                          const SandboxIo& io, ProgramText& text) {
    for (const auto& arg : argv)
        text.argv.push_back(const_cast<char*>(arg.c_str()));
    text.argv.push_back(nullptr);
    text.env = test_environment(::geteuid() == 0 && limits.drop_root, io.whole_environment);
    text.env.insert(text.env.end(), io.env.begin(), io.env.end());
    text.env.push_back(std::string(harness::kResourceEventsFdVariable) + "=" +
                       std::to_string(3 + io.pass_fds.size()));
    for (auto& var : text.env)
        text.envp.push_back(var.data());
    text.envp.push_back(nullptr);
}

// The run's pipes, by what each carries.
struct RunPipes {
    course::Pipe output = course::make_pipe();  // the program's stdout and stderr
    course::Pipe report = course::make_pipe();  // the child's reports
    course::Pipe events = course::make_pipe();  // the program's resource events

    // Non-blocking for the program, so that a full pipe drops an event instead of
    // stopping the test.
    RunPipes() { course::check(::fcntl(events.write.get(), F_SETFL, O_NONBLOCK), "fcntl"); }

    // Once the child has them: end of file then means every writer is gone.
    void close_child_ends() {
        output.write.reset();
        report.write.reset();
        events.write.reset();
    }
};

// The ids of the grader's threads and of its parent's (`grader batch` grades from worker
// threads): a signal sent to any of them reaches the whole process. Threads that cannot
// be listed are left out (the process ids themselves are guarded whatever happens).
std::vector<pid_t> threads_to_guard() {
    std::vector<pid_t> threads;
    for (pid_t pid : {::getpid(), ::getppid()}) {
        try {
            auto more = hsys::list_threads(pid);
            threads.insert(threads.end(), more.begin(), more.end());
        } catch (const std::system_error&) {
            // the parent may be out of sight: its id is guarded all the same
        }
    }
    return threads;
}

// Fills @p plan for running @p text in @p workdir under @p limits: the view (isolated), the
// grader's own targets to guard (not isolated), and which descriptor goes where.
void prepare_plan(const ProgramText& text, const std::string& program, const std::string& workdir,
                  const Limits& limits, const SandboxIo& io, RunPipes& pipes, PreparedView& view,
                  child::ChildPlan& plan) {
    plan.argv = text.argv.data();
    plan.envp = text.envp.data();
    plan.workdir = workdir.c_str();
    plan.cwd = io.cwd.empty() ? workdir.c_str() : io.cwd.c_str();
    if (limits.isolate)
        prepare_view(limits, program, workdir, io.cwd, view, plan.filesystem);
    plan.limits = &limits;
    plan.root = ::geteuid() == 0;
    plan.isolated = limits.isolate;
    if (!limits.isolate)
        plan.guarded =
            grader_targets(::getpid(), ::getppid(), ::getpgrp(), ::getsid(0), threads_to_guard());
    plan.output_fd = pipes.output.write.get();
    plan.report_fd = pipes.report.write.get();
    plan.grader_ends[child::kOutputRead] = pipes.output.read.get();
    plan.grader_ends[child::kReportRead] = pipes.report.read.get();
    plan.grader_ends[child::kStreamRead] = io.stream_fd;
    plan.grader_ends[child::kEventsRead] = pipes.events.read.get();
    for (int fd : io.pass_fds)
        plan.passed[plan.passed_count++] = fd;
    plan.passed[plan.passed_count++] = pipes.events.write.get();
}

// The test's cgroup, when @p limits ask for one (null otherwise, or when it cannot be
// made: then out.sandbox_error says why). Not isolated, the test joins it itself.
std::unique_ptr<TestCgroup> make_test_cgroup(const Limits& limits, child::ChildPlan& plan,
                                             Outcome& out) {
    if (!limits.cgroup)
        return nullptr;
    std::unique_ptr<TestCgroup> cgroup;
    try {
        cgroup = std::make_unique<TestCgroup>(*limits.cgroup, limits.memory_max, limits.pids_max);
    } catch (const std::system_error& e) {
        out.sandbox_error = std::string("cannot make the test's cgroup: ") + e.what();
        return nullptr;
    }
    out.memory_max = limits.memory_max;
    if (!limits.isolate)
        plan.cgroup_fd = cgroup->procs_fd();
    return cgroup;
}

// Starts the child that runs @p plan: the namespaces' init (isolated), else the program
// itself. The one place a sandboxed child is launched. @returns its PID, or -1 with
// out.sandbox_error set.
pid_t launch_child(child::ChildPlan& plan, const TestCgroup* cgroup, Outcome& out) {
    if (plan.isolated)
        return start_isolated(plan, cgroup, out);
    std::string error;
    pid_t pid = launch::launch_child(plan, error);  // the launcher becomes the program
    if (pid < 0)
        out.sandbox_error = error;
    return pid;
}

// What the cgroup counted: OOM kills and refused forks (unreadable: the verdict rests on
// the other signs).
void read_cgroup_counters(const TestCgroup* cgroup, Outcome& out) {
    if (cgroup == nullptr)
        return;
    try {
        auto counted = cgroup->events();
        out.memory_limit_kills = counted.oom_kills;
        out.process_limit_refusals = counted.pids_refused;
    } catch (const std::system_error&) {
    }
}

// Isolated: whether the test started about as many processes as it may.
void note_process_limit(const Limits& limits, Outcome& out) {
    if (!limits.isolate)
        return;
    long cap = limits.process_cap > 0 ? limits.process_cap : 1L << 30;
    if (limits.max_processes > 0)
        cap = std::min<long>(cap, static_cast<long>(limits.max_processes));
    out.process_limit_reached = out.processes_started >= cap - 8;
}

// From the launch to the end: watches the child until it ends or its deadline, then reads
// every account of the run into @p out and leaves nothing of it alive.
void watch_to_the_end(pid_t pid, RunPipes& pipes, const TestCgroup* cgroup, const Limits& limits,
                      const SandboxIo& io, const char* program, Clock::time_point start,
                      Outcome& out) {
    Streams streams{{pipes.output.read.get(), limits.output_cap}, {io.stream_fd, io.stream_cap}};
    supervise(pid, streams, out, limits, io, program, start);
    read_cgroup_counters(cgroup, out);
    read_reports(pipes.report.read.get(), limits.isolate, out);
    note_process_limit(limits, out);
    clean_up(pid, streams, out, limits, io);
    read_resource_events(pipes.events.read.get(), out);
}

}  // namespace

Outcome run_sandboxed(const std::vector<std::string>& argv, const std::string& workdir,
                      const Limits& limits, const SandboxIo& io) {
    if (io.pass_fds.size() > child::kMaxPassed - 1)
        throw std::invalid_argument("run_sandboxed: at most 4 descriptors may be passed");
    Outcome out;
    out.address_space = limits.address_space;
    RunPipes pipes;
    ProgramText text;
    prepare_program_text(argv, limits, io, text);
    PreparedView view;
    child::ChildPlan plan;
    prepare_plan(text, argv.at(0), workdir, limits, io, pipes, view, plan);
    if (plan.root && limits.drop_root)
        course::check(::chown(workdir.c_str(), ns::kNobody, ns::kNobody), "chown");
    auto cgroup = make_test_cgroup(limits, plan, out);
    if (!out.sandbox_error.empty())
        return out;
    auto start = Clock::now();
    pid_t pid = launch_child(plan, cgroup.get(), out);
    if (pid < 0)
        return out;
    pipes.close_child_ends();
    out.started = true;
    watch_to_the_end(pid, pipes, cgroup.get(), limits, io, argv.at(0).c_str(), start, out);
    return out;  // the cgroup kills what is left in it, and goes
}

}  // namespace grader
