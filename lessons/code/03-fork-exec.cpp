// fork then exec, the classic way: fork copies the parent, the copy replaces its program
// with execv. Kept minimal to show the shape; Lab 03's fork_exec adds what is missing
// here (reporting exec's failure to the parent, redirections, closing descriptors).
#include <sys/wait.h>
#include <unistd.h>

#include <iostream>

#include "course/sys.hpp"

//> fork-exec
int main() {
    char* argv[] = {const_cast<char*>("echo"), const_cast<char*>("from the child"), nullptr};
    std::cout << "parent " << ::getpid() << " forks\n" << std::flush;  // flush before fork!
    pid_t pid = course::check(::fork(), "fork");
    if (pid == 0) {
        // In the child: a copy of the parent, until execv replaces it with /usr/bin/echo.
        ::execv("/usr/bin/echo", argv);
        ::_exit(127);  // reached only if execv failed; _exit skips the parent's atexit work
    }
    int status = 0;
    course::check(::waitpid(pid, &status, 0), "waitpid");
    std::cout << "child " << pid << " ended, raw status " << status << "\n";
}
//< fork-exec
