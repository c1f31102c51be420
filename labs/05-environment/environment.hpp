/// @file
/// @brief Lab 05 — the environment: a process's `NAME=value` strings as a value you can
/// read, edit and hand to a child.
///
/// The environment is not a property the kernel keeps up to date: it is an array of
/// strings copied into a new program's memory by `execve`, reachable through `environ`.
/// The kernel remembers where that array was and shows it as `/proc/PID/environ`
/// (NUL-separated). This lab reads both, edits a copy, and turns it back into the
/// NULL-terminated `char*` array that `execve` and `posix_spawn` take.
/// Lesson: `lessons/05-environment.md`.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proc {

/// An environment ready for `execve(path, argv, envp.data())` or `posix_spawn`: it owns
/// its `NAME=value` strings and a NULL-terminated array of pointers into them.
///
/// Move-only: the pointers point into the owned strings, so a copy would point into the
/// original. Moving keeps them valid (the strings' storage moves with the vector).
class Envp {
  public:
    /// Takes @p entries (each `NAME=value`, not checked) in the order given.
    explicit Envp(std::vector<std::string> entries);
    /// Takes over @p other's strings and pointers (they stay valid).
    Envp(Envp&& other) noexcept = default;
    /// Takes over @p other's strings and pointers (they stay valid).
    Envp& operator=(Envp&& other) noexcept = default;
    Envp(const Envp&) = delete;
    Envp& operator=(const Envp&) = delete;

    /// The array `execve` wants: one pointer per entry, then a null pointer. Valid as
    /// long as this Envp lives (and is not assigned to).
    char* const* data() const noexcept { return pointers_.data(); }
    /// The number of entries (not counting the final null pointer).
    std::size_t size() const noexcept { return strings_.size(); }

  private:
    std::vector<std::string> strings_;
    std::vector<char*> pointers_;
};

/// A set of environment variables: names mapped to values, kept sorted by name (byte
/// order), each name at most once.
///
/// Rules shared by every way of building one (they follow psutil's `parse_environ_block`):
/// - an entry is split at its *first* '=': `A=b=c` is `A` with value `b=c`;
/// - an entry with no '=' is skipped, and so is one whose '=' comes first (`=x`: no
///   name); an empty value (`A=`) is kept;
/// - when a name appears twice, the **first** one wins, as it does for `getenv()` (which
///   scans `environ` from the start) and for Python's `os.environ`. psutil's `environ()`
///   keeps the last one instead; we follow what the process itself would see.
class Environment {
  public:
    /// The sorted map behind the environment; iteration yields (name, value) pairs.
    using Map = std::map<std::string, std::string, std::less<>>;
    /// Iterates in name order.
    using const_iterator = Map::const_iterator;

    /// An empty environment (what `env -i` gives a program).
    Environment() = default;

    /// The calling process's environment, read from `environ` now (so it includes any
    /// `setenv`/`putenv` made since the program started).
    static Environment current();

    /// The environment process @p pid was started with, read from `/proc/PID/environ`.
    /// This is the block `execve` copied in: later `setenv` calls in that process do not
    /// show. Empty for a zombie or a kernel thread.
    /// @throws std::system_error with `std::errc::no_such_process` (ESRCH) and a message
    ///         starting "no process with PID N" when there is no such process;
    /// @throws std::system_error with `std::errc::permission_denied` (EACCES) and a
    ///         message starting "not allowed to read the environment of PID N" when the
    ///         kernel refuses (another user's process);
    /// @throws std::system_error with errno for any other failure.
    static Environment of_process(pid_t pid);

    /// Parses a block as `/proc/PID/environ` holds it: entries each followed by a NUL
    /// byte. As in psutil, parsing stops at an empty entry (two NULs in a row, or a NUL
    /// first) and at a last entry that is not NUL-terminated (a truncated block).
    static Environment parse_block(std::string_view block);

    /// Builds an environment from `NAME=value` strings, with the rules above (an empty
    /// string is just one more entry without '=', skipped).
    static Environment from_entries(const std::vector<std::string>& entries);

    /// The value of @p name, or no value when it is not set.
    std::optional<std::string> get(std::string_view name) const;

    /// True when @p name is set (possibly to an empty value).
    bool contains(std::string_view name) const;

    /// Sets @p name to @p value, replacing any previous value.
    /// @throws std::invalid_argument if @p name is empty or contains '=' (the rule
    /// `setenv(3)` enforces with EINVAL).
    void set(std::string name, std::string value);

    /// Removes @p name. @returns true if it was set.
    bool unset(std::string_view name);

    /// Copies every variable of @p other into this one; where both have a name,
    /// @p other's value wins. @returns *this.
    Environment& merge(const Environment& other);

    /// The number of variables.
    std::size_t size() const noexcept { return vars_.size(); }
    /// True when there are none.
    bool empty() const noexcept { return vars_.empty(); }
    /// First variable in name order.
    const_iterator begin() const noexcept { return vars_.begin(); }
    /// Past the last variable.
    const_iterator end() const noexcept { return vars_.end(); }

    /// The variables as `NAME=value` strings, in name order.
    std::vector<std::string> entries() const;

    /// The variables as an execve-ready array, in name order.
    Envp envp() const;

    /// Same names with the same values.
    bool operator==(const Environment& other) const = default;

  private:
    Map vars_;
};

}  // namespace proc
