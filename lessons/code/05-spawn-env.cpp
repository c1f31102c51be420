// lesson-05-spawn-env: runs lesson-05-config-path (found next to this program) three
// times with posix_spawn: with an empty environment, as the Python session did; with
// our own environment; and with our environment edited (HOME changed). It waits for each
// child and says how it ended.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include "course/sys.hpp"
#include "environment.hpp"

namespace {

// The child program: lesson-05-config-path in the folder of this executable.
std::string child_path() {
    return (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "lesson-05-config-path")
        .string();
}

// "exited with code N" or "killed by SIGxxx".
std::string describe(int status) {
    if (WIFEXITED(status))
        return "exited with code " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return std::string("killed by SIG") + ::sigabbrev_np(WTERMSIG(status));
    return "status " + std::to_string(status);
}

//> spawn-with
// Spawns the child with exactly @p env, waits for it, and says how it ended.
void run_with(const std::string& label, const proc::Environment& env) {
    std::cout << "--- " << label << " (" << env.size() << " variables)" << std::endl;
    std::string path = child_path();
    char* argv[] = {path.data(), nullptr};
    proc::Envp envp = env.envp();
    pid_t pid;
    course::check_returned(::posix_spawn(&pid, path.c_str(), nullptr, nullptr, argv, envp.data()),
                           "posix_spawn");
    int status = 0;
    course::retry_on_eintr("waitpid", [&] { return ::waitpid(pid, &status, 0); });
    std::cout << "child " << describe(status) << std::endl;
}
//< spawn-with

}  // namespace

int main() {
    //> three-ways
    run_with("empty environment", proc::Environment{});
    run_with("our environment", proc::Environment::current());
    proc::Environment edited = proc::Environment::current();
    edited.set("HOME", "/tmp/demo-home");
    run_with("our environment, HOME edited", edited);
    //< three-ways
    return 0;
}
