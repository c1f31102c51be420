// lesson-06-spawn-progress: the Python session's last scene in C++. It plays the part of
// the Python prompt: it shows `>>> ` and what it does, spawns `progress_ref 3 --step-ms
// 100` (found next to this program; in a student release, which has no reference builds,
// the student's `progress`) with its own environment, and gives its prompt back at once,
// without waiting: the child draws its bar on the terminal they share. Once the child has
// ended, it looks at the child's state in /proc (a zombie, 'Z', as psutil showed in
// Python: nobody has waited for it yet), then reaps it with waitpid.
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

// progress_ref in the folder of this executable, or else progress.
std::filesystem::path progress_path() {
    std::filesystem::path bin = std::filesystem::read_symlink("/proc/self/exe").parent_path();
    return std::filesystem::exists(bin / "progress_ref") ? bin / "progress_ref" : bin / "progress";
}

}  // namespace

int main() {
    std::string path = progress_path();
    std::string name = std::filesystem::path(path).filename();
    //> spawn-and-wait
    char* argv[] = {path.data(), const_cast<char*>("3"), const_cast<char*>("--step-ms"),
                    const_cast<char*>("100"), nullptr};
    proc::Envp envp = proc::Environment::current().envp();  // the parent's environment
    std::cout << ">>> spawn " << name << " 3 --step-ms 100\n";
    // The prompt is back before the child can draw anything: it is written before the spawn.
    std::cout << ">>> " << std::flush;
    pid_t pid;
    course::check_returned(::posix_spawn(&pid, path.c_str(), nullptr, nullptr, argv, envp.data()),
                           "posix_spawn");

    siginfo_t info{};  // WNOWAIT: wait for the end, but leave the child to be reaped later
    course::retry_on_eintr("waitid",
                           [&] { return ::waitid(P_PID, pid, &info, WEXITED | WNOWAIT); });
    std::cout << ">>> state of " << pid << "\n" << state_of(pid) << ": ended, not yet reaped\n";

    std::cout << ">>> waitpid " << pid << "\n";
    int status = 0;
    course::retry_on_eintr("waitpid", [&] { return ::waitpid(pid, &status, 0); });
    std::cout << "exited with code " << WEXITSTATUS(status) << "; /proc/" << pid
              << (std::filesystem::exists("/proc/" + std::to_string(pid)) ? " still exists"
                                                                          : " is gone")
              << std::endl;
    //< spawn-and-wait
    return 0;
}
