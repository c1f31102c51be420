// lesson-02-family: the Python session's walk up the process tree, in C++.
//
// That session lists every PID (psutil.pids()), ask for the parent's PID (os.getppid()),
// look the parent up, then climb: p.parent(), p.parent().parent(), and p.parents() all
// the way to the top. This program does the same with Labs 01 and 02, where they are
// parent(p), parent(*parent(p)) and parents(p), and prints what it finds.
#include <unistd.h>

#include <iostream>
#include <optional>
#include <vector>

#include "hierarchy.hpp"
#include "process.hpp"

int main() {
    //> all-pids
    std::vector<pid_t> all = proc::pids();
    std::cout << all.size() << " PIDs in /proc, from " << all.front() << " to " << all.back()
              << "\n";
    //< all-pids

    //> climb
    proc::Process me = proc::Process::self();
    std::cout << "me                 " << me << "\n";
    std::cout << "getppid()          " << ::getppid() << "\n";
    std::optional<proc::Process> parent = proc::parent(me);
    std::cout << "parent(me)         " << (parent ? parent->to_string() : "none") << "\n";
    std::optional<proc::Process> grandparent = parent ? proc::parent(*parent) : std::nullopt;
    std::cout << "parent(*parent)    " << (grandparent ? grandparent->to_string() : "none") << "\n";
    //< climb

    //> parents
    std::vector<proc::Process> chain = proc::parents(me);
    std::cout << "parents(me), " << chain.size() << " of them, up to the top:\n";
    for (const proc::Process& p : chain)
        std::cout << "  " << p << "\n";
    if (!chain.empty()) {
        std::cout << "the top is PID " << chain.back().pid() << "; its ppid is "
                  << chain.back().ppid() << "\n";
    }
    //< parents
}
