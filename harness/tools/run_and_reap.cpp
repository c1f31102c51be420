// run-and-reap: runs a command as a child subreaper and fails if anything it started is
// still alive when it ends.
//
//   run-and-reap -- ctest --preset default
//
// Every orphan of the command (a daemon, a grandchild whose parent exited, a test's
// forgotten child) is re-parented to this process, so when the command exits, whatever
// is left among our descendants was leaked by it. They are listed, killed and reaped,
// and the exit status is 1; otherwise it is the command's own.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <vector>

#include "course/sys.hpp"
#include "harness/testsupport.hpp"
#include "sandbox.hpp"

int main(int argc, char** argv) {
    if (argc < 3 || std::string(argv[1]) != "--") {
        std::cerr << "usage: run-and-reap -- COMMAND [ARGS...]\n";
        return 2;
    }
    try {
        grader::become_subreaper();
        pid_t pid = course::check(::fork(), "fork");
        if (pid == 0) {
            ::execvp(argv[2], argv + 2);
            std::perror(argv[2]);
            ::_exit(127);
        }
        int status = 0;
        course::retry_on_eintr("waitpid", [&] { return ::waitpid(pid, &status, 0); });
        // Zombies here have finished: orphans whose reaper is now us. Only processes
        // still running outlived the command.
        std::vector<harness::ChildInfo> running;
        for (const auto& child : harness::children_of(::getpid())) {
            if (child.state != 'Z') running.push_back(child);
        }
        grader::kill_all_descendants();
        if (!running.empty()) {
            std::cerr << "run-and-reap: " << running.size()
                      << " process(es) outlived the command:";
            for (const auto& child : running) {
                std::cerr << " " << child.pid << " (" << child.name << ", state " << child.state
                          << ")";
            }
            std::cerr << "\n";
            return 1;
        }
        std::cout << "run-and-reap: nothing the command started is left running\n";
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    } catch (const std::exception& e) {
        std::cerr << "run-and-reap: " << e.what() << "\n";
        return 2;
    }
}
