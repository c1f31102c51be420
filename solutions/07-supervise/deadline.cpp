// Lab 07, task 1 — a deadline for a child: SIGTERM, grace, SIGKILL (reference solution).
#include "deadline.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include "course/sys.hpp"

namespace proc {

void signal_group(const Child& child, int sig) {
    // A reaped child's PID may already belong to someone else: never signal it.
    if (child.reaped())
        throw std::logic_error("signal_group: the child is empty or reaped");
    // A negative PID means "the process group with this ID": the child and whatever it
    // started, which a signal to the child alone would leave running as orphans.
    if (::kill(-child.pid(), sig) == 0)
        return;
    // ESRCH: no such group, so the child leads none (it was not started in a new group).
    // Our unreaped child still holds its PID, so kill(pid) can only reach the child.
    if (errno != ESRCH)
        course::throw_errno("kill");
    course::check(::kill(child.pid(), sig), "kill");
}

DeadlineResult stop_gracefully(Child& child, std::chrono::milliseconds grace) {
    signal_group(child, SIGTERM);
    // A stopped process keeps SIGTERM pending until continued: wake it (systemd does too).
    signal_group(child, SIGCONT);
    if (auto status = wait_for(child, grace))
        return {Ending::terminated, *status};
    // It ignored, blocked or is still handling SIGTERM: SIGKILL cannot be caught.
    signal_group(child, SIGKILL);
    return {Ending::killed, wait(child)};
}

DeadlineResult run_with_deadline(Child& child, std::chrono::milliseconds timeout,
                                 std::chrono::milliseconds grace) {
    // wait_for sleeps in poll() on a pidfd: no busy loop, and it returns the moment the
    // child ends rather than at the deadline.
    if (auto status = wait_for(child, timeout))
        return {Ending::finished, *status};
    return stop_gracefully(child, grace);
}

DeadlineResult run_with_deadline(const std::vector<std::string>& argv,
                                 std::chrono::milliseconds timeout, std::chrono::milliseconds grace,
                                 SpawnOptions options) {
    if (argv.empty())
        throw std::invalid_argument("run_with_deadline: empty command");
    options.new_process_group = true;  // so that the signals reach its children too
    Child child = spawnp(argv[0], argv, current_environment(), options);
    return run_with_deadline(child, timeout, grace);
}

}  // namespace proc
