/// @file
/// @brief What every lab's tests link: child control, status assertions, leak checks.
///
/// Tests in a course about processes start processes. This library gives them three
/// things: a forked child the test controls through a pipe (never through sleeps), and
/// that is killed and reaped whatever happens; assertions on wait statuses whose
/// failures read as sentences; and, installed by `harness_gtest_main`, a check after
/// every test that it left no child and no zombie behind.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "course/unique_fd.hpp"

namespace harness {

/// The name of signal @p sig as a shell would print it ("SIGSEGV"), or "signal N".
std::string signal_name(int sig);

/// Explains a raw wait status in words, keeping the number:
/// "exited with code 1 (raw status 256)", "killed by SIGKILL (raw status 9)",
/// "killed by SIGSEGV, core dumped (raw status 139)", "stopped by SIGSTOP (raw status 4991)".
std::string describe_status(int raw_status);

/// Predicate-formatter behind EXPECT_EXITED_WITH: passes when @p raw_status says the
/// child exited normally with @p code.
::testing::AssertionResult ExitedWith(const char* status_expr, const char* code_expr,
                                      int raw_status, int code);

/// Predicate-formatter behind EXPECT_KILLED_BY: passes when @p raw_status says a
/// signal @p sig ended the child.
::testing::AssertionResult KilledBy(const char* status_expr, const char* sig_expr, int raw_status,
                                    int sig);

/// A reference to a lesson section for failure messages: "see lessons/FILE#ANCHOR".
std::string see_lesson(const std::string& lesson_file, const std::string& anchor);

/// Child side of a fork: execs @p argv (argv[0] searched in PATH unless it holds a '/'),
/// and `_exit(127)` if that fails, as a shell does for a command it cannot run. Never
/// returns into the test framework.
[[noreturn]] void exec_or_exit(const std::vector<std::string>& argv);

/// One process as the leak check reports it.
struct ChildInfo {
    pid_t pid;         ///< Its PID.
    std::string name;  ///< Its comm name.
    char state;        ///< Its state letter from /proc/PID/stat ('Z' for a zombie).
};

/// The children of @p parent right now, found by one scan of /proc.
std::vector<ChildInfo> children_of(pid_t parent);

/// How many of the children kill_and_reap_children() finds it names and describes.
inline constexpr std::size_t kDescribedChildren = 10;
/// Up to how many children kill_and_reap_children() waits for, one by one; past that it
/// kills them all and reaps only those already dead (the grader's sandbox ends the rest).
inline constexpr std::size_t kReapedChildren = 64;

/// Kills (SIGKILL) and reaps every child of the calling process, zombies included (all of
/// them when there are at most kReapedChildren).
/// @returns what was found, before killing, so a caller can report it: every child, the
///          first kDescribedChildren with name and state (the rest: empty name, '?').
std::vector<ChildInfo> kill_and_reap_children();

/// The leak check's failure message for @p left (what kill_and_reap_children() returned):
/// how many children the test left, the first few by PID, name and state, and the lesson
/// on reaping. "" when @p left is empty. Both test mains (GoogleTest, Catch2) report it.
std::string leaked_children_message(const std::vector<ChildInfo>& left);

/// One open descriptor of the calling process.
struct OpenDescriptor {
    int fd;              ///< Its number.
    std::string target;  ///< What it refers to, as /proc/self/fd shows it: "/proc/42/stat",
                         ///< "pipe:[1234]", "socket:[99]", "anon_inode:[pidfd]".
    bool path_handle;    ///< Opened with O_PATH: a handle, no file open for I/O.
};

/// The calling process's open descriptors in increasing order, from one scan of
/// /proc/self/fd (the scan's own descriptor is left out). Empty when /proc cannot be read.
std::vector<OpenDescriptor> open_descriptors();

/// The descriptor check's failure message: each descriptor of @p after that @p before did
/// not hold (the same number pointing to the same thing), named by what it refers to,
/// with the lesson on descriptor leaks; O_PATH handles do not count (a program may keep
/// one, on /proc say, for its whole life). "" when there is none.
std::string leaked_descriptors_message(const std::vector<OpenDescriptor>& before,
                                       const std::vector<OpenDescriptor>& after);

/// A gate a test holds a child at: the child blocks in wait() until the test calls open()
/// (or until the test's end of the pipe closes, which also opens it). Create it before
/// forking; both processes then hold both ends, and each uses its side.
class Gate {
  public:
    /// Creates the pipe. @throws std::system_error naming `pipe2`.
    Gate();
    /// Child side: blocks until the gate opens. Returns at once if it already has.
    void wait();
    /// Parent side: opens the gate by closing the write end.
    void open();
    /// Child side: closes the write end inherited from the parent, so that the parent's
    /// exit (or open()) is the only thing that opens the gate. Call first in the child.
    void child_side();

