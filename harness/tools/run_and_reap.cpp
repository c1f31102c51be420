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

#include <iostream>
#include <system_error>
#include <vector>

#include "course/sys.hpp"
#include "hsys/proc.hpp"
#include "hsys/reap.hpp"
#include "hsys/spawn.hpp"

namespace {

// Our children that are still running (zombies have finished: orphans whose reaper is now
// us), from one scan of /proc.
std::vector<hsys::StatLine> running_children() {
    std::vector<hsys::StatLine> running;
    for (pid_t pid : hsys::list_pids()) {
        auto stat = hsys::read_stat(pid);
        if (stat && stat->ppid == ::getpid() && stat->state != 'Z')
            running.push_back(*stat);
    }
    return running;
}

// Starts the command (PATH searched, our signal dispositions and mask kept, as fork and
// exec would). @returns its PID, or -1 after saying why it could not start.
pid_t start(int argc, char** argv) {
    try {
        return hsys::spawn(
            {.argv = std::vector<std::string>(argv, argv + argc), .reset_signals = false});
    } catch (const std::system_error& error) {
        std::cerr << "run-and-reap: " << error.what() << "\n";
        return -1;
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3 || std::string(argv[1]) != "--") {
        std::cerr << "usage: run-and-reap -- COMMAND [ARGS...]\n";
        return 2;
    }
    try {
        hsys::become_subreaper();
        const pid_t pid = start(argc - 2, argv + 2);
        if (pid < 0)
            return 127;  // as a shell says of a command it cannot run
        int status = 0;
        course::retry_on_eintr("waitpid", [&] { return ::waitpid(pid, &status, 0); });
        // Only processes still running outlived the command.
        auto running = running_children();
        hsys::kill_all_descendants();
        if (!running.empty()) {
            std::cerr << "run-and-reap: " << running.size() << " process(es) outlived the command:";
            for (const auto& child : running) {
                std::cerr << " " << child.pid << " (" << child.comm << ", state " << child.state
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
