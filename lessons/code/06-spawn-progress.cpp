// lesson-06-spawn-progress: the Python session's last experiment in C++. Spawns
// `progress_ref 3 --step-ms 100` (found next to this program; in a student release, which
// has no reference builds, the student's `progress`) with our own environment;
// the child draws its bar on the standard error it shares with us while we wait for it
// to end, *without* reaping it (waitid with WNOWAIT), look at its state in /proc: a
// zombie, 'Z', as psutil showed in Python; then reap it with waitpid.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <string>

#include "course/file.hpp"
#include "course/sys.hpp"
#include "environment.hpp"

namespace {

// The state letter of process @p pid: the field after the last ')' of /proc/PID/stat.
char state_of(pid_t pid) {
    std::string stat = course::read_file("/proc/" + std::to_string(pid) + "/stat");
    return stat.at(stat.rfind(')') + 2);
}

}  // namespace

int main() {
    std::filesystem::path bin = std::filesystem::read_symlink("/proc/self/exe").parent_path();
    std::string path =
        std::filesystem::exists(bin / "progress_ref") ? bin / "progress_ref" : bin / "progress";
    //> spawn-and-wait
    char* argv[] = {path.data(), const_cast<char*>("3"), const_cast<char*>("--step-ms"),
                    const_cast<char*>("100"), nullptr};
    proc::Envp envp = proc::Environment::current().envp();  // the parent's environment
    std::cerr << "spawning progress_ref 3 --step-ms 100, then waiting" << std::endl;
    pid_t pid;
    course::check_returned(::posix_spawn(&pid, path.c_str(), nullptr, nullptr, argv, envp.data()),
                           "posix_spawn");

    siginfo_t info{};  // WNOWAIT: wait for the end, but leave the child to be reaped later
    course::retry_on_eintr("waitid",
                           [&] { return ::waitid(P_PID, pid, &info, WEXITED | WNOWAIT); });
    std::cerr << "PID " << pid << " ended, not yet reaped: state " << state_of(pid) << std::endl;

    int status = 0;
    course::retry_on_eintr("waitpid", [&] { return ::waitpid(pid, &status, 0); });
    std::cerr << "reaped: exited with code " << WEXITSTATUS(status) << "; /proc/" << pid
              << (std::filesystem::exists("/proc/" + std::to_string(pid)) ? " still exists"
                                                                          : " is gone")
              << std::endl;
    //< spawn-and-wait
    return 0;
}
