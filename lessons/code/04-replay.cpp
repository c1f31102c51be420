// lesson-04-replay: the course's first Python session with posix_spawn and waitpid,
// replayed in C++ with Labs 03 and 04: true, false, then echo, which prints while the
// parent carries on and stays a zombie until the parent waits for it. Lab 01's Process
// shows the zombie as psutil did.
#include <sys/wait.h>

#include <iostream>

#include "course/sys.hpp"
#include "process.hpp"
#include "wait.hpp"

//> replay
int main() {
    proc::Child t = proc::spawn("/usr/bin/true", {"true"}, {});
    std::cout << "true:  " << proc::wait(t).to_string() << "\n";
    proc::Child f = proc::spawn("/usr/bin/false", {"false"}, {});
    std::cout << "false: " << proc::wait(f).to_string() << std::endl;  // flush: echo writes next

    proc::Child echo = proc::spawn("/usr/bin/echo", {"echo", "Hello", "world!", "👋"}, {});
    // Block until echo has ended *without* reaping it (WNOWAIT): now it is a zombie.
    siginfo_t info{};
    course::check(::waitid(P_PID, echo.pid(), &info, WEXITED | WNOWAIT), "waitid");
    std::cout << proc::Process(echo.pid()) << "\n";
    std::cout << "echo:  " << proc::wait(echo).to_string() << "\n";  // reaped: gone
    try {
        proc::Process gone(echo.pid());
        std::cout << "still there?\n";
    } catch (const proc::NoSuchProcess&) {
        std::cout << "after wait, no process " << echo.pid() << " any more\n";
    }
}
//< replay
