/// @file
/// @brief Lab 01 — process identity: a psutil-like view of one process, read from /proc.
///
/// The kernel keeps the truth about every process under `/proc/PID/`. This lab reads it
/// the way psutil does on Linux, so that `proc::Process(pid)` answers the questions of
/// the lecture notes: what is its name, its state, when did it start, which program
/// runs in it. Lesson: `lessons/01-process-identity.md`.
#pragma once

#include <sys/types.h>

#include <iosfwd>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace proc {

/// Raised when a PID names no process, or when the process ended while it was being
/// read. Like psutil's `NoSuchProcess`, the message names the PID.
class NoSuchProcess : public std::runtime_error {
  public:
    /// @param pid the PID that was looked up.
    /// @param detail what was being read, for the message.
    NoSuchProcess(pid_t pid, const std::string& detail);
    /// The PID that was looked up.
    pid_t pid() const noexcept { return pid_; }

  private:
    pid_t pid_;
};

/// Raised when the kernel refuses to show a field (EACCES/EPERM), as psutil's
/// `AccessDenied`: for example the executable of another user's process.
class AccessDenied : public std::runtime_error {
  public:
    /// @param pid the process; @param detail what was being read.
    AccessDenied(pid_t pid, const std::string& detail);
    /// The PID whose field was refused.
    pid_t pid() const noexcept { return pid_; }

  private:
    pid_t pid_;
};

/// A process's scheduling state: the third field of `/proc/PID/stat`, one letter,
/// mapped to psutil's status names.
enum class Status {
    running,       ///< 'R': running or runnable.
    sleeping,      ///< 'S': interruptible sleep (waiting for an event).
    disk_sleep,    ///< 'D': uninterruptible sleep (usually I/O).
    stopped,       ///< 'T': stopped by a signal (SIGSTOP, SIGTSTP, ...).
    tracing_stop,  ///< 't': stopped by a debugger (ptrace).
    zombie,        ///< 'Z': ended, not yet waited for by its parent.
    dead,          ///< 'X' (or 'x'): being removed; rarely seen.
    wake_kill,     ///< 'K': woken to be killed (old kernels).
    waking,        ///< 'W': waking (old kernels).
    parked,        ///< 'P': a parked kernel thread.
    idle,          ///< 'I': an idle kernel thread.
};

/// psutil's name for @p status: "running", "sleeping", "disk-sleep", "stopped",
/// "tracing-stop", "zombie", "dead", "wake-kill", "waking", "parked", "idle".
std::string_view to_string(Status status);

/// Maps the state letter of `/proc/PID/stat` to a Status.
/// @throws std::invalid_argument for a letter the kernel does not use.
Status status_from_letter(char letter);

//> stat-fields
/// The fields of `/proc/PID/stat` this lab uses, as parsed from one read.
struct StatFields {
    pid_t pid = 0;                     ///< Field 1.
    std::string comm;                  ///< Field 2, without its parentheses (≤ 15 bytes).
    char state = '?';                  ///< Field 3, the state letter.
    pid_t ppid = 0;                    ///< Field 4, the parent's PID.
    unsigned long long starttime = 0;  ///< Field 22, start time in clock ticks after boot.
};

/// Parses the text of `/proc/PID/stat`.
///
/// The name (field 2) is whatever the program chose, and may contain spaces and
/// parentheses, e.g. `42 (a) (b) S 1 ...`; it spans from the first '(' to the *last*
/// ')'. Every other field is a number separated by single spaces.
/// @throws std::invalid_argument naming what is wrong when @p text is malformed.
StatFields parse_stat(std::string_view text);
//< stat-fields

/// Splits the raw bytes of `/proc/PID/cmdline` into arguments, as psutil 5.9.4 does.
///
/// Arguments are NUL-terminated, so one trailing NUL is dropped before splitting on NUL.
/// A program may rewrite its command line (setproctitle): when the text does not end
/// with NUL it is split on spaces instead, and so is text that ends with NUL but holds
/// a single argument containing spaces. Empty text (kernel thread, zombie) gives {}.
std::vector<std::string> split_cmdline(std::string_view raw);

