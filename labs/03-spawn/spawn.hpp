/// @file
/// @brief Lab 03 — starting a program: posix_spawn, and fork/vfork + exec for comparison.
///
/// The lecture notes ask "Use spawn first? Fork-exec later?". This lab builds both: a
/// `spawn` over `posix_spawn` (the one to use), and `fork_exec` / `vfork_exec` that do
/// the same job by hand (the ones to understand), all returning a `Child` that owns the
/// new process. Lab 04 waits for it. Lesson: `lessons/03-spawn.md`.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "course/unique_fd.hpp"

namespace proc {

/// Where one of the child's standard streams (0, 1 or 2) comes from or goes to.
struct Redirect {
    /// The kinds of redirection.
    enum class Kind {
        inherit,  ///< The child shares the parent's descriptor (the default).
        null,     ///< `/dev/null`: reads see end of file, writes are discarded.
        file,     ///< A file: read for stdin; for stdout/stderr created if missing (0666
                  ///< minus umask), truncated unless `append`.
        pipe,     ///< A new pipe; the parent gets the other end in Child::in/out/err().
    };
    Kind kind = Kind::inherit;  ///< What to do.
    std::string path;           ///< The file, for Kind::file.
    bool append = false;        ///< For an output file: append instead of truncating.

    /// The child shares the parent's stream.
    static Redirect inherit() { return {}; }
    /// The stream is `/dev/null`.
    static Redirect null() { return {Kind::null, "", false}; }
    /// The stream is the file @p file_path (appended to if @p append_to_it, for output).
    static Redirect file(std::string file_path, bool append_to_it = false) {
        return {Kind::file, std::move(file_path), append_to_it};
    }
    /// The stream is a pipe whose other end the parent keeps.
    static Redirect pipe() { return {Kind::pipe, "", false}; }
};

/// How to start the child, beyond its program, arguments and environment.
struct SpawnOptions {
    Redirect in;   ///< The child's standard input (descriptor 0).
    Redirect out;  ///< The child's standard output (descriptor 1).
    Redirect err;  ///< The child's standard error (descriptor 2).
    /// Put the child in a new process group of its own (its PGID = its PID), so that a
    /// terminal's Ctrl-C, which signals the foreground group, no longer reaches it.
    bool new_process_group = false;
};

/// Owns one child process: its PID, plus the parent's ends of any pipes to its
/// standard streams.
///
/// Move-only, like a descriptor: two owners would wait twice for one PID, and the second
/// wait could reap an unrelated child that reused it.
///
/// **The destructor never leaves a zombie.** If the child has not been marked reaped
/// (Lab 04's `wait` does that), the destructor closes the pipes, sends it SIGKILL and
/// waits for it. So a Child that goes out of scope kills its process: call Lab 04's
/// `wait` first to let it finish. The destructor never throws.
class Child {
  public:
    /// An empty Child that owns no process (pid() is -1).
    Child() noexcept = default;
    /// Takes ownership of the child @p pid and of the parent's ends of its pipes (each
    /// may be empty).
    explicit Child(pid_t pid, course::UniqueFd in = {}, course::UniqueFd out = {},
                   course::UniqueFd err = {}) noexcept;
    /// Takes over @p other's process; @p other becomes empty.
    Child(Child&& other) noexcept;
    /// Kills and reaps the process this Child owns (if unreaped), then takes over
    /// @p other's.
    Child& operator=(Child&& other) noexcept;
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    /// Kills (SIGKILL) and reaps the process unless it was marked reaped; never throws.
    ~Child();

    /// The child's PID; -1 for an empty Child. Still readable after the child is
    /// reaped, for messages, but then the kernel may have given the number to another
    /// process.
    pid_t pid() const noexcept { return pid_; }
    /// True when there is no process to wait for: empty, or marked reaped.
    bool reaped() const noexcept { return pid_ <= 0 || reaped_; }
    /// Records that a wait has reaped the process. From then on the destructor leaves the
    /// PID alone. Lab 04's wait functions call it right after waitpid reports the child.
    void mark_reaped() noexcept { reaped_ = true; }

    /// The parent's write end of the child's stdin pipe (empty unless SpawnOptions::in
    /// was Redirect::pipe()). Close it (`in().reset()`) to give the child end of file.
    course::UniqueFd& in() noexcept { return in_; }
    /// The parent's read end of the child's stdout pipe (empty unless Redirect::pipe()).
    course::UniqueFd& out() noexcept { return out_; }
    /// The parent's read end of the child's stderr pipe (empty unless Redirect::pipe()).
    course::UniqueFd& err() noexcept { return err_; }

  private:
    void kill_and_reap() noexcept;

    pid_t pid_ = -1;
    bool reaped_ = false;
    course::UniqueFd in_;
    course::UniqueFd out_;
    course::UniqueFd err_;
};

/// Starts the program at @p path with `posix_spawn`.
///
/// @param path the program's file, used as is (no PATH search), e.g. "/usr/bin/true".
/// @param argv the arguments, argv[0] included (by convention the program's name).
/// @param env  the child's whole environment, "NAME=value" strings; empty means an
///             empty environment, *not* the parent's (pass Lab 05's copy for that).
/// @param options redirections and process group.
/// @returns the Child, running. Only descriptors 0, 1 and 2 reach the child: every other
///          descriptor of the parent, close-on-exec or not, is closed in it
///          (`posix_spawn_file_actions_addclosefrom_np(3)`, glibc 2.34+).
/// @throws std::system_error carrying the error number posix_spawn *returned* when the
///         program cannot be run — ENOENT (no such file), EACCES (not executable),
///         ENOEXEC, ... — or when a redirection's file cannot be opened; its what()
///         names the call and @p path ("posix_spawn /no/such: No such file or
///         directory"). A failed spawn leaves no process and no zombie behind.
Child spawn(const std::string& path, const std::vector<std::string>& argv,
            const std::vector<std::string>& env, const SpawnOptions& options = {});

/// Like spawn(), but with `posix_spawnp`: a @p file without a '/' is searched in the
/// directories of the **parent's** PATH (the caller's `environ`, not @p env), as a shell
/// does. A @p file with a '/' is used as is.
/// @throws std::system_error as spawn(), naming `posix_spawnp` and @p file.
Child spawnp(const std::string& file, const std::vector<std::string>& argv,
             const std::vector<std::string>& env, const SpawnOptions& options = {});

/// spawn() done by hand with `fork` then `execve`: same arguments, same result, same
/// errors. The child reports an exec failure to the parent through a close-on-exec pipe
/// (the errno, then `_exit(127)`); the parent reaps it and throws, naming `execve` and
/// @p path. Setting up the child (redirections, process group) failing is reported the
/// same way, naming that call.
Child fork_exec(const std::string& path, const std::vector<std::string>& argv,
                const std::vector<std::string>& env, const SpawnOptions& options = {});

/// fork_exec() with `vfork`: the child borrows the parent's memory (and the parent is
/// suspended) until it calls execve or _exit, so nothing is copied. Same arguments,
/// result and errors as fork_exec().
Child vfork_exec(const std::string& path, const std::vector<std::string>& argv,
                 const std::vector<std::string>& env, const SpawnOptions& options = {});

}  // namespace proc
