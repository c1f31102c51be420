#include "hsys/reap.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "course/sys.hpp"
#include "hsys/proc.hpp"

namespace hsys {

void become_subreaper() {
    course::check(::prctl(PR_SET_CHILD_SUBREAPER, 1), "prctl");
}

void reap_finished_children() noexcept {
    // ECHILD ends the loop: no children left. 0: some are still dying.
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
}

namespace {

// Whether the calling process has no child at all, not even a zombie (none is reaped).
// Then it has no descendant either (a descendant's chain of parents goes through a child
// of ours; one whose parent ended was re-parented to us, the subreaper), and the scan of
// every process on the machine, the costliest step of a test on a busy one, is not needed.
bool has_no_child() {
    siginfo_t info{};
    return ::waitid(P_ALL, 0, &info,
                    WEXITED | WSTOPPED | WCONTINUED | WNOHANG | WNOWAIT | __WALL) != 0 &&
           errno == ECHILD;
}

}  // namespace

int kill_all_descendants() {
    int killed = 0;
    // Each round kills what exists; anything forked meanwhile is re-parented to us (we
    // are the subreaper) and found by the next round.
    for (int round = 0; round < 10000; ++round) {
        if (has_no_child())
            break;  // so none of its descendants is alive: no need to read every process's stat
        auto alive = descendants_of(::getpid());
        if (alive.empty())
            break;
        for (pid_t pid : alive) {
            if (::kill(pid, SIGKILL) == 0)
                ++killed;
        }
        reap_finished_children();
    }
    reap_finished_children();
    return killed;
}

}  // namespace hsys
