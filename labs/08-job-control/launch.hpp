/// @file
/// @brief Lab 08, task 1 — starting a job: a process group of its own, and the terminal.
///
/// A shell runs each command line as a *job*: a process group of its own, so that the
/// terminal's keys (Ctrl-C, Ctrl-Z), which signal a whole group, reach that job and
/// nothing else. A foreground job is also made the terminal's *foreground group*, the one
/// group allowed to read from it. Both must be true before the program runs its first
/// instruction, whichever of parent and child the scheduler runs first after fork: so
/// both sides set them. Lesson: `lessons/08-job-control.md`.
#pragma once

#include <string>
#include <vector>

#include "spawn.hpp"

namespace proc {

/// Starts @p argv as a new job: a process group of its own, led by the new process.
///
/// It forks. The child calls `setpgid(0, 0)` and the parent `setpgid(child, child)`, so
/// the group exists when launch_job returns *and* before the program starts, whichever
/// runs first (the parent's call fails with EACCES once the child has called exec: the
/// child did it then, and that failure is not an error). For a foreground job
/// (@p foreground_tty >= 0) both sides then make the new group the terminal's foreground
/// group (`tcsetpgrp`), with SIGTTOU blocked around the call: a process outside the
/// foreground that calls tcsetpgrp is sent SIGTTOU, which would stop it.
///
/// Before `execvp`, the child puts back the default action of SIGINT, SIGQUIT, SIGTSTP,
/// SIGTTIN, SIGTTOU and SIGCHLD (a shell ignores the first five, and an ignored signal
/// stays ignored across exec) and empties its signal mask (a blocked signal stays blocked
/// across exec: a shell that reads SIGCHLD from a signalfd blocks it).
///
/// @param argv the program, searched in PATH as a shell does (`execvp`), then its arguments.
/// @param foreground_tty the controlling terminal to give the job, or -1 for a background job.
/// @returns the job's leader, owned by a Lab 03 Child; its PID is the group's ID.
/// @throws std::invalid_argument if @p argv is empty; std::system_error naming `fork`,
///         or `setpgid` or `tcsetpgrp` when the parent's call fails; std::system_error with
///         the child's errno naming the child's call that failed and the program, when the
///         program cannot run ("execvp nosuch: No such file or directory"; "setpgid ..." or
///         "tcsetpgrp ..." for the steps before exec). The child reports it through a
///         close-on-exec pipe, and is reaped before the throw; a foreground terminal is
///         given back to the caller's group first.
Child launch_job(const std::vector<std::string>& argv, int foreground_tty = -1);

}  // namespace proc
