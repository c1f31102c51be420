// A zombie, previewed: a child that has exited but has not been waited for still has
// its /proc entry, with state Z. Once waited for (reaped), it is gone.
#include <sys/wait.h>
#include <unistd.h>

#include <iostream>

#include "course/sys.hpp"
#include "process.hpp"

int main() {
    //> zombie
    pid_t child = course::check(::fork(), "fork");
    if (child == 0)
        ::_exit(3);
    // Wait until it has ended, but leave it unreaped (WNOWAIT): a zombie.
    siginfo_t info{};
    course::retry_on_eintr("waitid",
                           [&] { return ::waitid(P_PID, child, &info, WEXITED | WNOWAIT); });
    proc::Process p(child);
    std::cout << p << "\n";

    int status = 0;
    course::retry_on_eintr("waitpid", [&] { return ::waitpid(child, &status, 0); });
    std::cout << "reaped: exit code " << WEXITSTATUS(status) << "\n";
    try {
        std::cout << proc::to_string(p.status()) << "\n";
    } catch (const proc::NoSuchProcess& e) {
        std::cout << "NoSuchProcess: " << e.what() << "\n";
    }
    //< zombie
    return 0;
}
