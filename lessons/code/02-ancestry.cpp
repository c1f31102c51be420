// lesson-02-ancestry: the tools of Lab 02 on problems next to the lab's own.
//
// It names its threads and lists them from /proc/self/task (readdir, as /proc itself is
// listed), takes one snapshot of every /proc/PID/stat, counts the processes of the
// machine by state, finds the process with the most children, and follows its own
// ancestry up the snapshot's ppid links, drawn as a staircase from the top down; then it
// checks that the start times never decrease down that chain. It uses raw /proc reads
// only, not Lab 02's code.
#include <dirent.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
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

//> threads
// The threads of this process, each with its own name (comm), sorted by name: one
// directory per thread in /proc/self/task. readdir answers nullptr at the end and on an
// error alike, so errno is cleared before each call and looked at once the loop ends.
std::vector<std::pair<std::string, pid_t>> thread_names() {
    const std::string path = "/proc/self/task";
    DIR* raw = ::opendir(path.c_str());
    if (raw == nullptr)
        course::throw_errno("opendir " + path);
    std::unique_ptr<DIR, DirCloser> dir(raw);  // closed however we leave
    std::vector<std::pair<std::string, pid_t>> threads;
    errno = 0;
    while (const dirent* entry = ::readdir(dir.get())) {
        if (all_digits(entry->d_name)) {  // skips "." and ".."
            std::string comm = course::read_file(path + "/" + entry->d_name + "/comm");
            threads.emplace_back(comm.substr(0, comm.find('\n')), std::atoi(entry->d_name));
        }
        errno = 0;  // what the body did to errno is not readdir's answer
    }
    if (errno != 0)
        course::throw_errno("readdir " + path);
    std::sort(threads.begin(), threads.end());  // readdir's order is the kernel's, not ours
    return threads;
}
//< threads

// The fields of /proc/PID/stat this program needs.
struct Stat {
    pid_t pid = 0;
    std::string comm;
    char state = '?';
    pid_t ppid = 0;
    unsigned long long starttime = 0;  // field 22, in clock ticks since boot
};

//> read-stat
// The whole of @p path, or nothing when the process it describes is gone: not an error,
// PIDs come and go while we look. (ENOENT: no such /proc entry; ESRCH: it went away
// between open and read.)
std::optional<std::string> read_if_alive(const std::string& path) {
    try {
        return course::read_file(path);
    } catch (const std::system_error& e) {
        if (e.code() == std::errc::no_such_file_or_directory ||
            e.code() == std::errc::no_such_process)
            return std::nullopt;
        throw;
    }
}

// /proc/PID/stat of @p pid, or nothing when that process is gone. The name is between
// the first '(' and the *last* ')'; an empty read also means gone.
std::optional<Stat> read_stat(pid_t pid) {
    std::optional<std::string> text = read_if_alive("/proc/" + std::to_string(pid) + "/stat");
    if (!text)
        return std::nullopt;
    std::size_t open = text->find('('), close = text->rfind(')');
    if (open == std::string::npos || close == std::string::npos || close + 2 >= text->size())
        return std::nullopt;
    Stat s;
    s.pid = pid;
    s.comm = text->substr(open + 1, close - open - 1);
    s.state = (*text)[close + 2];                      // field 3
    std::istringstream rest(text->substr(close + 4));  // fields 4, 5, ... after the state
    std::vector<std::string> fields{std::istream_iterator<std::string>(rest), {}};
    s.ppid = static_cast<pid_t>(std::stol(fields.at(0)));  // field 4
    s.starttime = std::stoull(fields.at(18));              // field 22
    return s;
}
//< read-stat

// Every process listed in /proc now, read once, by PID; those that vanish meanwhile are
// skipped. (std::filesystem lists a directory too; it throws where readdir sets errno.)
std::map<pid_t, Stat> snapshot() {
    std::map<pid_t, Stat> table;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        std::string name = entry.path().filename();
        if (!all_digits(name.c_str()))
            continue;
        if (std::optional<Stat> s = read_stat(std::atoi(name.c_str())))
            table.emplace(s->pid, *s);
    }
    return table;
}

//> census
// How many processes are in each state (R running, S sleeping, Z zombie...), all counted
// from one snapshot, so that the numbers describe one moment.
std::map<char, int> census(const std::map<pid_t, Stat>& table) {
    std::map<char, int> count;
    for (const auto& [pid, s] : table)
        ++count[s.state];
    return count;
}
//< census

//> most-children
// The process of @p table with the most direct children: count each one's ppid.
std::pair<pid_t, int> most_children(const std::map<pid_t, Stat>& table) {
    std::map<pid_t, int> children;
    for (const auto& [pid, s] : table) {
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

//> ancestry
// @p pid and its ancestors in @p table, the top last: follow each entry's ppid to the
// next, until a PID the table does not hold (ppid 0 names none). The count stops a
// cycle, which a table read at several moments could hold, though the kernel's never does.
std::vector<Stat> ancestry(const std::map<pid_t, Stat>& table, pid_t pid) {
    std::vector<Stat> chain;
    for (auto it = table.find(pid); it != table.end() && chain.size() <= table.size();
         it = table.find(it->second.ppid))
        chain.push_back(it->second);
    return chain;
}
//< ancestry

//> start-order
// Going down @p chain (the top last), does every process start no earlier than the one
// above it? It must, as a parent exists before its child; a step up that breaks the order
// reached a newer process given a recycled PID. Equal is fine: start times count clock
// ticks, and a child forked in the same tick as its parent shares its start time.
bool starts_in_order(const std::vector<Stat>& chain) {
    return std::is_sorted(chain.rbegin(), chain.rend(),
                          [](const Stat& a, const Stat& b) { return a.starttime < b.starttime; });
}
//< start-order

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
    // Two extra threads, named, parked until we have listed them.
    std::mutex mutex;
    std::condition_variable done;
    bool listed = false;
    auto park = [&] {
        std::unique_lock<std::mutex> lock(mutex);
        done.wait(lock, [&] { return listed; });
    };
    std::thread first(park), second(park);
    ::pthread_setname_np(first.native_handle(), "parked-1");
    ::pthread_setname_np(second.native_handle(), "parked-2");
    std::vector<std::pair<std::string, pid_t>> threads = thread_names();
    {
        std::lock_guard<std::mutex> lock(mutex);
        listed = true;
    }
    done.notify_all();
    first.join();
    second.join();
    std::cout << "/proc/self/task: " << threads.size() << " threads\n";
    for (const auto& [name, tid] : threads)
        std::cout << "  " << name
                  << (tid == ::getpid() ? ", the main thread: its ID is the PID" : "") << "\n";

    std::map<pid_t, Stat> table = snapshot();
    std::cout << "states:";
    for (auto [state, n] : census(table))
        std::cout << " " << state << "=" << n;
    std::cout << "\n";
    auto [pid, n] = most_children(table);
    std::cout << "most children: PID " << pid << ", " << n << " of them\n";

    std::vector<Stat> chain = ancestry(table, ::getpid());
    std::cout << "my ancestry, the top first:\n";
    print_staircase(chain);
    std::cout << "start times never decrease down the chain: "
              << (starts_in_order(chain) ? "yes" : "no") << "\n";
}
