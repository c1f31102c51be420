// fork then exec, the classic way: fork copies the parent, the copy replaces its program
// with execv. Kept minimal to show the shape; Lab 03's fork_exec adds what is missing
// here (reporting exec's failure to the parent, redirections, closing descriptors).
// With --no-flush, the parent forks with its first line still in stdout's buffer.
#include <sys/wait.h>
#include <unistd.h>

#include <iostream>
#include <string_view>

#include "course/sys.hpp"

//> fork-exec
int main(int argc, char** argv) {
    const bool flush = !(argc > 1 && std::string_view(argv[1]) == "--no-flush");
    char* echo[] = {const_cast<char*>("echo"), const_cast<char*>("from the child"), nullptr};
    std::cout << "parent " << ::getpid() << " forks\n";
    if (flush)
        std::cout << std::flush;  // before fork: what --no-flush changes is explained below
    pid_t pid = course::check(::fork(), "fork");
    if (pid == 0) {
        // In the child: a copy of the parent, until execv replaces it with /usr/bin/echo.
        ::execv("/usr/bin/echo", echo);
        ::_exit(127);  // reached only if execv failed; _exit skips the parent's atexit work
    }
    int status = 0;
    course::check(::waitpid(pid, &status, 0), "waitpid");
    std::cout << "child " << pid << " ended, raw status " << status << "\n";
}
//< fork-exec