  private:
    course::UniqueFd read_;
    course::UniqueFd write_;
};

/// A forked child under a test's control. The destructor kills (SIGKILL) and reaps it if
/// the test has not, so a failing assertion never leaks it.
class TestChild {
  public:
    /// Forks; the child runs @p body and then `_exit(0)`, or `_exit(70)` if @p body throws.
    /// The child never returns into the test framework.
    /// @throws std::system_error naming `fork`.
    static TestChild fork(const std::function<void()>& body);

    /// Forks and execs @p argv (argv[0] searched in PATH) with stdout and stderr sent
    /// to /dev/null unless @p keep_output; exec failure exits 127.
    static TestChild exec(const std::vector<std::string>& argv, bool keep_output = false);

    /// Takes over @p other's child; @p other no longer owns it.
    TestChild(TestChild&& other) noexcept;
    TestChild& operator=(TestChild&&) = delete;
    TestChild(const TestChild&) = delete;
    ~TestChild();

    /// The child's PID.
    pid_t pid() const { return pid_; }
    /// Waits (blocking, EINTR-safe) and reaps the child. @returns the raw status.
    int wait();
    /// Blocks until the child has ended but leaves it a zombie (waitid with WNOWAIT),
    /// so a test can look at it in /proc. The destructor or wait() reaps it later.
    void wait_until_zombie();
    /// Blocks until the child is stopped (after SIGSTOP), leaving it stopped.
    void wait_until_stopped();
    /// Sends @p sig to the child. @throws std::system_error naming `kill`.
    void kill(int sig);
    /// True once wait() has reaped the child.
    bool reaped() const { return pid_ <= 0; }

  private:
    explicit TestChild(pid_t pid) : pid_(pid) {}
    pid_t pid_;
};

/// A child running `cat` (or a link to it, or a copy) with a pipe the test holds at each end
/// of it. start() returns only once cat has copied a byte from the one pipe to the other: the
/// exec is then complete, so /proc/PID shows the new program's name, exe, command line and
/// environment. A close-on-exec pipe reading end of file is too early a sign for that: the
/// kernel closes such pipes before it renames the process and records where its command line
/// and environment are, and a test reading /proc in between sees the old name or nothing.
class RunningCat {
  public:
    /// Forks and execs @p argv (argv[0] a path, and arguments that keep cat copying stdin:
    /// none, or "-") with @p env as its whole environment, or the test's own without one.
    /// @throws std::system_error naming `fork`, `pipe2`, `write` or `read`;
    ///         std::runtime_error naming argv[0] and how the child ended when cat never
    ///         echoed (the exec failed: exit code 127).
    static RunningCat start(const std::vector<std::string>& argv,
                            const std::optional<std::vector<std::string>>& env = std::nullopt);

    /// The child's PID.
    pid_t pid() const { return child_.pid(); }
    /// The child, to signal or reap it directly.
    TestChild& child() { return child_; }
    /// Closes cat's input; cat reads end of file and exits. @returns the raw wait status.
    int finish();

  private:
    RunningCat(TestChild child, course::UniqueFd input, course::UniqueFd output)
        : child_(std::move(child)), input_(std::move(input)), output_(std::move(output)) {}
    TestChild child_;
    course::UniqueFd input_;   // cat's stdin, our write end
    course::UniqueFd output_;  // cat's stdout, our read end
};

}  // namespace harness

/// Expects @p raw_status (from waitpid) to say "exited with code @p code".
#define EXPECT_EXITED_WITH(raw_status, code) \
    EXPECT_PRED_FORMAT2(::harness::ExitedWith, raw_status, code)
/// Asserts @p raw_status (from waitpid) says "exited with code @p code".
#define ASSERT_EXITED_WITH(raw_status, code) \
    ASSERT_PRED_FORMAT2(::harness::ExitedWith, raw_status, code)
/// Expects @p raw_status (from waitpid) to say "killed by signal @p sig".
#define EXPECT_KILLED_BY(raw_status, sig) EXPECT_PRED_FORMAT2(::harness::KilledBy, raw_status, sig)
/// Asserts @p raw_status (from waitpid) says "killed by signal @p sig".
#define ASSERT_KILLED_BY(raw_status, sig) ASSERT_PRED_FORMAT2(::harness::KilledBy, raw_status, sig)
