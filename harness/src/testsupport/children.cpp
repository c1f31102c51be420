// Finding, and cleaning up after, the children a test left behind.
#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "course/file.hpp"
#include "harness/testsupport.hpp"
#include "open_dir.hpp"

namespace harness {
namespace {

// Parses "PID (COMM) S PPID ..." with the comm found between the first '(' and the
// last ')', since a name may itself contain parentheses.
bool parse_stat_line(const std::string& stat, ChildInfo& info, pid_t& ppid) {
    auto open = stat.find('(');
    auto close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close + 4 >= stat.size()) {
        return false;
    }
    info.pid = static_cast<pid_t>(std::atoi(stat.c_str()));
    info.name = stat.substr(open + 1, close - open - 1);
    info.state = stat[close + 2];
    ppid = static_cast<pid_t>(std::atoi(stat.c_str() + close + 4));
    return true;
}

// The stat line of @p pid as a child of @p parent, or false when it is gone or not one.
bool read_child(pid_t pid, pid_t parent, ChildInfo& info) {
    std::string stat;
    try {
        stat = course::read_file("/proc/" + std::to_string(pid) + "/stat");
    } catch (const std::system_error&) {
        return false;  // it ended meanwhile
    }
    pid_t ppid = 0;
    return parse_stat_line(stat, info, ppid) && ppid == parent;
}

// The children the kernel lists for each thread of @p parent (/proc/PID/task/TID/children,
// Linux 3.5+ with CONFIG_PROC_CHILDREN): no scan of every process. False when absent.
bool children_from_task_lists(pid_t parent, std::vector<ChildInfo>& children) {
    std::string tasks = "/proc/" + std::to_string(parent) + "/task";
    OpenDir dir = open_dir(tasks);
    if (!dir)
        return false;
    bool listed = true;
    while (dirent* entry = ::readdir(dir.get())) {
        if (entry->d_name[0] < '1' || entry->d_name[0] > '9')
            continue;
        std::string list;
        try {
            list = course::read_file(tasks + "/" + entry->d_name + "/children");
        } catch (const std::system_error& error) {
            if (error.code().value() != ENOENT || entry->d_name != std::to_string(parent))
                continue;
            listed = false;  // the main thread has no list: this kernel lacks the file
            break;
        }
        for (const char* at = list.c_str(); *at != '\0';) {
            char* end = nullptr;
            long pid = std::strtol(at, &end, 10);
            if (end == at)
                break;
            children.push_back({static_cast<pid_t>(pid), "", '?'});
            at = end;
        }
    }
    return listed;
}

// Fills in the name and state of the first @p count of @p children; drops those that
// ended meanwhile.
void describe(std::vector<ChildInfo>& children, pid_t parent, std::size_t count) {
    std::vector<ChildInfo> described;
    for (auto& child : children) {
        if (described.size() >= count) {
            described.push_back(child);
        } else if (read_child(child.pid, parent, child)) {
            described.push_back(child);
        }
    }
    children = std::move(described);
}

// Every child of @p parent, the first @p described of them with name and state.
std::vector<ChildInfo> find_children(pid_t parent, std::size_t described) {
    std::vector<ChildInfo> children;
    if (children_from_task_lists(parent, children)) {
        describe(children, parent, described);
        return children;
    }
    children.clear();
    OpenDir proc = open_dir("/proc");
    if (!proc)
        return children;
    while (dirent* entry = ::readdir(proc.get())) {
        if (entry->d_name[0] < '1' || entry->d_name[0] > '9')
            continue;
        std::string stat;
        try {
            stat = course::read_file(std::string("/proc/") + entry->d_name + "/stat");
        } catch (const std::system_error&) {
            continue;  // the process ended between readdir and open: not ours to report
        }
        ChildInfo info{};
        pid_t ppid = 0;
        if (parse_stat_line(stat, info, ppid) && ppid == parent)
            children.push_back(info);
    }
    return children;
}

}  // namespace

std::vector<ChildInfo> children_of(pid_t parent) {
    return find_children(parent, SIZE_MAX);
}

std::vector<ChildInfo> kill_and_reap_children() {
    // After a fork bomb there may be thousands: describe only the first few.
    auto found = find_children(::getpid(), kDescribedChildren);
    // Kill them all first, then reap: they die side by side, not one wait at a time
    // (hundreds of children after a fork bomb).
    for (const auto& child : found)
        ::kill(child.pid, SIGKILL);  // ESRCH is fine: it may have ended meanwhile
    // Past a few dozen (a fork bomb still forking around us) waiting for each would take
    // longer than the test's time limit: reap what has died, and leave the rest to the
    // grader's sandbox, which ends every process of the test when the test ends.
    bool wait_for_each = found.size() <= kReapedChildren;
    for (const auto& child : found) {
        // SIGKILL on a stopped child still ends it; waitpid then reaps it.
        while (::waitpid(child.pid, nullptr, wait_for_each ? 0 : WNOHANG) < 0 && errno == EINTR) {
        }
    }
    return found;
}

std::string leaked_children_message(const std::vector<ChildInfo>& left) {
    if (left.empty())
        return "";
    std::string message = "This test left " + std::to_string(left.size()) + " child process" +
                          (left.size() == 1 ? "" : "es") + " behind:";
    for (std::size_t i = 0; i < left.size(); ++i) {
        const auto& child = left[i];
        if (child.name.empty()) {  // past the first few, only counted
            message += " and " + std::to_string(left.size() - i) + " more";
            break;
        }
        message += " " + std::to_string(child.pid) + " (" + child.name + ", " +
                   (child.state == 'Z' ? "zombie: never waited for" : "still running") + ")";
    }
    return message + ". Every child a test starts must be waited for (" +
           see_lesson("04-wait-and-zombies.md", "reaping") + ").";
}

}  // namespace harness
