/// @file
/// @brief Lab 02 — the process hierarchy: every PID, parents, children, and the tree.
///
/// Every process but the first has a parent, so the processes of a machine form a tree.
/// This lab lists them (psutil's `pids()`), reads the whole table once, walks up the
/// tree (`parent(p)`, `parents(p)`: psutil's `p.parent()`, `p.parents()`) and down it
/// (`children(p)`), and draws it like `pstree -p`. PIDs are recycled,
/// so a PID alone can lie about who is whose parent: every link is checked with the
/// start times, as psutil does. Lesson: `lessons/02-hierarchy.md`.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "process.hpp"  // Lab 01: Process, StatFields, NoSuchProcess

namespace proc {

/// Every PID listed in /proc (the numeric directory names), sorted ascending, like
/// psutil's `pids()`. Threads other than each process's main thread are not listed,
/// as /proc does not list them. The list is a snapshot: some PIDs may be gone already.
/// @throws std::system_error naming `opendir /proc` or `readdir /proc`.
std::vector<pid_t> pids();

/// A snapshot of the whole process table: the stat fields of every process, read with
/// one read of each `/proc/PID/stat`.
struct ProcessTable {
    /// One entry per process, sorted by PID, no two with the same PID.
    std::vector<StatFields> entries;

    /// The entry for @p pid, or nullptr if the snapshot has none.
    /// Requires `entries` sorted by PID (lookups are a binary search).
    const StatFields* find(pid_t pid) const;
};

/// Reads /proc/PID/stat for every PID of pids(), in one pass. A process that ends
/// between the listing and its read (ENOENT, ESRCH, or an empty read) is skipped, not
/// an error: the table is what could be read. Zombies are included (state 'Z').
/// @throws std::system_error for any other failure to read.
ProcessTable scan_processes();

/// The PID-reuse guard: true if @p parent can be the parent of @p child, that is
/// `child.ppid == parent.pid` and the parent did not start after the child
/// (`parent.starttime <= child.starttime`; equal ticks are accepted, as psutil does).
/// A "parent" younger than its child is a newer process that got a recycled PID.
bool may_be_parent(const StatFields& parent, const StatFields& child);

/// The parent of @p process (psutil's `p.parent()`), or no value for the top of the tree
/// (PID 1, kthreadd) or when the PID in `process.ppid()`, read now, belongs to a process
/// that started after @p process (PID reuse: may_be_parent() says no).
std::optional<Process> parent(const Process& process);

/// The chain of parents up to the top of the tree (psutil's `p.parents()`):
/// parent(process), its parent, ... until a process that has none (PID 1).
std::vector<Process> parents(const Process& process);

/// The direct children of @p process (or every descendant, if @p recursive, depth first),
/// found by one scan of /proc (psutil's `p.children()`), excluding processes that started
/// before it (PID reuse) and those that ended during the scan.
/// @throws NoSuchProcess if @p process is gone, or its PID now names another process.
std::vector<Process> children(const Process& process, bool recursive = false);

/// The children of @p pid in @p table, by PID: only entries that pass may_be_parent().
/// With @p recursive, every descendant, depth first, each process followed by its own
/// descendants (the order a tree is read in: B, X, Y, C for B's child X and X's child Y).
/// @throws NoSuchProcess if @p pid has no entry in @p table.
std::vector<pid_t> child_pids(const ProcessTable& table, pid_t pid, bool recursive);

/// The tops of the trees in @p table, by PID: every entry whose parent is not in the
/// table or fails may_be_parent() (ppid 0 for PID 1 and kthreadd; a namespace's first
/// process; a process whose parent the snapshot missed).
std::vector<pid_t> roots(const ProcessTable& table);

/// Draws the subtree of @p root in @p table the way `pstree -p -n -T -l` does (without
/// threads, without merging identical branches). Each process is `comm(pid)`; children
/// follow by PID order (only those that pass may_be_parent()); a single child is joined
/// with `───`, several with `─┬─`, `├─` and `└─`, continued with `│`:
///
///     init(1)─┬─sshd(640)
///             └─bash(812)───proc(990)
///
/// Every line ends with '\n'. Columns are counted in characters (UTF-8 code points).
/// @throws NoSuchProcess if @p root has no entry in @p table.
std::string render_tree(const ProcessTable& table, pid_t root);

}  // namespace proc
