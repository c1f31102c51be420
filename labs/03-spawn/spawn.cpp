// Lab 03 — starting a program. Write the four functions at the bottom (Tasks 1–4);
// the Child class above them is given: read it, it is what every task returns.
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
// Child: given with the lab (not a task).
// ---------------------------------------------------------------------------------------

Child::Child(pid_t pid, course::UniqueFd in, course::UniqueFd out, course::UniqueFd err) noexcept
    : pid_(pid), in_(std::move(in)), out_(std::move(out)), err_(std::move(err)) {}

Child::Child(Child&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      reaped_(std::exchange(other.reaped_, false)),
      in_(std::move(other.in_)),
      out_(std::move(other.out_)),
      err_(std::move(other.err_)) {}

Child& Child::operator=(Child&& other) noexcept {
    if (this != &other) {
        kill_and_reap();
        pid_ = std::exchange(other.pid_, -1);
        reaped_ = std::exchange(other.reaped_, false);
        in_ = std::move(other.in_);
        out_ = std::move(other.out_);
        err_ = std::move(other.err_);
    }
    return *this;
}

Child::~Child() {
    kill_and_reap();
}

//> child-destructor
void Child::kill_and_reap() noexcept {
    // Close our pipe ends first: a child blocked on them sees end of file or EPIPE.
    in_.reset();
    out_.reset();
    err_.reset();
    if (reaped())
        return;
    // SIGKILL cannot be caught or ignored, and ends even a stopped child; waitpid then
    // collects the status, so no zombie stays behind. Failures are ignored: a
    // destructor must not throw, and ESRCH/ECHILD only mean someone reaped it already.
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
}
//< child-destructor

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
