// Lab 02 — the process hierarchy: every PID, parents, children, and the tree.
//
// Your implementation. Each function below says which task it belongs to; the lesson
// (lessons/02-hierarchy.md) explains what it must do and why, and hierarchy.hpp is the
// contract the tests check.
#include "hierarchy.hpp"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <system_error>

#include "course/file.hpp"
#include "course/sys.hpp"
#include "course/todo.hpp"

namespace proc {

// TODO: Task 1 — list every process: the numeric names in /proc, sorted ascending
// (opendir/readdir; readdir's nullptr means "end" only if errno is still 0).
std::vector<pid_t> pids() {
    course::todo("Task 1");
}

// TODO: Task 2 — find one PID's entry in the table's sorted entries (binary search).
const StatFields* ProcessTable::find([[maybe_unused]] pid_t pid) const {
    course::todo("Task 2");
}

// TODO: Task 2 — read every /proc/PID/stat once; skip processes that vanished meanwhile.
ProcessTable scan_processes() {
    course::todo("Task 2");
}

// TODO: Task 3 — the PID-reuse guard: right ppid, and the parent did not start later.
bool may_be_parent([[maybe_unused]] const StatFields& parent,
                   [[maybe_unused]] const StatFields& child) {
    course::todo("Task 3");
}

// TODO: Task 4 — the process's parent, read now, checked with the PID-reuse guard.
std::optional<Process> parent([[maybe_unused]] const Process& process) {
    course::todo("Task 4");
}

// TODO: Task 4 — parent(), its parent, ... until a process that has none.
std::vector<Process> parents([[maybe_unused]] const Process& process) {
    course::todo("Task 4");
}

// TODO: Task 5 — the children (or all descendants, depth first) of pid in the table.
std::vector<pid_t> child_pids([[maybe_unused]] const ProcessTable& table,
                              [[maybe_unused]] pid_t pid, [[maybe_unused]] bool recursive) {
    course::todo("Task 5");
}

// TODO: Task 5 — the process's children, from one scan of /proc.
std::vector<Process> children([[maybe_unused]] const Process& process,
                              [[maybe_unused]] bool recursive) {
    course::todo("Task 5");
}

// TODO: Task 6 — the processes in the table that have no (valid) parent in it.
std::vector<pid_t> roots([[maybe_unused]] const ProcessTable& table) {
    course::todo("Task 6");
}

// TODO: Task 6 — draw the subtree of root like `pstree -p -n -T -l`.
std::string render_tree([[maybe_unused]] const ProcessTable& table, [[maybe_unused]] pid_t root) {
    course::todo("Task 6");
}

}  // namespace proc
