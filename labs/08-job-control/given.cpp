// Lab 08 — the code given with the lab: the job table's construction, destruction and
// book-keeping. Read it; it is compiled into your lab and into the reference alike
// (lab.json, "given").
#include <signal.h>

#include <iterator>

#include "jobs.hpp"

namespace proc {

JobTable::JobTable(const Terminal& terminal) : terminal_(terminal) {}

JobTable::~JobTable() {
    // SIGKILL to each group first, for the processes a job started itself; then each
    // Child's destructor kills and reaps its leader. SIGKILL ends stopped processes too.
    for (auto& [number, job] : jobs_)
        if (!job.leader.reaped())
            ::kill(-job.pgid(), SIGKILL);
}

void JobTable::forget_done() {
    std::erase_if(jobs_, [](const auto& entry) { return entry.second.state == JobState::done; });
}

}  // namespace proc
