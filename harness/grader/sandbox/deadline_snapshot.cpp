// What a test was doing at its deadline (deadline_snapshot.hpp).
#include "sandbox/deadline_snapshot.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <sstream>

#include "hsys/io.hpp"
#include "hsys/proc.hpp"
#include "hsys/run.hpp"

namespace grader {
namespace {

constexpr std::size_t kMostThreads = 16;
constexpr std::size_t kMostChildren = 12;
constexpr std::size_t kStackBytes = 32 * 1024;
constexpr std::size_t kMostCalls = 12;

// A raw wait status in words: "exited with code 1", "killed by SIGKILL".
std::string describe_raw_status(int raw) {
    if (WIFEXITED(raw))
        return "exited with code " + std::to_string(WEXITSTATUS(raw));
    if (WIFSIGNALED(raw)) {
        const char* name = ::sigabbrev_np(WTERMSIG(raw));
        return std::string("killed by ") +
               (name ? std::string("SIG") + name : "signal " + std::to_string(WTERMSIG(raw)));
    }
    return "raw status " + std::to_string(raw);
}

// Reads at most @p cap bytes of @p path, never following a link in its last part.
std::string read_some(const std::string& path, std::size_t cap) {
    try {
        return hsys::read_file_bounded(path, cap);
    } catch (const std::system_error&) {
        return "";  // gone, or not readable: told as unknown
    }
}

// The numeric entries of the folder @p path, in increasing order, at most @p cap.
std::vector<pid_t> numbered_entries(const std::string& path, std::size_t cap) {
    std::vector<pid_t> found;
    DIR* dir = ::opendir(path.c_str());
    if (dir == nullptr)
        return found;
    while (const dirent* entry = ::readdir(dir)) {
        if (entry->d_name[0] >= '0' && entry->d_name[0] <= '9' && found.size() < 4096)
            found.push_back(static_cast<pid_t>(std::atoi(entry->d_name)));
    }
    ::closedir(dir);
    std::sort(found.begin(), found.end());
    if (found.size() > cap)
        found.resize(cap);
    return found;
}

// The fields of /proc/PID/stat from the state on (field 3 first).
std::vector<std::string> stat_fields(pid_t pid) {
    std::string stat = read_some("/proc/" + std::to_string(pid) + "/stat", 4096);
    auto close = stat.rfind(')');
    std::vector<std::string> fields;
    if (close == std::string::npos || close + 2 >= stat.size())
        return fields;
    std::istringstream rest(stat.substr(close + 2));
    for (std::string field; rest >> field;)
        fields.push_back(field);
    return fields;
}

// The children of @p parent now (hsys's /proc scan), each with its stat line.
std::vector<hsys::StatLine> children_stats(pid_t parent) {
    std::vector<hsys::StatLine> children;
    for (pid_t pid : hsys::list_pids()) {
        std::optional<hsys::StatLine> stat;
        try {
            stat = hsys::read_stat(pid);
        } catch (const std::system_error&) {
            continue;  // unreadable: not the test's to show
        }
        if (stat && stat->ppid == parent)
            children.push_back(*stat);
    }
    return children;
}

// The oldest child of @p parent (the test program, under the sandbox's init), or 0.
pid_t oldest_child(pid_t parent) {
    auto children = children_stats(parent);
    auto oldest =
        std::min_element(children.begin(), children.end(),
                         [](const auto& a, const auto& b) { return a.starttime < b.starttime; });
    return oldest == children.end() ? 0 : oldest->pid;
}

// The name of system call @p number, for those a test can block in.
const char* call_name(long number) {
    static const std::map<long, const char*> names = {
        {SYS_read, "read"},
        {SYS_write, "write"},
        {SYS_wait4, "wait4"},
        {SYS_waitid, "waitid"},
        {SYS_ppoll, "ppoll"},
        {SYS_pselect6, "pselect6"},
        {SYS_nanosleep, "nanosleep"},
        {SYS_clock_nanosleep, "clock_nanosleep"},
        {SYS_futex, "futex"},
        {SYS_rt_sigsuspend, "rt_sigsuspend"},
        {SYS_rt_sigtimedwait, "rt_sigtimedwait"},
        {SYS_epoll_pwait, "epoll_pwait"},
        {SYS_accept4, "accept4"},
        {SYS_recvfrom, "recvfrom"},
        {SYS_openat, "openat"},
        {SYS_flock, "flock"},
        {SYS_fcntl, "fcntl"},
        {SYS_readv, "readv"},
        {SYS_writev, "writev"},
        {SYS_pread64, "pread64"},
        {SYS_close, "close"},
        {SYS_dup3, "dup3"},
#ifdef SYS_poll
        {SYS_poll, "poll"},
        {SYS_select, "select"},
        {SYS_pause, "pause"},
        {SYS_epoll_wait, "epoll_wait"},
        {SYS_accept, "accept"},
        {SYS_open, "open"},
        {SYS_dup2, "dup2"},
#endif
    };
    auto found = names.find(number);
    return found == names.end() ? nullptr : found->second;
}

// "wait4(-1, ...)" from a /proc/PID/task/TID/syscall line's number and first argument.
std::string shown_call(long number, long long first) {
    const char* name = call_name(number);
    std::string shown = name ? name : "system call " + std::to_string(number);
    bool id_first = number == SYS_wait4 || number == SYS_read || number == SYS_write ||
                    number == SYS_close || number == SYS_readv || number == SYS_recvfrom;
    if (id_first)
        return shown + "(" + std::to_string(static_cast<int>(first)) + ", ...)";
    return shown + "(...)";
}

struct SyscallLine {
    bool readable = false;
    bool running = false;
    long number = -1;
    long long first = 0;
    std::uint64_t sp = 0;
    std::uint64_t pc = 0;
};

// Reads /proc/PID/task/TID/syscall: "NR ARG1 ... ARG6 SP PC", "-1 SP PC" or "running".
SyscallLine syscall_of(pid_t pid, pid_t tid) {
    SyscallLine line;
    std::string text = read_some(
        "/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/syscall", 512);
    if (text.empty())
        return line;
    line.readable = true;
    if (text.rfind("running", 0) == 0) {
        line.running = true;
        return line;
    }
    std::istringstream in(text);
    std::vector<std::string> words;
    for (std::string word; in >> word;)
        words.push_back(word);
    if (words.size() < 3)
        return line;
    line.number = std::strtol(words[0].c_str(), nullptr, 10);
    if (words.size() >= 9)
        line.first = static_cast<long long>(std::strtoull(words[1].c_str(), nullptr, 16));
    line.sp = std::strtoull(words[words.size() - 2].c_str(), nullptr, 16);
    line.pc = std::strtoull(words.back().c_str(), nullptr, 16);
    return line;
}

// The program's executable mappings in the test process: [start, end) and its file offset.
struct Mapping {
    std::uint64_t start, end, offset;
};

std::vector<Mapping> program_mappings(pid_t pid, const std::string& program,
                                      bool& position_independent) {
    std::vector<Mapping> found;
    struct stat file {};
    if (::stat(program.c_str(), &file) != 0)
        return found;
    std::string header = read_some(program, 64);
    position_independent = header.size() >= 18 && header[16] == 3;  // ET_DYN
    std::istringstream maps(read_some("/proc/" + std::to_string(pid) + "/maps", 1 << 20));
    for (std::string line; std::getline(maps, line);) {
        unsigned long long start = 0, end = 0, offset = 0, inode = 0;
        char perms[8] = {};
        unsigned major_number = 0, minor_number = 0;
        if (std::sscanf(line.c_str(), "%llx-%llx %7s %llx %x:%x %llu", &start, &end, perms, &offset,
                        &major_number, &minor_number, &inode) != 7)
            continue;
        if (perms[2] == 'x' && inode == file.st_ino && major_number == major(file.st_dev) &&
            minor_number == minor(file.st_dev))
            found.push_back({start, end, offset});
    }
    return found;
}

// Reads @p size bytes of the test process's memory at @p address.
bool read_memory(pid_t pid, std::uint64_t address, void* into, std::size_t size) {
    iovec local{into, size};
    iovec remote{reinterpret_cast<void*>(address), size};
    return ::process_vm_readv(pid, &local, 1, &remote, 1, 0) == static_cast<ssize_t>(size);
}

// True when the instruction before @p address is a call: @p address is a return address.
bool follows_a_call(pid_t pid, std::uint64_t address) {
#if defined(__x86_64__)
    unsigned char code[8] = {};
    if (!read_memory(pid, address - 8, code, sizeof code))
        return false;
    auto at = [&](int back) { return code[8 - back]; };
    auto indirect = [&](int back) { return at(back) == 0xff && (at(back - 1) & 0x38) == 0x10; };
    return at(5) == 0xe8 || indirect(2) || indirect(3) || indirect(6) || indirect(7);
#elif defined(__aarch64__)
    std::uint32_t code = 0;
    if (!read_memory(pid, address - 4, &code, sizeof code))
        return false;
    return (code & 0xfc000000u) == 0x94000000u || (code & 0xfffffc1fu) == 0xd63f0000u;
#else
    (void)pid;
    (void)address;
    return false;
#endif
}

// The return addresses into the program on the stack from @p sp up (innermost first), as
// addresses of the program's file; @p pc first when it is in the program itself.
std::vector<std::uint64_t> calls_on_stack(pid_t pid, const SyscallLine& line,
                                          const std::vector<Mapping>& mappings, bool pie) {
    std::vector<std::uint64_t> calls;
    auto in_program = [&](std::uint64_t address) -> const Mapping* {
        for (const auto& m : mappings) {
            if (address >= m.start && address < m.end)
                return &m;
        }
        return nullptr;
    };
    auto file_address = [&](std::uint64_t address, const Mapping& m) {
        return pie ? address - m.start + m.offset : address;
    };
    if (const Mapping* m = in_program(line.pc))
        calls.push_back(file_address(line.pc, *m) + 1);  // as if returning there
    std::vector<std::uint64_t> words(kStackBytes / sizeof(std::uint64_t));
    std::size_t got = 0;
    for (std::size_t size = kStackBytes; size >= 512 && got == 0; size /= 2) {
        if (read_memory(pid, line.sp, words.data(), size))
            got = size / sizeof(std::uint64_t);
    }
    for (std::size_t i = 0; i < got && calls.size() < kMostCalls; ++i) {
        const Mapping* m = in_program(words[i]);
        if (m != nullptr && follows_a_call(pid, words[i]))
            calls.push_back(file_address(words[i], *m));
    }
    return calls;
}

// Stops @p pid (SIGSTOP) and waits, briefly, until each of @p tids is stopped.
void stop_for_a_look(pid_t pid, const std::vector<pid_t>& tids) {
    if (::kill(pid, SIGSTOP) != 0)
        return;
    for (int round = 0; round < 40; ++round) {
        bool all_stopped = std::all_of(tids.begin(), tids.end(), [&](pid_t tid) {
            std::string stat = read_some(
                "/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/stat", 1024);
            auto close = stat.rfind(')');
            return close == std::string::npos || close + 2 >= stat.size() ||
                   stat[close + 2] == 'T' || stat[close + 2] == 't';
        });
        if (all_stopped)
            return;
        timespec pause{0, 5'000'000};  // 5 ms; at most 0.2 s in all
        ::nanosleep(&pause, nullptr);
    }
}

std::vector<ThreadAtDeadline> threads_of(pid_t pid, const std::string& program) {
    bool pie = true;
    auto mappings = program_mappings(pid, program, pie);
    auto tids = numbered_entries("/proc/" + std::to_string(pid) + "/task", kMostThreads);
    std::vector<SyscallLine> lines;
    std::vector<pid_t> running;
    for (pid_t tid : tids) {
        lines.push_back(syscall_of(pid, tid));
        if (lines.back().running)
            running.push_back(tid);
    }
    if (!running.empty()) {
        stop_for_a_look(pid, running);  // a running thread shows its stack only when stopped
        for (std::size_t i = 0; i < tids.size(); ++i) {
            if (lines[i].running) {
                lines[i] = syscall_of(pid, tids[i]);
                lines[i].running = true;
                lines[i].number = -1;
            }
        }
    }
    std::vector<ThreadAtDeadline> threads;
    for (std::size_t i = 0; i < tids.size(); ++i) {
        ThreadAtDeadline thread;
        thread.tid = tids[i];
        const auto& line = lines[i];
        if (line.running)
            thread.call = "running (not blocked in a system call)";
        else if (line.readable && line.number >= 0)
            thread.call = "blocked in " + shown_call(line.number, line.first);
        if (line.sp != 0)
            thread.calls = calls_on_stack(pid, line, mappings, pie);
        threads.push_back(std::move(thread));
    }
    return threads;
}

// @p pid as the test saw it: the last of /proc/PID/status's NSpid (its PID namespace's).
pid_t pid_in_its_namespace(pid_t pid) {
    std::string status = read_some("/proc/" + std::to_string(pid) + "/status", 4096);
    auto at = status.find("\nNSpid:");
    if (at == std::string::npos)
        return pid;
    std::istringstream line(status.substr(at + 7, status.find('\n', at + 1) - at - 7));
    pid_t last = pid;
    for (pid_t each; line >> each;)
        last = each;
    return last;
}

std::string command_line(pid_t pid, const std::string& comm) {
    std::string raw = read_some("/proc/" + std::to_string(pid) + "/cmdline", 200);
    std::replace(raw.begin(), raw.end(), '\0', ' ');
    while (!raw.empty() && raw.back() == ' ')
        raw.pop_back();
    return raw.empty() ? comm : raw;
}

std::vector<ProcessAtDeadline> children_of(pid_t parent) {
    std::vector<ProcessAtDeadline> children;
    for (const auto& stat : children_stats(parent)) {
        ProcessAtDeadline child;
        child.pid = pid_in_its_namespace(stat.pid);
        child.state = stat.state;
        if (child.state == 'Z') {  // its exit code: field 52, which hsys::StatLine leaves out
            auto fields = stat_fields(stat.pid);
            if (fields.size() > 49)
                child.exit_code = std::atoi(fields[49].c_str());
        }
        child.name = command_line(stat.pid, stat.comm);
        children.push_back(std::move(child));
        if (children.size() == kMostChildren)
            break;
    }
    return children;
}

// The test's own descriptors past its standard streams and the grader's (0-5), at most 8.
std::vector<std::string> open_descriptors(pid_t pid) {
    std::vector<std::string> open;
    std::string dir = "/proc/" + std::to_string(pid) + "/fd/";
    for (pid_t fd : numbered_entries(dir, 64)) {
        if (fd <= 5)
            continue;
        char target[256];
        ssize_t n = ::readlink((dir + std::to_string(fd)).c_str(), target, sizeof target - 1);
        if (n < 0)
            continue;
        std::string shown(target, static_cast<std::size_t>(n));
        if (shown.rfind("/proc", 0) == 0)
            continue;  // a handle on /proc, as the reference keeps
        open.push_back("fd " + std::to_string(fd) + " (" + shown + ")");
        if (open.size() == 8)
            break;
    }
    return open;
}

}  // namespace

DeadlineSnapshot take_deadline_snapshot(pid_t supervised, bool isolated,
                                        const std::string& program) noexcept {
    DeadlineSnapshot snapshot;
    try {
        pid_t test = isolated ? oldest_child(supervised) : supervised;
        if (test <= 0)
            return snapshot;
        snapshot.taken = true;
        snapshot.program = program;
        snapshot.threads = threads_of(test, program);
        snapshot.children = children_of(test);
        snapshot.open = open_descriptors(test);
    } catch (const std::exception&) {
        // out of memory while looking: the timeout is told without the snapshot
    }
    return snapshot;
}

namespace {

// Function and "file:line" of each address, from addr2line (under a deadline).
std::vector<std::pair<std::string, std::string>> symbolize(
    const std::string& program, const std::vector<std::uint64_t>& calls) {
    std::vector<std::pair<std::string, std::string>> named;
    if (calls.empty())
        return named;
    hsys::RunOptions options;
    options.argv = {"addr2line", "-f", "-C", "-e", program};
    for (auto address : calls) {
        char hex[32];
        std::snprintf(hex, sizeof hex, "0x%llx", static_cast<unsigned long long>(address - 1));
        options.argv.push_back(hex);
    }
    options.wall_seconds = 10;
    options.output_cap = 64 * 1024;
    hsys::RunResult run;
    try {
        run = hsys::run_with_deadline(options);
    } catch (const std::exception&) {
        return named;  // no addr2line: the calls go unnamed
    }
    std::istringstream out(run.output);
    std::string function, where;
    while (std::getline(out, function) && std::getline(out, where))
        named.emplace_back(function, where);
    return named;
}

// True when @p where ("FILE:LINE") is in code of the lab, not of the course's harness, the
// tests, or the system.
bool in_lab_code(const std::string& where, const std::string& source_dir) {
    if (where.rfind("??", 0) == 0 || where.rfind("/usr/", 0) == 0)
        return false;
    if (where.find("/harness/") != std::string::npos ||
        where.find("_test.cpp") != std::string::npos)
        return false;
    return source_dir.empty() || where.rfind(source_dir, 0) == 0 || where[0] != '/';
}

std::string relative(std::string where, const std::string& source_dir) {
    if (!source_dir.empty() && where.rfind(source_dir + "/", 0) == 0)
        where.erase(0, source_dir.size() + 1);
    auto discriminator = where.find(" (discriminator");
    if (discriminator != std::string::npos)
        where.erase(discriminator);
    return where;
}

using Named = std::vector<std::pair<std::string, std::string>>;

// One thread's line: its call, and the first frame of the lab's code in @p named (its
// return addresses, named) with the test line that called it.
std::string told_thread(const ThreadAtDeadline& thread, const Named& named,
                        const std::string& source_dir, bool main_thread) {
    std::string line =
        (main_thread ? "the test's thread" : "thread " + std::to_string(thread.tid)) + ": " +
        (thread.call.empty() ? "state unknown" : thread.call);
    for (std::size_t i = 0; i < named.size(); ++i) {
        if (!in_lab_code(named[i].second, source_dir))
            continue;
        std::string function = named[i].first.substr(0, named[i].first.find('('));
        line += ", in " + function + "() at " + relative(named[i].second, source_dir);
        for (std::size_t j = i + 1; j < named.size(); ++j) {
            if (named[j].second.find("_test.cpp") != std::string::npos) {
                line += ", called from " + relative(named[j].second, source_dir);
                break;
            }
        }
        break;
    }
    return line;
}

}  // namespace

std::string describe_deadline_snapshot(const DeadlineSnapshot& snapshot,
                                       const std::string& source_dir) {
    if (!snapshot.taken)
        return "";
    std::string told;
    // Every thread's addresses named by one run of addr2line, then dealt back.
    std::vector<std::uint64_t> all;
    for (const auto& thread : snapshot.threads)
        all.insert(all.end(), thread.calls.begin(), thread.calls.end());
    Named named = symbolize(snapshot.program, all);
    std::size_t next = 0;
    for (std::size_t i = 0; i < snapshot.threads.size(); ++i) {
        std::size_t count = snapshot.threads[i].calls.size();
        Named own;
        for (std::size_t k = next; k < next + count && k < named.size(); ++k)
            own.push_back(named[k]);
        next += count;
        told += "  " + told_thread(snapshot.threads[i], own, source_dir, i == 0) + "\n";
    }
    for (const auto& child : snapshot.children) {
        std::string state =
            child.state == 'Z'
                ? (child.exit_code >= 0 ? describe_raw_status(child.exit_code) : "ended") +
                      ", never reaped: a zombie"
            : child.state == 'T' ? "stopped"
                                 : "still running";
        told +=
            "  child pid " + std::to_string(child.pid) + " (" + child.name + "): " + state + "\n";
    }
    if (!snapshot.open.empty()) {
        told += "  open:";
        for (std::size_t i = 0; i < snapshot.open.size(); ++i)
            told += (i ? ", " : " ") + snapshot.open[i];
        told += "\n";
    }
    if (told.empty())
        return "";
    told.pop_back();
    return "Where the test was when its time ran out:\n" + told;
}

}  // namespace grader
