#include "hsys/reap.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

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

int kill_all_descendants() {
    int killed = 0;
    // Each round kills what exists; anything forked meanwhile is re-parented to us (we
    // are the subreaper) and found by the next round.
    for (int round = 0; round < 10000; ++round) {
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
