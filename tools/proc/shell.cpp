// proc shell: a tiny interactive job-control shell (Lab 08) on the terminal it is started
// from. Each line is a command run as a job in a process group of its own: in the
// foreground with the terminal (Ctrl-C and Ctrl-Z reach it alone), or in the background
// when it ends with `&`; `jobs`, `fg [%N]`, `bg [%N]` and `exit` are built in. It needs a
// terminal: without one it says so and exits 2.
#include <unistd.h>

#include <functional>
#include <iostream>

#include "command.hpp"
#include "shell.hpp"

namespace {

int shell() {
    if (!::isatty(STDIN_FILENO)) {
        std::cerr << "proc shell: standard input is not a terminal, and job control needs "
                     "one (try it in a terminal window)\n";
        return 2;
    }
    return proc::run_shell(STDIN_FILENO);
}

bool shell_registered = proc_tool::register_command(
    {"shell", "a tiny job-control shell: jobs, fg, bg, Ctrl-C and Ctrl-Z",
     [](CLI::App&) { return std::function<int()>(shell); }, 60});

}  // namespace
