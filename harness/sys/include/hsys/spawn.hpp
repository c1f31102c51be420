/// @file
/// @brief Starting a program with posix_spawn, every step checked, nothing leaked.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace hsys {

/// What to start and how.
struct SpawnOptions {
    std::vector<std::string> argv{};                ///< The program and its arguments; not empty.
    std::optional<std::vector<std::string>> env{};  ///< "NAME=value" entries; nullopt: ours.
    std::string cwd{};                              ///< Its working directory; empty: ours.
    int stdin_fd = -1;                              ///< Becomes its descriptor 0; -1 inherits ours.
    int stdout_fd = -1;                             ///< Becomes its descriptor 1; -1 inherits ours.
    int stderr_fd = -1;                             ///< Becomes its descriptor 2; -1 inherits ours.
    bool new_process_group = false;                 ///< Leads a new process group (PGID = its PID).
    bool search_path = true;  ///< posix_spawnp (PATH search when argv[0] has no '/').
    /// Empty signal mask and default dispositions for every signal, whatever ours are
    /// (a signal we ignore or block would otherwise stay ignored or blocked in it).
    bool reset_signals = true;
    /// Descriptors it keeps, each at its own number with close-on-exec cleared (a dup2
    /// onto itself: POSIX 2024, glibc >= 2.29), besides 0-2.
    std::vector<int> keep_fds{};
    /// The file to run when it differs from argv[0], which is then only the name the
    /// program sees (`/bin/sh` run as "sh", so its messages say `sh: 1:`); empty: argv[0].
    std::string program{};
};

/// Starts @p options.program (or argv[0]) with @p options.argv, by posix_spawn(p). Descriptors 0-2
/// are set from the given fds (dup2, which clears close-on-exec even when an fd is already its
/// target); all our close-on-exec descriptors are closed in the child.
/// @returns the child's PID; the caller must reap it.
/// @throws std::system_error built from the returned error number, naming the
///         posix_spawn_* call and the program ("posix_spawnp nosuch: No such file or
///         directory"); EINVAL for an empty argv. Attributes and file actions are released
///         whatever fails.
pid_t spawn(const SpawnOptions& options);

/// The path of the executable @p name as execvp would find it: @p name itself when it holds
/// a '/', else the first PATH folder (/usr/bin:/bin when PATH is unset) holding an
/// executable file of that name. @returns "" when there is none.
std::string find_in_path(const std::string& name);

}  // namespace hsys
