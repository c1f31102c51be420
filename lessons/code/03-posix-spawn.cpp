// The Python session's first spawn, in C++: posix_spawn runs /usr/bin/echo with an argv and an
// environment of our choosing, and waitpid collects how it ended. No library of ours:
// the two calls as the C library gives them, each checked.
#include <spawn.h>
#include <sys/wait.h>

#include <iostream>

#include "course/sys.hpp"

//> spawn-echo
int main() {
    char* argv[] = {const_cast<char*>("echo"), const_cast<char*>("Hello"),
                    const_cast<char*>("world!"), const_cast<char*>("👋"), nullptr};
    char* envp[] = {const_cast<char*>("GREETING=hi"), nullptr};  // the child's whole environment
    pid_t pid = 0;
    // posix_spawn *returns* an error number (0 on success) instead of setting errno.
    course::check_returned(::posix_spawn(&pid, "/usr/bin/echo", nullptr, nullptr, argv, envp),
                           "posix_spawn /usr/bin/echo");
    int status = 0;
    course::check(::waitpid(pid, &status, 0), "waitpid");  // blocks until echo has ended
    std::cout << "echo (pid " << pid << ") ended, raw status " << status << "\n";
}
//< spawn-echo
