/// @file
/// @brief The harness's reading of /proc: which processes exist, and who started whom.
///
/// Never linked into the labs: parsing /proc is what the labs ask students to write.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace hsys {

/// Every process (thread-group leader) in /proc at the time of the scan, in readdir order.
/// @throws std::system_error naming "opendir /proc" or "readdir /proc"; the directory is
///         closed whatever happens.
std::vector<pid_t> list_pids();

/// The threads of process @p pid (their ids, the first its own), from /proc/PID/task.
/// @throws std::system_error naming "opendir /proc/PID/task" or its readdir.
std::vector<pid_t> list_threads(pid_t pid);

/// The fields of /proc/PID/stat that the harness uses.
struct StatLine {
    pid_t pid;                     ///< Field 1.
    std::string comm;              ///< Field 2, without its parentheses (may hold any byte).
    char state;                    ///< Field 3: R, S, D, Z, T, t, X, I...
    pid_t ppid;                    ///< Field 4: the parent (0 for init and kthreadd).
    pid_t pgrp;                    ///< Field 5: the process group.
    pid_t session;                 ///< Field 6: the session.
    unsigned long long starttime;  ///< Field 22: clock ticks after boot at its start.
};

/// Parses the text of a /proc/PID/stat file. The name runs from the first '(' to the LAST
/// ')', since a process may call itself "a) (b" or put spaces and newlines in its name.
/// @returns nullopt when @p text is not such a line (or is cut before field 22).
/// Never throws except std::bad_alloc.
std::optional<StatLine> parse_stat_line(std::string_view text);

/// Reads and parses /proc/PID/stat for @p pid.
/// @returns nullopt when the process is gone (ENOENT, ESRCH), hidden from us (EACCES,
///          EPERM, hidepid) or its line cannot be parsed.
/// @throws std::system_error naming "open PATH" or "read PATH" for other failures.
std::optional<StatLine> read_stat(pid_t pid);

/// Each live process mapped to its parent, from one scan of /proc.
/// @throws as list_pids() and read_stat().
std::unordered_map<pid_t, pid_t> parent_map();

/// Every descendant of @p root (children, their children...), breadth first, without
/// @p root, from one parent_map(). A process forked during the scan may be missed.
/// @throws as parent_map().
std::vector<pid_t> descendants_of(pid_t root);

}  // namespace hsys
