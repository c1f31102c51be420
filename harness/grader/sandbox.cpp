// The grader's side of the sandbox: prepares the child's plan, starts it, supervises it,
// and reads what it and the kernel report. The child's side is sandbox_child.cpp.
#include "sandbox.hpp"

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

#include "child_reports.hpp"
#include "course/file.hpp"
#include "course/sys.hpp"
#include "course/unique_fd.hpp"
#include "harness/resource_events.hpp"
#include "hsys/proc.hpp"
#include "hsys/run.hpp"
#include "launch.hpp"
#include "namespaces.hpp"
#include "resource_event_reader.hpp"
#include "sandbox_child.hpp"

namespace grader {
namespace {

using Clock = std::chrono::steady_clock;

void reap_finished_children() {
    // ECHILD ends the loop: no children left. 0: some are still dying.
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
}

// Whether the calling process has no child at all, not even a zombie (none is reaped).
// Then it has no descendant either (a descendant's chain of parents goes through a child
// of ours; one whose parent ended was re-parented to us, the subreaper), and the scan of
// every process on the machine, the costliest step of a test on a busy one, is not needed.
bool has_no_child() {
    siginfo_t info{};
    return ::waitid(P_ALL, 0, &info,
                    WEXITED | WSTOPPED | WCONTINUED | WNOHANG | WNOWAIT | __WALL) != 0 &&
           errno == ECHILD;
}

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
    out.leftovers_killed += kill_all_descendants();
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

}  // namespace

void become_subreaper() {
    course::check(::prctl(PR_SET_CHILD_SUBREAPER, 1), "prctl");
}

int kill_all_descendants() {
    int killed = 0;
    // Each round kills what exists; anything forked meanwhile is re-parented to us (we
    // are the subreaper) and found by the next round.
    for (int round = 0; round < 10000; ++round) {
        if (has_no_child())
            break;  // so none of its descendants is alive: no need to read every process's stat
        auto alive = hsys::descendants_of(::getpid());
        if (alive.empty())
            break;
        for (pid_t pid : alive) {
            if (::kill(pid, SIGKILL) == 0)
                ++killed;
        }
        reap_finished_children();
    }
    reap_finished_children();
    return killed;
}

namespace {

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

// The grader's environment for the test; for root's tests run as nobody, PATH keeps only
// the folders nobody can search (else execvp() fails with EACCES, not ENOENT).
std::vector<std::string> test_environment(bool as_nobody) {
    std::vector<std::string> env;
    for (char** var = environ; *var != nullptr; ++var) {
        std::string entry = *var;
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
    plan.grader_ends[2] = sync.write.get();
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

Outcome run_sandboxed(const std::vector<std::string>& argv, const std::string& workdir,
                      const Limits& limits, const SandboxIo& io) {
    if (io.pass_fds.size() > child::kMaxPassed - 1)
        throw std::invalid_argument("run_sandboxed: at most 4 descriptors may be passed");
    Outcome out;
    out.address_space = limits.address_space;
    std::vector<char*> args;
    for (const auto& arg : argv)
        args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    // The resource events descriptor comes after io's; non-blocking, so that a full pipe
    // drops an event instead of stopping the test.
    auto events = course::make_pipe();
    course::check(::fcntl(events.write.get(), F_SETFL, O_NONBLOCK), "fcntl");
    auto env = test_environment(::geteuid() == 0 && limits.drop_root);
    env.insert(env.end(), io.env.begin(), io.env.end());
    env.push_back(std::string(harness::kResourceEventsFdVariable) + "=" +
                  std::to_string(3 + io.pass_fds.size()));
    std::vector<char*> envp;
    for (auto& var : env)
        envp.push_back(var.data());
    envp.push_back(nullptr);
    child::ChildPlan plan;
    plan.argv = args.data();
    plan.envp = envp.data();
    plan.workdir = workdir.c_str();
    plan.cwd = io.cwd.empty() ? workdir.c_str() : io.cwd.c_str();
    PreparedView view;
    if (limits.isolate)
        prepare_view(limits, argv.at(0), workdir, io.cwd, view, plan.filesystem);
    plan.limits = &limits;
    plan.root = ::geteuid() == 0;
    plan.isolated = limits.isolate;
    if (!limits.isolate)
        plan.guarded = grader_targets(::getpid(), ::getppid(), ::getpgrp(), ::getsid(0));
    if (plan.root && limits.drop_root) {
        course::check(::chown(workdir.c_str(), ns::kNobody, ns::kNobody), "chown");
    }
    std::unique_ptr<TestCgroup> cgroup;
    if (limits.cgroup) {
        try {
            cgroup =
                std::make_unique<TestCgroup>(*limits.cgroup, limits.memory_max, limits.pids_max);
        } catch (const std::system_error& e) {
            out.sandbox_error = std::string("cannot make the test's cgroup: ") + e.what();
            return out;
        }
        out.memory_max = limits.memory_max;
        if (!limits.isolate)
            plan.cgroup_fd = cgroup->procs_fd();
    }
    auto output = course::make_pipe();
    auto report = course::make_pipe();
    plan.output_fd = output.write.get();
    plan.report_fd = report.write.get();
    plan.grader_ends[0] = output.read.get();
    plan.grader_ends[1] = report.read.get();
    plan.grader_ends[3] = io.stream_fd;
    plan.grader_ends[4] = events.read.get();
    for (int fd : io.pass_fds)
        plan.passed[plan.passed_count++] = fd;
    plan.passed[plan.passed_count++] = events.write.get();
    auto start = Clock::now();
    pid_t pid = -1;
    if (limits.isolate) {
        pid = start_isolated(plan, cgroup.get(), out);
        if (pid < 0)
            return out;
    } else {
        std::string error;
        pid = launch::launch_child(plan, error);  // the launcher becomes the test
        if (pid < 0) {
            out.sandbox_error = error;
            return out;
        }
    }
    output.write.reset();  // so that end of file means every writer is gone
    report.write.reset();
    events.write.reset();
    out.started = true;
    Streams streams{{output.read.get(), limits.output_cap}, {io.stream_fd, io.stream_cap}};
    supervise(pid, streams, out, limits, io, argv.at(0).c_str(), start);
    if (cgroup) {
        try {
            auto counted = cgroup->events();
            out.memory_limit_kills = counted.oom_kills;
            out.process_limit_refusals = counted.pids_refused;
        } catch (const std::system_error&) {
            // counters unreadable: the verdict rests on the other signs
        }
    }
    read_reports(report.read.get(), limits.isolate, out);
    if (limits.isolate) {
        long cap = limits.process_cap > 0 ? limits.process_cap : 1L << 30;
        if (limits.max_processes > 0)
            cap = std::min<long>(cap, static_cast<long>(limits.max_processes));
        out.process_limit_reached = out.processes_started >= cap - 8;
    }
    clean_up(pid, streams, out, limits, io);
    read_resource_events(events.read.get(), out);
    return out;  // the cgroup kills what is left in it, and goes
}

}  // namespace grader
