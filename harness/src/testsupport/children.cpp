// Finding, and cleaning up after, the children a test left behind.
#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "course/file.hpp"
#include "harness/testsupport.hpp"

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

}  // namespace

std::vector<ChildInfo> children_of(pid_t parent) {
    std::vector<ChildInfo> children;
    DIR* proc = ::opendir("/proc");
    if (proc == nullptr) return children;
    while (dirent* entry = ::readdir(proc)) {
        if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;
        std::string stat;
        try {
            stat = course::read_file(std::string("/proc/") + entry->d_name + "/stat");
        } catch (const std::system_error&) {
            continue;  // the process ended between readdir and open: not ours to report
        }
        ChildInfo info{};
        pid_t ppid = 0;
        if (parse_stat_line(stat, info, ppid) && ppid == parent) children.push_back(info);
    }
    ::closedir(proc);
    return children;
}

std::vector<ChildInfo> kill_and_reap_children() {
    auto found = children_of(::getpid());
    for (const auto& child : found) {
        ::kill(child.pid, SIGKILL);  // ESRCH is fine: it may have ended meanwhile
        // SIGKILL on a stopped child still ends it; waitpid then reaps it.
        while (::waitpid(child.pid, nullptr, 0) < 0 && errno == EINTR) {
        }
    }
    return found;
}

}  // namespace harness
