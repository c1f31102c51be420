/// @file
/// @brief What a test was doing when its deadline came: where each thread of the test
/// program was blocked, which processes it had, which descriptors it held.
///
/// A timed-out test is killed by the grader, so its own main cannot tell its timeline: the
/// grader looks before it kills. take_deadline_snapshot() reads only /proc and the test's
/// stack memory (process_vm_readv), never follows a link and reads a bounded amount of
/// each file; every return address it finds on a thread's stack that points into the test
/// program (after a call instruction) is kept. describe_deadline_snapshot(), after the run,
/// names those addresses' functions and `file:line` with addr2line (binutils, run under a
/// deadline) and tells the whole in a few lines.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace grader {

/// One thread of the test program at the deadline.
struct ThreadAtDeadline {
    pid_t tid = 0;
    std::string call;                  ///< "wait4(-1, ...)", "running", "" when unreadable
    std::vector<std::uint64_t> calls;  ///< return addresses into the program, innermost
                                       ///< first, as addresses of the program's file
};

/// One process of the test at the deadline (the test program's children).
struct ProcessAtDeadline {
    pid_t pid = 0;
    char state = '?';    ///< its state letter ('Z': a zombie)
    int exit_code = -1;  ///< a zombie's raw status
    std::string name;    ///< its command line, or its comm name
};

/// What take_deadline_snapshot() saw.
struct DeadlineSnapshot {
    bool taken = false;
    std::string program;  ///< the test program's file, as the grader sees it
    std::vector<ThreadAtDeadline> threads;
    std::vector<ProcessAtDeadline> children;
    std::vector<std::string> open;  ///< "fd 5 (pipe:[123])", beyond 0-4
};

/// Looks at the test program: @p supervised itself, or (@p isolated) the oldest child of
/// the sandbox's init @p supervised. @p program is the test program's file. Never throws;
/// what cannot be read is left out.
DeadlineSnapshot take_deadline_snapshot(pid_t supervised, bool isolated,
                                        const std::string& program) noexcept;

/// The snapshot in a few lines: each thread's blocking call and the first function of the
/// lab's code on its stack with `file:line` (paths under @p source_dir shown relative to
/// it), the children, the descriptors. "" when nothing was seen.
std::string describe_deadline_snapshot(const DeadlineSnapshot& snapshot,
                                       const std::string& source_dir);

}  // namespace grader
