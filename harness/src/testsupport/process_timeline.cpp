// The shared log of a test's processes and its telling (process_timeline.hpp).
#include "process_timeline.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <vector>

#include "harness/testsupport.hpp"

namespace harness::timeline {
namespace {

enum class Kind : std::int32_t { none, started, runs, exec_failed, reaped, changed, signalled };

constexpr std::size_t kEvents = 256;
constexpr std::size_t kText = 112;

// One thing a process of the test did. `kind` is written last (release): an event whose
// kind is still `none` is being written and is skipped.
struct Event {
    std::int64_t nanoseconds;  // since the test began
    pid_t pid;                 // the process it is about
    pid_t by;                  // the process that did it
    std::int32_t value;        // a raw status, a signal, an errno
    char text[kText];          // a command line, a call's name
    std::atomic<Kind> kind;
};

// The log, in memory every forked child shares (MAP_SHARED): a child's exec lands here too.
struct Log {
    std::atomic<std::uint32_t> claimed;
    std::atomic<std::uint32_t> dropped;
    std::int64_t start;
    Event events[kEvents];
};

Log* shared_log = nullptr;
pid_t test_process = 0;

const char* const kStandIns[] = {"fork",        "execve",       "execv",   "execvp", "execvpe",
                                 "fexecve",     "wait",         "waitpid", "wait4",  "waitid",
                                 "posix_spawn", "posix_spawnp", "kill"};
void* real_functions[std::size(kStandIns)] = {};

std::int64_t now() noexcept {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

// Copies @p text into @p to (kText bytes), cut with "..." when it does not fit.
void copy_text(char* to, std::size_t at, const char* text) noexcept {
    for (; *text != '\0' && at + 1 < kText; ++text)
        to[at++] = *text;
    to[at] = '\0';
    if (*text != '\0' && kText > 4)
        std::memcpy(to + kText - 4, "...", 4);
}

// Takes the next free event for @p kind about @p pid, or nullptr when the log is full or off.
Event* claim(pid_t pid, std::int32_t value) noexcept {
    if (shared_log == nullptr)
        return nullptr;
    std::uint32_t slot = shared_log->claimed.fetch_add(1, std::memory_order_relaxed);
    if (slot >= kEvents) {
        shared_log->dropped.fetch_add(1, std::memory_order_relaxed);
        return nullptr;
    }
    Event& event = shared_log->events[slot];
    event.nanoseconds = now() - shared_log->start;
    event.pid = pid;
    event.by = ::getpid();
    event.value = value;
    event.text[0] = '\0';
    return &event;
}

void publish(Event* event, Kind kind) noexcept {
    if (event != nullptr)
        event->kind.store(kind, std::memory_order_release);
}

void record(Kind kind, pid_t pid, std::int32_t value, const char* text) noexcept {
    Event* event = claim(pid, value);
    if (event != nullptr)
        copy_text(event->text, 0, text);
    publish(event, kind);
}

// What the test's end found of one process.
struct Found {
    char state = '?';    // from /proc/PID/stat; '-' when it was gone
    pid_t parent = 0;    // its parent then
    int exit_code = -1;  // a zombie's raw status (/proc/PID/stat field 52)
    std::string name;    // its command line, or its comm name
};

// Reads at most @p cap bytes of @p path ("" when it cannot be read).
std::string read_some(const std::string& path, std::size_t cap) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return "";
    std::string bytes(cap, '\0');
    std::size_t size = 0;
    while (size < cap) {
        ssize_t n = ::read(fd, bytes.data() + size, cap - size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        size += static_cast<std::size_t>(n);
    }
    ::close(fd);
    bytes.resize(size);
    return bytes;
}

// A command line as a shell would show it: arguments joined, quoted when they hold a space.
std::string shown_command(const std::string& nul_separated) {
    std::string shown;
    std::size_t start = 0;
    while (start < nul_separated.size()) {
        std::size_t end = nul_separated.find('\0', start);
        if (end == std::string::npos)
            end = nul_separated.size();
        std::string word = nul_separated.substr(start, end - start);
        if (!shown.empty())
            shown += ' ';
        bool quote = word.empty() || word.find_first_of(" \t'\"") != std::string::npos;
        shown += quote ? "'" + word + "'" : word;
        start = end + 1;
    }
    return shown;
}

Found look_at(pid_t pid) {
    Found found;
    std::string dir = "/proc/" + std::to_string(pid);
    std::string stat = read_some(dir + "/stat", 4096);
    auto close = stat.rfind(')');
    auto open = stat.find('(');
    if (close == std::string::npos || open == std::string::npos || close + 2 >= stat.size()) {
        found.state = '-';
        return found;
    }
    found.state = stat[close + 2];
    // Fields from the state on (field 3), separated by spaces: the parent is field 4, the
    // exit code of a zombie field 52 (Linux 3.5 and later).
    std::vector<std::string> fields;
    for (std::size_t at = close + 2; at < stat.size();) {
        std::size_t end = stat.find(' ', at);
        if (end == std::string::npos)
            end = stat.size();
        fields.push_back(stat.substr(at, end - at));
        at = end + 1;
    }
    if (fields.size() > 1)
        found.parent = static_cast<pid_t>(std::atoi(fields[1].c_str()));
    if (found.state == 'Z' && fields.size() > 49)
        found.exit_code = std::atoi(fields[49].c_str());
    found.name = shown_command(read_some(dir + "/cmdline", 256));
    if (found.name.empty())
        found.name = stat.substr(open + 1, close - open - 1);
    return found;
}

// An event as the test's end copied it out of the shared log.
struct Copied {
    Kind kind;
    std::int64_t nanoseconds;
    pid_t pid;
    pid_t by;
    std::int32_t value;
    std::string text;
};

// The frozen test.
struct Frozen {
    std::vector<Copied> events;
    std::uint32_t dropped = 0;
    std::map<pid_t, Found> processes;
    std::vector<OpenDescriptor> before;
    std::vector<OpenDescriptor> left_open;
    std::vector<int> write_ends;  // of left_open: the descriptors open for writing only
};
Frozen frozen;

// True when descriptor @p fd is open for writing only (the write end of a pipe).
bool write_only(int fd) {
    std::string info = read_some("/proc/self/fdinfo/" + std::to_string(fd), 512);
    auto flags = info.find("flags:");
    return flags != std::string::npos &&
           (std::strtoul(info.c_str() + flags + 6, nullptr, 8) & O_ACCMODE) == O_WRONLY;
}

std::string at_time(std::int64_t nanoseconds) {
    char text[32];
    double ms = static_cast<double>(nanoseconds) / 1e6;
    if (ms < 1000)
        std::snprintf(text, sizeof text, "+%.1f ms", ms);
    else
        std::snprintf(text, sizeof text, "+%.2f s", ms / 1000);
    return text;
}

std::string who(pid_t by) {
    return by == test_process ? "the test" : "pid " + std::to_string(by);
}

// A process's story as story_of() reads it from the events, one step after another.
struct Story {
    std::string name;
    std::string steps;
    bool reaped = false;
    bool seen_start = false;
    bool ended_told = false;  // a wait call already said how it ended
};

// The step @p event adds to @p story ("" for none), noting in it what the step tells.
std::string step_of(const Copied& event, Story& story) {
    std::string when = " " + at_time(event.nanoseconds);
    switch (event.kind) {
        case Kind::started:
            story.seen_start = true;
            return "started" + when + " by " + who(event.by) + " (" + event.text + ")";
        case Kind::runs: {
            std::string step = story.name.empty() ? "" : "ran " + event.text + when;
            story.name = event.text;
            return step;
        }
        case Kind::exec_failed:
            return std::string("could not run it (") + std::strerror(event.value) + ")" + when;
        case Kind::reaped:
            story.reaped = true;
            return describe_status(event.value) + ", reaped" + when + " by " + who(event.by) +
                   " (" + event.text + ")";
        case Kind::changed:
            story.ended_told =
                story.ended_told || WIFEXITED(event.value) || WIFSIGNALED(event.value);
            return describe_status(event.value) + ", seen" + when + " by " + who(event.by);
        case Kind::signalled:
            return who(event.by) + " sent it " + signal_name(event.value) + when +
                   (event.pid < 0 ? " (to its group)" : "");
        case Kind::none:
            break;
    }
    return "";
}

// How the test's end found a process the test never reaped.
std::string unreaped_end(const Found& found, bool ended_told) {
    if (found.state == 'Z' && ended_told)
        return "never reaped: a zombie at the test's end";
    if (found.state == 'Z')
        return (found.exit_code >= 0 ? describe_status(found.exit_code) : "ended") +
               ", never reaped: a zombie at the test's end";
    if (found.state == 'T' || found.state == 't')
        return "stopped, still there at the test's end";
    if (found.state == '-')
        return "gone by the test's end (not reaped by the test)";
    return "still running at the test's end";
}

// One process's line: its name, then what happened to it, then how the test's end found it.
std::string story_of(pid_t pid, const Found& found) {
    Story story;
    for (const Copied& event : frozen.events) {
        bool about_it = event.pid == pid || (event.kind == Kind::signalled && event.value != 0 &&
                                             (event.pid == pid || event.pid == -pid));
        if (!about_it)
            continue;
        std::string step = step_of(event, story);
        if (!step.empty())
            story.steps += (story.steps.empty() ? "" : "; ") + step;
    }
    std::string steps = story.steps;
    if (!story.seen_start)
        steps = "started by " + who(found.parent > 0 ? found.parent : test_process) +
                (steps.empty() ? "" : "; " + steps);
    if (!story.reaped)
        steps += "; " + unreaped_end(found, story.ended_told);
    std::string name = story.name;
    if (name.empty())
        name = found.name.empty() ? "?" : found.name;
    if (name.size() > 60)
        name = name.substr(0, 57) + "...";
    return "pid " + std::to_string(pid) + " (" + name + "): " + steps;
}

}  // namespace

void install() noexcept {
    for (std::size_t i = 0; i < std::size(kStandIns); ++i)
        real_functions[i] = ::dlsym(RTLD_NEXT, kStandIns[i]);
    void* memory =
        ::mmap(nullptr, sizeof(Log), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED)
        return;  // no timeline: tests still run, failures are told without it
    shared_log = new (memory) Log();
    test_process = ::getpid();
}

void* real_function(const char* name) noexcept {
    for (std::size_t i = 0; i < std::size(kStandIns); ++i) {
        if (std::strcmp(kStandIns[i], name) != 0)
            continue;
        if (real_functions[i] == nullptr)
            real_functions[i] = ::dlsym(RTLD_NEXT, name);  // before install(): rare
        return real_functions[i];
    }
    return nullptr;
}

void begin_test() {
    frozen = Frozen{};
    frozen.before = open_descriptors();
    if (shared_log == nullptr || ::getpid() != test_process)
        return;
    for (auto& event : shared_log->events)
        event.kind.store(Kind::none, std::memory_order_relaxed);
    shared_log->dropped.store(0, std::memory_order_relaxed);
    shared_log->start = now();
    shared_log->claimed.store(0, std::memory_order_release);
}

void started(pid_t pid, const char* how) noexcept {
    record(Kind::started, pid, 0, how);
}

void runs(pid_t pid, const char* const* argv) noexcept {
    Event* event = claim(pid, 0);
    if (event != nullptr) {
        std::size_t at = 0;
        for (int i = 0; argv != nullptr && argv[i] != nullptr && at + 1 < kText; ++i) {
            if (i > 0)
                event->text[at++] = ' ';
            bool quote = argv[i][0] == '\0' || std::strpbrk(argv[i], " \t'\"") != nullptr;
            if (quote && at + 1 < kText)
                event->text[at++] = '\'';
            copy_text(event->text, at, argv[i]);
            at = std::strlen(event->text);
            if (quote && at + 1 < kText)
                event->text[at++] = '\'';
            event->text[at] = '\0';
        }
    }
    publish(event, Kind::runs);
}

void exec_failed(int error) noexcept {
    record(Kind::exec_failed, ::getpid(), error, "");
}

void reaped(pid_t pid, int raw_status, const char* call) noexcept {
    record(Kind::reaped, pid, raw_status, call);
}

void changed(pid_t pid, int raw_status) noexcept {
    record(Kind::changed, pid, raw_status, "");
}

void signalled(pid_t target, int sig) noexcept {
    record(Kind::signalled, target, sig, "");
}

void end_test() {
    if (shared_log != nullptr) {
        std::uint32_t count =
            std::min<std::uint32_t>(shared_log->claimed.load(std::memory_order_acquire), kEvents);
        for (std::uint32_t i = 0; i < count; ++i) {
            const Event& event = shared_log->events[i];
            Kind kind = event.kind.load(std::memory_order_acquire);
            if (kind == Kind::none)
                continue;
            frozen.events.push_back({kind, event.nanoseconds, event.pid, event.by, event.value,
                                     std::string(event.text, ::strnlen(event.text, kText))});
        }
        frozen.dropped = shared_log->dropped.load(std::memory_order_relaxed);
    }
    for (const Copied& event : frozen.events) {
        if (event.kind != Kind::signalled && event.pid > 0 && event.pid != test_process)
            frozen.processes.emplace(event.pid, Found{});
    }
    for (const auto& child : children_of(::getpid()))
        frozen.processes.emplace(child.pid, Found{});
    for (auto& [pid, found] : frozen.processes)
        found = look_at(pid);
    for (const auto& open : open_descriptors()) {
        bool held_before = std::any_of(
            frozen.before.begin(), frozen.before.end(),
            [&](const auto& old) { return old.fd == open.fd && old.target == open.target; });
        if (held_before || open.path_handle)
            continue;
        frozen.left_open.push_back(open);
        if (write_only(open.fd))
            frozen.write_ends.push_back(open.fd);
    }
}

std::string describe(std::size_t max_processes) {
    // Oldest first: by the time of the first event about each process.
    std::vector<std::pair<std::int64_t, pid_t>> order;
    for (const auto& [pid, found] : frozen.processes) {
        std::int64_t first = INT64_MAX;
        for (const auto& event : frozen.events) {
            if (event.pid == pid)
                first = std::min(first, event.nanoseconds);
        }
        order.emplace_back(first, pid);
    }
    std::sort(order.begin(), order.end());
    std::string told;
    for (std::size_t i = 0; i < order.size(); ++i) {
        if (i == max_processes) {
            told += "  ... and " + std::to_string(order.size() - i) + " more processes\n";
            break;
        }
        told += "  " + story_of(order[i].second, frozen.processes.at(order[i].second)) + "\n";
    }
    if (frozen.dropped > 0)
        told += "  (" + std::to_string(frozen.dropped) + " more events were not recorded)\n";
    if (!frozen.left_open.empty()) {
        told += "  left open:";
        for (std::size_t i = 0; i < frozen.left_open.size() && i < 10; ++i) {
            const auto& open = frozen.left_open[i];
            bool pipe = open.target.rfind("pipe:", 0) == 0;
            bool writes = std::find(frozen.write_ends.begin(), frozen.write_ends.end(), open.fd) !=
                          frozen.write_ends.end();
            told += (i ? ", fd " : " fd ") + std::to_string(open.fd) + " (" +
                    (pipe ? (writes ? "write end of " : "read end of ") : "") + open.target + ")";
        }
        if (frozen.left_open.size() > 10)
            told += " and " + std::to_string(frozen.left_open.size() - 10) + " more";
        told += "\n";
    }
    if (told.empty())
        return "";
    told.pop_back();
    return "What the test's processes did (times from the test's start):\n" + told;
}

}  // namespace harness::timeline
