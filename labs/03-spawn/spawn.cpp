// Lab 03 — starting a program. Write the four functions below (Tasks 1–4). The Child
// class they return is given, in given.cpp: read it first.
#include "spawn.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "course/sys.hpp"
#include "course/todo.hpp"

namespace proc {

// ---------------------------------------------------------------------------------------
// Your tasks.
// ---------------------------------------------------------------------------------------

// TODO: Task 1 — start the program at `path` with posix_spawn, passing argv and env as
// NULL-terminated char* arrays, and return a Child owning the new PID. posix_spawn
// *returns* its error number (it leaves errno alone): build the exception from it with
// course::check_returned, naming the call and the program ("posix_spawn /no/such").
// TODO: Task 2 — honour `options`: a posix_spawn_file_actions_t that opens files or
// /dev/null, dup2s the child's end of a new pipe onto 0/1/2 (the parent keeps the other
// end in the Child), and closes every descriptor from 3 up in the child
// (posix_spawn_file_actions_addclosefrom_np); a posix_spawnattr_t for new_process_group.
Child spawn([[maybe_unused]] const std::string& path,
            [[maybe_unused]] const std::vector<std::string>& argv,
            [[maybe_unused]] const std::vector<std::string>& env,
            [[maybe_unused]] const SpawnOptions& options) {
    course::todo("Task 1");
}

// TODO: Task 3 — the same with posix_spawnp, which searches the parent's PATH for a name
// without a '/'. Share the code with spawn() rather than copying it.
Child spawnp([[maybe_unused]] const std::string& file,
             [[maybe_unused]] const std::vector<std::string>& argv,
             [[maybe_unused]] const std::vector<std::string>& env,
             [[maybe_unused]] const SpawnOptions& options) {
    course::todo("Task 3");
}

// TODO: Task 4 — the same job with fork() then execve(). Prepare everything (char*
// arrays, pipes) before forking; in the child use only async-signal-safe calls
// (open, dup2, setpgid, close_range, execve, write, _exit). Report an exec failure to
// the parent through a close-on-exec pipe (errno, then _exit(127)); the parent reads
// it (end of file means exec succeeded), reaps the failed child and throws.
Child fork_exec([[maybe_unused]] const std::string& path,
                [[maybe_unused]] const std::vector<std::string>& argv,
                [[maybe_unused]] const std::vector<std::string>& env,
                [[maybe_unused]] const SpawnOptions& options) {
    course::todo("Task 4");
}

// TODO: Task 4 — fork_exec() with vfork(): the child runs on the parent's memory until
// it execs, so it must not return from the function that called vfork, and the
// parent's signal handlers must not run in it (block signals around vfork; in the child
// reset caught signals to SIG_DFL and restore the mask before exec).
Child vfork_exec([[maybe_unused]] const std::string& path,
                 [[maybe_unused]] const std::vector<std::string>& argv,
                 [[maybe_unused]] const std::vector<std::string>& env,
                 [[maybe_unused]] const SpawnOptions& options) {
    course::todo("Task 4");
}

}  // namespace proc
