// Lab 08 — the job table. The functions marked TODO are Tasks 3 and 4; jobs.hpp is the
// contract, given.cpp the table's book-keeping, shell.cpp the shell that calls them all.
#include "jobs.hpp"

#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <stdexcept>

#include "course/sys.hpp"
#include "course/todo.hpp"
#include "launch.hpp"

namespace proc {

// TODO: Task 3 — block SIGCHLD (keep the old mask) and open a non-blocking signalfd for it.
ChildSignals::ChildSignals() {
    course::todo("Task 3");
}

// TODO: Task 3 — close the descriptor, restore the old mask (a destructor must not throw).
ChildSignals::~ChildSignals() {}

// TODO: Task 3 — read every pending SIGCHLD, without blocking; count them.
int ChildSignals::drain() {
    course::todo("Task 3");
}

// TODO: Task 3 — launch_job, the next number, into the table; a foreground job is then
// waited for.
Job& JobTable::start([[maybe_unused]] const std::vector<std::string>& argv,
                     [[maybe_unused]] bool background) {
    course::todo("Task 3");
}

// TODO: Task 3 — waitpid with WUNTRACED until the job stops or ends; record the state, the
// status and (stopped) the terminal's modes; take the terminal back.
JobState JobTable::wait_in_foreground([[maybe_unused]] Job& job) {
    course::todo("Task 3");
}

// TODO: Task 3 — for every job not done, waitpid(WNOHANG | WUNTRACED | WCONTINUED) until it
// has nothing more to say; return the numbers of the jobs whose state changed.
std::vector<int> JobTable::reap() {
    course::todo("Task 3");
}

// TODO: Task 4 — "%N" or "N", or the current job for "", "%", "%%" and "%+".
Job* JobTable::find([[maybe_unused]] std::string_view spec) {
    course::todo("Task 4");
}

// TODO: Task 4 — fg: the job's modes, the terminal, SIGCONT to the whole group, then wait.
JobState JobTable::resume_in_foreground([[maybe_unused]] Job& job) {
    course::todo("Task 4");
}

// TODO: Task 4 — bg: SIGCONT to the whole group.
void JobTable::resume_in_background([[maybe_unused]] Job& job) {
    course::todo("Task 4");
}

// TODO: Task 4 — "[N] STATE  COMMAND", as jobs.hpp spells each state.
std::string describe([[maybe_unused]] const Job& job) {
    course::todo("Task 4");
}

}  // namespace proc