/// How psutil's repr shows a start time: the local time of @p create_time as
/// `%H:%M:%S` when it is less than 24 hours before @p now, else `%Y-%m-%d %H:%M:%S`
/// (both in seconds since the epoch; fractions of a second are dropped).
std::string format_start_time(double create_time, double now);

/// The machine's boot time, in seconds since the epoch (the `btime` line of
/// `/proc/stat`), read once and cached.
/// @throws std::system_error if /proc/stat cannot be read.
double boot_time();

/// One process, seen through /proc, in the manner of `psutil.Process`.
///
/// A Process is a handle: it stores the PID and the start time it had when the handle
/// was made, plus a snapshot of its stat fields. The accessors that can change over a
/// process's life (status, ppid) read /proc again on every call; name and create_time
/// never change and come from the snapshot.
class Process {
  public:
    /// Looks up process @p pid and takes a snapshot of its stat fields.
    /// @throws NoSuchProcess if no process has that PID (or it vanished mid-read).
    explicit Process(pid_t pid);

    /// The calling process (psutil's `Process()` with no argument).
    static Process self();

    /// The PID.
    pid_t pid() const noexcept { return pid_; }

    /// The parent's PID, read now (it changes to 1, or to a subreaper, when the parent
    /// exits). @throws NoSuchProcess if the process is gone.
    pid_t ppid() const;

    /// The process name, following psutil's rule: the kernel's comm field, which the
    /// kernel truncates to 15 bytes; when it is that long and the basename of
    /// cmdline()[0] starts with it, that longer basename instead. The comm comes from
    /// the snapshot; lengths are counted in bytes (psutil counts decoded characters,
    /// which differs only for non-ASCII names).
    /// @throws NoSuchProcess if the name is long and the process is gone.
    std::string name() const;

    /// The absolute path of the program the process runs (the `/proc/PID/exe` link).
    /// Empty for kernel threads, which run no program, and for zombies, whose link is
    /// gone while /proc/PID stays (psutil 5.9.4 answers "" for both, the same way).
    /// A program whose file was deleted keeps its path, without the " (deleted)" the
    /// kernel appends (as psutil does). Unlike psutil, no guess from cmdline()[0] is
    /// made when the kernel refuses.
    /// @throws AccessDenied when the kernel refuses (another user's process);
    /// @throws NoSuchProcess if the process is gone (/proc/PID no longer exists).
    std::string exe() const;

    /// The command line, one string per argument: `/proc/PID/cmdline` split by
    /// split_cmdline(). Empty for kernel threads and zombies.
    /// @throws AccessDenied when the kernel refuses;
    /// @throws NoSuchProcess if the process is gone.
    std::vector<std::string> cmdline() const;

    /// The scheduling state, read now. @throws NoSuchProcess if the process is gone.
    Status status() const;

    /// When the process started, in seconds since the epoch: its stat start time in
    /// clock ticks divided by `sysconf(_SC_CLK_TCK)`, plus boot_time(). Same formula and
    /// value as psutil's `create_time()`.
    double create_time() const;

    /// True if a process with this PID exists *and* it is the same process (its start
    /// time matches): a PID reused by a newer process does not count. Zombies count.
    bool is_running() const;

    /// The snapshot taken when this handle was made (or by the last refresh()).
    const StatFields& stat() const noexcept { return stat_; }

    /// Reads /proc/PID/stat again into the snapshot.
    /// @throws NoSuchProcess if the process is gone.
    void refresh();

    /// The text psutil shows for a process (its repr), without the module prefix:
    ///
    ///     Process(pid=18735, name='python', status='running', started='10:51:23')
    ///
    /// The name is quoted as repr() quotes a string in Python; the start time is
    /// format_start_time(create_time(), now). The status is read now; a process that
    /// has gone shows status='terminated', as in psutil.
    std::string to_string() const;

  private:
    pid_t pid_;
    StatFields stat_;
};

/// Writes `p.to_string()`.
std::ostream& operator<<(std::ostream& out, const Process& p);

}  // namespace proc
