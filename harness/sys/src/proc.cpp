// Scanning /proc: the PIDs, each one's stat line, and the tree they form.
#include "hsys/proc.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <memory>
#include <system_error>

#include "course/sys.hpp"
#include "course/unique_fd.hpp"
#include "hsys/eintr.hpp"

namespace hsys {
namespace {

// Parses all of @p text as a decimal number of type T.
template <class T>
std::optional<T> number(std::string_view text) {
    T value{};
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty())
        return std::nullopt;
    return value;
}

// Splits off the next space-separated field of @p rest.
std::string_view next_field(std::string_view& rest) {
    auto start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos) {
        rest = {};
        return {};
    }
    rest.remove_prefix(start);
    auto end = rest.find_first_of(" \n");
    auto field = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
    return field;
}

// The text of /proc/PID/stat, or nullopt when the process is gone or hidden from us.
std::optional<std::string> stat_text(pid_t pid) {
    const std::string path = "/proc/" + std::to_string(pid) + "/stat";
    course::UniqueFd fd(retry_eintr([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC); }));
    std::string text;
    char buffer[4096];
    ssize_t n = 1;
    while (fd && n > 0) {
        n = retry_eintr([&] { return ::read(fd.get(), buffer, sizeof buffer); });
        if (n > 0)
            text.append(buffer, static_cast<std::size_t>(n));
    }
    if (fd && n == 0)
        return text;
    if (errno == ENOENT || errno == ESRCH || errno == EACCES || errno == EPERM)
        return std::nullopt;
    course::throw_errno((fd ? "read " : "open ") + path);
}

}  // namespace

namespace {

// The positive numbers among the names in folder @p path (/proc, /proc/PID/task).
std::vector<pid_t> numbered_entries(const std::string& path) {
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(path.c_str()), ::closedir);
    if (!dir)
        course::throw_errno("opendir " + path);
    std::vector<pid_t> pids;
    for (;;) {
        errno = 0;
        const dirent* entry = ::readdir(dir.get());
        if (entry == nullptr)
            break;
        if (auto pid = number<pid_t>(entry->d_name); pid && *pid > 0)
            pids.push_back(*pid);
    }
    if (errno != 0)
        course::throw_errno("readdir " + path);
    return pids;
}

}  // namespace

std::vector<pid_t> list_pids() {
    return numbered_entries("/proc");
}

std::vector<pid_t> list_threads(pid_t pid) {
    return numbered_entries("/proc/" + std::to_string(pid) + "/task");
}

std::optional<StatLine> parse_stat_line(std::string_view text) {
    auto open = text.find('(');
    auto close = text.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open)
        return std::nullopt;
    std::string_view head = text.substr(0, open);
    auto pid = number<pid_t>(next_field(head));
    std::string_view rest = text.substr(close + 1);
    // Fields 3 to 22, after the name.
    std::string_view fields[20];
    for (auto& field : fields)
        field = next_field(rest);
    auto ppid = number<pid_t>(fields[1]);
    auto pgrp = number<pid_t>(fields[2]);
    auto session = number<pid_t>(fields[3]);
    auto starttime = number<unsigned long long>(fields[19]);
    if (!pid || fields[0].size() != 1 || !ppid || !pgrp || !session || !starttime)
        return std::nullopt;
    return StatLine{*pid,         std::string(text.substr(open + 1, close - open - 1)),
                    fields[0][0], *ppid,
                    *pgrp,        *session,
                    *starttime};
}

std::optional<StatLine> read_stat(pid_t pid) {
    auto text = stat_text(pid);
    if (!text)
        return std::nullopt;
    return parse_stat_line(*text);
}

std::unordered_map<pid_t, pid_t> parent_map() {
    std::unordered_map<pid_t, pid_t> parents;
    for (pid_t pid : list_pids()) {
        if (auto stat = read_stat(pid))
            parents.emplace(pid, stat->ppid);
    }
    return parents;
}

std::vector<pid_t> descendants_of(pid_t root) {
    std::unordered_multimap<pid_t, pid_t> children;
    for (const auto& [pid, ppid] : parent_map())
        children.emplace(ppid, pid);
    std::vector<pid_t> found;
    std::vector<pid_t> level{root};
    while (!level.empty()) {
        std::vector<pid_t> next;
        for (pid_t parent : level) {
            auto [first, last] = children.equal_range(parent);
            for (auto it = first; it != last; ++it)
                next.push_back(it->second);
        }
        found.insert(found.end(), next.begin(), next.end());
        level = std::move(next);
    }
    return found;
}

}  // namespace hsys
