/// @file
/// @brief Runs one untrusted program to completion, whatever it does.
///
/// The program runs in a new session with resource limits, its output captured through
/// a pipe and capped; it is killed at its deadline; and everything it started is killed
/// and reaped before run_sandboxed() returns (the grader is a child subreaper, so
/// orphans and daemons come back to it). See harness/README.md for the full list.
#pragma once

#include <sys/resource.h>

#include <cstddef>
#include <string>
#include <vector>

namespace grader {

/// What a sandboxed run may use.
struct Limits {
    double wall_seconds = 10;                   ///< Killed (with all it started) after this.
    std::size_t output_cap = 64 * 1024;         ///< Bytes of stdout+stderr kept; the rest is
                                                ///< read and dropped, so a flood cannot block.
    rlim_t address_space = 4ull << 30;          ///< RLIMIT_AS, bytes (0: leave unchanged).
    rlim_t file_size = 64ull << 20;             ///< RLIMIT_FSIZE, bytes (0: leave unchanged).
    rlim_t max_processes = 0;                   ///< RLIMIT_NPROC (0: leave unchanged).
};

/// How a sandboxed run ended.
struct Outcome {
    bool started = false;           ///< False when fork/exec failed (see output).
    int raw_status = 0;             ///< The wait status of the program itself.
    bool timed_out = false;         ///< Killed at the deadline.
    std::string output;             ///< stdout and stderr, interleaved, up to the cap.
    std::size_t output_bytes = 0;   ///< Everything it wrote, kept or not.
    bool output_truncated = false;  ///< output_bytes > the cap.
    double seconds = 0;             ///< Wall time from start to the program's end.
    int leftovers_killed = 0;       ///< Descendants still alive after it ended (killed).
};

/// Makes the calling process a child subreaper, so that every orphaned descendant of a
/// sandboxed program is re-parented to it and can be found and killed.
/// @throws std::system_error naming `prctl`.
void become_subreaper();

/// Runs @p argv (argv[0] is a path) in @p workdir under @p limits and returns how it
/// ended. Never throws for anything the program does; throws std::system_error only if
/// the grader itself cannot create a pipe or fork.
Outcome run_sandboxed(const std::vector<std::string>& argv, const std::string& workdir,
                      const Limits& limits);

/// Kills (SIGKILL) and reaps every descendant of the calling process, repeating until
/// none is left. @returns how many it killed.
int kill_all_descendants();

}  // namespace grader
