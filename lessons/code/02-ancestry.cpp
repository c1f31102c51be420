// lesson-02-ancestry: the tools of Lab 02 on problems next to the lab's own.
//
// It lists the threads of this process from /proc/self/task (the same readdir loop that
// lists processes from /proc), counts the processes of the machine by state from one
// pass over /proc/PID/stat, finds the process with the most children in that snapshot,
// and draws its own ancestry as a staircase from the top down, checking each step up
// against PID reuse with start times. It uses raw /proc reads only, not Lab 02's code.
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "course/file.hpp"
#include "course/sys.hpp"

namespace {

struct DirCloser {
    void operator()(DIR* dir) const { ::closedir(dir); }
};

// True when @p name is made of digits only: a PID (or TID) directory.
bool all_digits(const char* name) {
    if (*name == '\0')
        return false;
    for (; *name != '\0'; ++name) {
        if (*name < '0' || *name > '9')
            return false;
    }
    return true;
}

//> task-ids
// The thread IDs of process @p pid, sorted: one directory per thread in /proc/PID/task.
std::vector<pid_t> task_ids(const std::string& pid) {
    std::string path = "/proc/" + pid + "/task";
    std::unique_ptr<DIR, DirCloser> dir(::opendir(path.c_str()));
    if (!dir)
        course::throw_errno("opendir " + path);
    std::vector<pid_t> tids;
    for (;;) {
        errno = 0;  // nullptr means "end" or "error": only errno tells which
        const dirent* entry = ::readdir(dir.get());
        if (entry == nullptr) {
            if (errno != 0)
                course::throw_errno("readdir " + path);
            break;
        }
        if (all_digits(entry->d_name))  // skips "." and ".."
            tids.push_back(static_cast<pid_t>(std::atol(entry->d_name)));
    }
    std::sort(tids.begin(), tids.end());  // readdir's order is the kernel's, not ours
    return tids;
}
//< task-ids

// The fields of /proc/PID/stat this program needs.
struct Stat {
    pid_t pid = 0;
    std::string comm;
    char state = '?';
    pid_t ppid = 0;
    unsigned long long starttime = 0;  // field 22, in clock ticks since boot
};

//> read-stat
// /proc/PID/stat of @p pid, or nothing when that process is gone (not an error: PIDs
// come and go while we look). The name is between the first '(' and the *last* ')'.
std::optional<Stat> read_stat(pid_t pid) {
    std::string text;
    try {
        text = course::read_file("/proc/" + std::to_string(pid) + "/stat");
    } catch (const std::system_error& e) {
        if (e.code().value() == ENOENT || e.code().value() == ESRCH)
            return std::nullopt;
        throw;
    }
    std::size_t open = text.find('('), close = text.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close + 2 >= text.size())
        return std::nullopt;  // empty: gone between open and read
    Stat s;
    s.pid = pid;
    s.comm = text.substr(open + 1, close - open - 1);
    s.state = text[close + 2];        // field 3
    std::vector<std::string> fields;  // fields 4, 5, ... after the state
    std::size_t pos = close + 4;
    while (pos < text.size()) {
        std::size_t end = text.find(' ', pos);
        if (end == std::string::npos)
            end = text.size();
        fields.push_back(text.substr(pos, end - pos));
        pos = end + 1;
    }
    s.ppid = static_cast<pid_t>(std::stol(fields.at(0)));  // field 4
    s.starttime = std::stoull(fields.at(18));              // field 22
    return s;
}
//< read-stat

// Every process listed in /proc now, read once; those that vanish meanwhile are skipped.
std::vector<Stat> snapshot() {
    std::unique_ptr<DIR, DirCloser> dir(::opendir("/proc"));
    if (!dir)
        course::throw_errno("opendir /proc");
    std::vector<Stat> table;
    for (;;) {
        errno = 0;
        const dirent* entry = ::readdir(dir.get());
        if (entry == nullptr) {
            if (errno != 0)
                course::throw_errno("readdir /proc");
            break;
        }
        if (!all_digits(entry->d_name))
            continue;
        if (std::optional<Stat> s = read_stat(static_cast<pid_t>(std::atol(entry->d_name))))
            table.push_back(*s);
    }
    return table;
}

//> census
// How many processes are in each state (R running, S sleeping, Z zombie...), all counted
// from one snapshot, so that the numbers describe one moment.
std::map<char, int> census(const std::vector<Stat>& table) {
    std::map<char, int> count;
    for (const Stat& s : table)
        ++count[s.state];
    return count;
}
//< census

//> most-children
// The process of @p table with the most direct children: count each one's ppid.
std::pair<pid_t, int> most_children(const std::vector<Stat>& table) {
    std::map<pid_t, int> children;
    for (const Stat& s : table) {
        if (s.ppid != 0)
            ++children[s.ppid];
    }
    std::pair<pid_t, int> best{0, 0};
    for (auto [pid, n] : children) {
        if (n > best.second)
            best = {pid, n};
    }
    return best;
}
//< most-children

//> guard
// May @p parent really be the parent of @p child? A parent exists before its child; a
// "parent" that started later is a newer process given the PID the real one left behind.
bool plausible_parent(const Stat& parent, const Stat& child) {
    return child.ppid == parent.pid && parent.starttime <= child.starttime;
}
//< guard

//> ancestry
// @p pid and its ancestors, the top last. Stops at ppid 0, at a parent that is gone, and
// at one that fails the start-time check.
std::vector<Stat> ancestry(pid_t pid) {
    std::vector<Stat> chain;
    std::optional<Stat> current = read_stat(pid);
    while (current) {
        chain.push_back(*current);
        if (current->ppid == 0)
            break;  // the top of a tree: PID 1, kthreadd, a namespace's first process
        std::optional<Stat> parent = read_stat(current->ppid);
        if (parent && !plausible_parent(*parent, *current))
            parent.reset();
        current = parent;
    }
    return chain;
}
//< ancestry

//> staircase
// Draws @p chain (the top last) from the top down, each generation one step further right.
// "└─ " is 7 bytes of UTF-8 but 3 columns on screen, so the indent is counted in columns.
void print_staircase(const std::vector<Stat>& chain) {
    std::string indent;  // 3 spaces per generation below the second
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        if (it == chain.rbegin()) {
            std::cout << it->comm << "(" << it->pid << ")\n";
            continue;
        }
        std::cout << indent << "└─ " << it->comm << "(" << it->pid << ")\n";
        indent += "   ";
    }
}
//< staircase

}  // namespace

int main() {
    // Two extra threads, parked until we have listed them.
    std::mutex mutex;
    std::condition_variable done;
    bool listed = false;
    auto park = [&] {
        std::unique_lock<std::mutex> lock(mutex);
        done.wait(lock, [&] { return listed; });
    };
    std::thread first(park), second(park);
    std::vector<pid_t> tids = task_ids("self");
    {
        std::lock_guard<std::mutex> lock(mutex);
        listed = true;
    }
    done.notify_all();
    first.join();
    second.join();
    bool main_listed = std::find(tids.begin(), tids.end(), ::getpid()) != tids.end();
    std::cout << "/proc/self/task: " << tids.size()
              << " threads; the main thread's ID is the PID: " << (main_listed ? "yes" : "no")
              << "\n";

    std::vector<Stat> table = snapshot();
    std::cout << "states:";
    for (auto [state, n] : census(table))
        std::cout << " " << state << "=" << n;
    std::cout << "\n";
    auto [pid, n] = most_children(table);
    std::cout << "most children: PID " << pid << ", " << n << " of them\n";

    std::cout << "my ancestry, the top first:\n";
    print_staircase(ancestry(::getpid()));
}
