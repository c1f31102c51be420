// proc tree [PID]: draws the process tree like `pstree -p -n -T -l`, from one snapshot of /proc
// (Lab 02). Without a PID, every tree of the machine (PID 1's, kthreadd's, ...); with a
// PID, that process's subtree. An unknown PID is an error (exit 1).
#include <iostream>
#include <limits>
#include <memory>

#include "command.hpp"
#include "hierarchy.hpp"

namespace {

// Draws every top-level tree of @p table, one after the other, in PID order.
int draw_machine(const proc::ProcessTable& table) {
    for (pid_t root : proc::roots(table))
        std::cout << proc::render_tree(table, root);
    return 0;
}

int draw(pid_t pid) {
    // One snapshot for the whole drawing, so that every line agrees with every other.
    proc::ProcessTable table = proc::scan_processes();
    if (pid == 0)
        return draw_machine(table);
    if (table.find(pid) == nullptr) {
        std::cerr << "proc: no process with PID " << pid << "\n";
        return 1;
    }
    std::cout << proc::render_tree(table, pid);
    return 0;
}

bool tree_registered = proc_tool::register_command(
    {"tree", "draw the process tree",
     [](CLI::App& sub) {
         auto pid = std::make_shared<pid_t>(0);
         sub.add_option("pid", *pid, "draw only this process and its descendants")
             ->check(CLI::Range(1, std::numeric_limits<pid_t>::max()));
         return std::function<int()>([pid] { return draw(*pid); });
     },
     20});

}  // namespace
