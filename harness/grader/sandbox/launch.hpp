/// @file
/// @brief Starting a sandboxed run's child side without copying the grader: the sandbox's
/// launcher program.
///
/// A fork() of the grader copies its page tables, and the child's exit or exec tears them
/// down again; the sandbox did that twice per test (the grader forked the namespace's
/// init, the init forked the test), each copy as big as the grader's memory. Instead the
/// grader starts a small static program, `sandbox-launch` (launcher/sandbox_launch.cpp),
/// with posix_spawn: the C library's vfork-style clone (CLONE_VM | CLONE_VFORK) shares the
/// grader's memory until the exec, so nothing is copied, and the well-tested C library,
/// not the course, does what little runs in that shared memory. The launcher reads the
/// run's plan (launch_plan.hpp) and runs the very same child side as before
/// (sandbox_child.cpp: the init, the test's setup, every protection in the same order);
/// the only copies left are of the launcher itself, a few hundred KiB.
///
///  - Without namespaces, the launcher becomes the test: it applies the protections and
///    execs the program, so the grader's child is the test, as before.
///  - With namespaces, the launcher clones the init into new namespaces with
///    CLONE_PARENT, so that the init is the grader's child, as before; says its PID on a
///    pipe; and exits. The grader then maps the init's ids and puts it in its cgroup
///    (it waits on plan.sync_fd meanwhile), exactly as when it forked the init itself.
///
/// Why not the other ways to start cheaply: a vfork-style clone running the sandbox's
/// own setup in the grader's memory would share the grader's heap, errno and signal
/// handlers with code that runs for a while (the init never execs: it must live as long
/// as the test, so it needs memory of its own anyway); a zygote forked once would need
/// descriptors passed over a socket and a protocol for every run. The launcher keeps the
/// child side's code as it was, only in a process of its own.
#pragma once

#include <sys/types.h>

#include <string>

#include "sandbox/sandbox_child.hpp"

namespace grader::launch {

/// The launcher program: `sandbox-launch` beside the running program (its folder in
/// /proc/self/exe), else the one this build made. Looked up once.
const std::string& launcher_path();

/// Starts the child side of @p plan in the launcher (see the file comment). The plan's
/// descriptors (output, report, sync, cgroup, passed) are the caller's: they stay open
/// here and reach the launcher at the same numbers; plan.grader_ends[1] must be the
/// report pipe's read end (read, without waiting, when the launcher fails).
/// @returns without plan.isolated the test's PID; with it the init's PID (it waits on
///          plan.sync_fd). On failure -1, with @p error saying what failed, as
///          "cannot STEP (PATH): ERRNO" when the launcher said so; then nothing started
///          is left (reaped).
pid_t launch_child(const child::ChildPlan& plan, std::string& error);

}  // namespace grader::launch
