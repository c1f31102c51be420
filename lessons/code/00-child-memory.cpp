// Two processes, two memories: after fork() the child changes its copy of a variable
// and the parent's copy stays as it was. The parent waits for the child, so the output
// order is fixed and no zombie is left.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "course/sys.hpp"

int main() {
    //> fork-and-change
    int counter = 1;
    std::printf("parent %d: counter = %d, forking\n", ::getpid(), counter);
    std::fflush(stdout);  // flush before fork, or the child inherits unflushed text
    pid_t child = course::check(::fork(), "fork");
    if (child == 0) {
        counter = 42;  // changes the child's copy only
        std::printf("child  %d: set counter to %d\n", ::getpid(), counter);
        std::fflush(stdout);
        ::_exit(0);
    }
    int status = 0;
    course::retry_on_eintr("waitpid", [&] { return ::waitpid(child, &status, 0); });
    std::printf("parent %d: child %d is done; my counter is still %d\n", ::getpid(), child,
                counter);
    //< fork-and-change
    return 0;
}
