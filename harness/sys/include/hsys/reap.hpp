/// @file
/// @brief Leaving nothing behind: a process that adopts its orphaned descendants, and kills
/// and reaps every one of them.
///
/// The grader uses both around every sandboxed run; `run-and-reap` (harness/tools/) around
/// the course's own test runs.
#pragma once

namespace hsys {

/// Makes the calling process a child subreaper, so that every orphaned descendant (a
/// daemon that double-forked, a child whose parent died) is re-parented to it and can be
/// found and killed.
/// @throws std::system_error naming `prctl`.
void become_subreaper();

/// Reaps every child that has already ended, without waiting for the others. Never throws.
void reap_finished_children() noexcept;

/// Kills (SIGKILL) and reaps every descendant of the calling process, repeating until
/// none is left (what forks meanwhile is found by the next round, when the caller is a
/// subreaper). @returns how many it killed.
/// @throws as descendants_of() (proc.hpp).
int kill_all_descendants();

}  // namespace hsys
