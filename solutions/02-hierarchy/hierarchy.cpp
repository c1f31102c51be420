// Lab 02 — the process hierarchy: every PID, parents, children, and the tree.
//
// The kernel records one link per process, its parent's PID (field 4 of /proc/PID/stat).
// Everything here is built from that link plus the start time (field 22), which tells a
// true parent from a newer process that was handed a recycled PID. The rules follow
// psutil 5.9.4 (pids, parent, parents, children) and pstree -p (the drawing).
#include "hierarchy.hpp"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <system_error>

#include "course/file.hpp"
#include "course/sys.hpp"

namespace proc {

namespace {

// Closes a directory stream; closedir's failure cannot be acted on in a destructor.
struct DirCloser {
    void operator()(DIR* dir) const noexcept { ::closedir(dir); }
};

// The PID a /proc entry names, or nothing for the other entries ("self", "meminfo").
std::optional<pid_t> pid_from_name(std::string_view name) {
    pid_t pid = 0;
    auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (error != std::errc() || end != name.data() + name.size() || pid <= 0)
        return {};
    return pid;
}

// The entries of @p table that are children of @p parent, by PID (the table is sorted).
std::vector<const StatFields*> direct_children(const ProcessTable& table,
                                               const StatFields& parent) {
    std::vector<const StatFields*> kids;
    for (const StatFields& entry : table.entries) {
        if (entry.pid != parent.pid && may_be_parent(parent, entry))
            kids.push_back(&entry);
    }
    return kids;
}

const StatFields& entry_or_throw(const ProcessTable& table, pid_t pid, const char* what) {
    const StatFields* entry = table.find(pid);
    if (entry == nullptr)
        throw NoSuchProcess(pid, what);
    return *entry;
}

// Depth first: each child, then its own descendants. @p seen stops a cycle, which a
// crafted (or torn) table could hold even though the kernel's tree never does.
void collect(const ProcessTable& table, const StatFields& parent, bool recursive,
             std::set<pid_t>& seen, std::vector<pid_t>& out) {
    for (const StatFields* child : direct_children(table, parent)) {
        if (!seen.insert(child->pid).second)
            continue;
        out.push_back(child->pid);
        if (recursive)
            collect(table, *child, recursive, seen, out);
    }
}

// Width on a terminal of UTF-8 text: one column per code point (continuation bytes
// 10xxxxxx start no character).
size_t columns(const std::string& text) {
    return static_cast<size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

std::vector<pid_t> pids() {
    std::unique_ptr<DIR, DirCloser> dir(::opendir("/proc"));
    if (!dir)
        course::throw_errno("opendir /proc");
    std::vector<pid_t> result;
    for (;;) {
        errno = 0;  // readdir returns nullptr both at the end and on error: errno tells
        const dirent* entry = ::readdir(dir.get());
        if (entry == nullptr) {
            if (errno != 0)
                course::throw_errno("readdir /proc");
            break;
        }
        if (auto pid = pid_from_name(entry->d_name))
            result.push_back(*pid);
    }
    std::sort(result.begin(), result.end());  // directory order is not PID order
    return result;
}

const StatFields* ProcessTable::find(pid_t pid) const {
    auto at = std::lower_bound(entries.begin(), entries.end(), pid,
                               [](const StatFields& entry, pid_t key) { return entry.pid < key; });
    return at != entries.end() && at->pid == pid ? &*at : nullptr;
}

ProcessTable scan_processes() {
    ProcessTable table;
    for (pid_t pid : pids()) {
        std::string text;
        try {
            text = course::read_file("/proc/" + std::to_string(pid) + "/stat");
        } catch (const std::system_error& e) {
            // Listed a moment ago, reaped since: not an error, just no longer there.
            if (e.code().value() == ENOENT || e.code().value() == ESRCH)
                continue;
            throw;
        }
        if (text.empty())
            continue;  // gone between open and read
        table.entries.push_back(parse_stat(text));
    }
    return table;  // sorted, because pids() is
}

bool may_be_parent(const StatFields& parent, const StatFields& child) {
    // A parent always exists before its child. One that started later is a different,
    // newer process that was given the PID the real parent left behind.
    return child.ppid == parent.pid && parent.starttime <= child.starttime;
}

std::optional<Process> parent(const Process& process) {
    pid_t parent_pid = process.ppid();  // read now: it changes when the parent exits
    if (parent_pid == 0)
        return std::nullopt;  // the top: PID 1, kthreadd, a namespace's init
    try {
        Process candidate(parent_pid);
        StatFields me = process.stat();
        me.ppid = parent_pid;
        if (may_be_parent(candidate.stat(), me))
            return candidate;
    } catch (const NoSuchProcess&) {
        // The parent ended between the two reads; the kernel will re-parent us.
    }
    return std::nullopt;
}

std::vector<Process> parents(const Process& process) {
    std::vector<Process> chain;
    std::optional<Process> next = parent(process);
    while (next) {
        chain.push_back(*next);
        next = parent(chain.back());
    }
    return chain;
}

std::vector<pid_t> child_pids(const ProcessTable& table, pid_t pid, bool recursive) {
    const StatFields& root = entry_or_throw(table, pid, "child_pids");
    std::set<pid_t> seen{pid};
    std::vector<pid_t> out;
    collect(table, root, recursive, seen, out);
    return out;
}

std::vector<Process> children(const Process& process, bool recursive) {
    ProcessTable table = scan_processes();
    const StatFields* me = table.find(process.pid());
    // Its PID now names a different process (or none): those children are not its own.
    if (me == nullptr || me->starttime != process.stat().starttime)
        throw NoSuchProcess(process.pid(), "children");
    std::vector<Process> result;
    for (pid_t pid : child_pids(table, process.pid(), recursive)) {
        try {
            Process child(pid);
            // Still the process the snapshot saw? (It may have ended, its PID reused.)
            if (child.stat().starttime == table.find(pid)->starttime)
                result.push_back(child);
        } catch (const NoSuchProcess&) {
        }
    }
    return result;
}

std::vector<pid_t> roots(const ProcessTable& table) {
    std::vector<pid_t> tops;
    for (const StatFields& entry : table.entries) {
        const StatFields* parent = table.find(entry.ppid);
        if (parent == nullptr || parent == &entry || !may_be_parent(*parent, entry)) {
            tops.push_back(entry.pid);
        }
    }
    return tops;
}

namespace {

// The lines of @p node's subtree. The first child goes on the node's own line; the
// others go below, indented by the label's width, joined by a vertical bar.
std::vector<std::string> draw(const ProcessTable& table, const StatFields& node,
                              std::set<pid_t>& seen) {
    std::string label = node.comm + "(" + std::to_string(node.pid) + ")";
    std::vector<const StatFields*> kids;
    for (const StatFields* kid : direct_children(table, node)) {
        if (seen.insert(kid->pid).second)
            kids.push_back(kid);
    }
    if (kids.empty())
        return {label};
    std::string pad(columns(label), ' ');
    std::vector<std::string> lines;
    for (size_t i = 0; i < kids.size(); ++i) {
        bool first = i == 0, last = i + 1 == kids.size();
        std::string head = first ? (last ? "───" : "─┬─") : (last ? " └─" : " ├─");
        std::string below = last ? "   " : " │ ";
        std::vector<std::string> block = draw(table, *kids[i], seen);
        for (size_t j = 0; j < block.size(); ++j) {
            lines.push_back((j == 0 ? (first ? label : pad) + head : pad + below) + block[j]);
        }
    }
    return lines;
}

}  // namespace

std::string render_tree(const ProcessTable& table, pid_t root) {
    std::set<pid_t> seen{root};
    std::string out;
    for (const std::string& line : draw(table, entry_or_throw(table, root, "render_tree"), seen)) {
        out += line + "\n";
    }
    return out;
}

}  // namespace proc
