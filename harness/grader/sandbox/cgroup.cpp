#include "sandbox/cgroup.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <vector>

#include "course/file.hpp"
#include "course/sys.hpp"

namespace grader {
namespace {

constexpr const char* kHierarchy = "/sys/fs/cgroup";

// Writes @p text to a cgroup file in one write(). @returns 0, or the errno of the failure.
int write_cgroup_file(const std::string& path, const std::string& text) noexcept {
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    ssize_t n = ::write(fd, text.data(), text.size());
    int error = n == static_cast<ssize_t>(text.size()) ? 0 : (n < 0 ? errno : EIO);
    ::close(fd);
    return error;
}

void write_or_throw(const std::string& path, const std::string& text) {
    if (int error = write_cgroup_file(path, text))
        course::throw_error(error, "write " + path);
}

// The grader's own cgroup folder, from the "0::/path" line of /proc/self/cgroup.
std::string own_cgroup() {
    std::istringstream lines(course::read_file("/proc/self/cgroup"));
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("0::", 0) == 0) {
            std::string path = line.substr(3);
            return path == "/" ? kHierarchy : kHierarchy + path;
        }
    }
    return "";
}

// Whether children of @p dir may use the memory and pids controllers (already delegated:
// the grader never enables controllers in a cgroup it did not make).
bool delegates_memory_and_pids(const std::string& dir) {
    std::string enabled;
    try {
        enabled = " " + course::read_file(dir + "/cgroup.subtree_control");
    } catch (const std::system_error&) {
        return false;
    }
    for (char& c : enabled)
        c = c == '\n' ? ' ' : c;
    return enabled.find(" memory ") != std::string::npos &&
           enabled.find(" pids ") != std::string::npos;
}

void pause_briefly() noexcept {
    timespec pause = {0, 1000000};  // 1 ms: a killed process takes a moment to leave
    ::nanosleep(&pause, nullptr);
}

}  // namespace

std::uint64_t cgroup_counter(const std::string& text, const std::string& key) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.size() > key.size() && line.compare(0, key.size(), key) == 0 &&
            line[key.size()] == ' ') {
            return std::strtoull(line.c_str() + key.size() + 1, nullptr, 10);
        }
    }
    return 0;
}

std::shared_ptr<CgroupParent> CgroupParent::create(std::string& why_not) noexcept {
    try {
        struct statfs hierarchy {};
        if (::statfs(kHierarchy, &hierarchy) != 0) {
            why_not = std::string("statfs /sys/fs/cgroup: ") + std::strerror(errno);
            return nullptr;
        }
        if (hierarchy.f_type != CGROUP2_SUPER_MAGIC) {
            why_not = "/sys/fs/cgroup is not a cgroup v2 hierarchy (cgroup v1 or hybrid)";
            return nullptr;
        }
        std::string own = own_cgroup();
        if (own.empty()) {
            why_not = "the grader's cgroup v2 is not in /proc/self/cgroup";
            return nullptr;
        }
        // Under its own cgroup when that delegates (the root cgroup may hold processes
        // and children at once), else beside it, in its parent.
        std::vector<std::string> places = {own};
        if (own != kHierarchy)
            places.push_back(own.substr(0, own.rfind('/')));
        why_not =
            "neither the grader's cgroup nor its parent delegates the memory and pids "
            "controllers";
        for (const auto& place : places) {
            if (!delegates_memory_and_pids(place))
                continue;
            std::string path = place + "/grader-" + std::to_string(::getpid());
            if (::mkdir(path.c_str(), 0755) != 0) {
                why_not = "mkdir " + path + ": " + std::strerror(errno);
                continue;
            }
            if (int error = write_cgroup_file(path + "/cgroup.subtree_control", "+memory +pids")) {
                why_not = "enable memory and pids in " + path + ": " + std::strerror(error);
                ::rmdir(path.c_str());
                continue;
            }
            why_not.clear();
            return std::shared_ptr<CgroupParent>(new CgroupParent(path));
        }
    } catch (const std::exception& e) {
        why_not = e.what();
    }
    return nullptr;
}

CgroupParent::~CgroupParent() {
    ::rmdir(path_.c_str());  // fails only if a test's cgroup could not be removed
}

std::string CgroupParent::next_child() {
    return path_ + "/test-" + std::to_string(++children_);
}

TestCgroup::TestCgroup(CgroupParent& parent, std::uint64_t memory_max, int pids_max)
    : path_(parent.next_child()) {
    if (::mkdir(path_.c_str(), 0755) != 0)
        course::throw_errno("mkdir " + path_);
    try {
        write_or_throw(path_ + "/memory.max", std::to_string(memory_max));
        // Without swap the limit is the limit; absent when swap is not accounted.
        if (int error = write_cgroup_file(path_ + "/memory.swap.max", "0");
            error && error != ENOENT)
            course::throw_error(error, "write " + path_ + "/memory.swap.max");
        write_or_throw(path_ + "/pids.max", std::to_string(pids_max));
        procs_.reset(::open((path_ + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC));
        if (!procs_)
            course::throw_errno("open " + path_ + "/cgroup.procs");
    } catch (...) {
        ::rmdir(path_.c_str());
        throw;
    }
}

TestCgroup::~TestCgroup() {
    kill_all();
    // Killed processes leave their cgroup as they exit; the grader has reaped them by now,
    // so this waits only for the kernel's bookkeeping.
    for (int attempt = 0; attempt < 1000; ++attempt) {
        if (::rmdir(path_.c_str()) == 0 || errno != EBUSY)
            return;
        kill_all();
        pause_briefly();
    }
}

void TestCgroup::add(pid_t pid) const {
    std::string text = std::to_string(pid);
    if (::write(procs_.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
        course::throw_errno("write " + path_ + "/cgroup.procs");
}

void TestCgroup::kill_all() const noexcept {
    if (write_cgroup_file(path_ + "/cgroup.kill", "1") != ENOENT)
        return;
    try {  // before Linux 5.14: each process listed (a fork meanwhile is found next round)
        std::istringstream pids(course::read_file(path_ + "/cgroup.procs"));
        for (pid_t pid; pids >> pid;)
            ::kill(pid, SIGKILL);
    } catch (const std::exception&) {
    }
}

CgroupEvents TestCgroup::events() const {
    CgroupEvents events;
    events.oom_kills = cgroup_counter(course::read_file(path_ + "/memory.events"), "oom_kill");
    events.pids_refused = cgroup_counter(course::read_file(path_ + "/pids.events"), "max");
    return events;
}

}  // namespace grader
