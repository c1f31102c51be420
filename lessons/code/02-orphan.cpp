// lesson-02-orphan: watch an orphan get a new parent.
//
// Three generations: this program (the grandparent) forks a parent, which forks a child
// and exits without waiting for it. The kernel does not leave the child without a
// parent: it re-parents it to the nearest ancestor that asked to be a "child subreaper"
// (this program, by default), or, if there is none, to PID 1 of its PID namespace.
// `--no-subreaper` shows the second case. Every step waits for the one before through a
// pipe or waitpid, so the output comes out in the same order on every run.
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <optional>
#include <string>

#include "course/sys.hpp"
#include "course/unique_fd.hpp"
#include "hierarchy.hpp"
#include "process.hpp"

namespace {

// Prints one line, tagged with who says it, and flushes it before anyone forks.
void say(const char* who, const std::string& what) {
    std::cout << who << " " << ::getpid() << ": " << what << std::endl;
}

// "PID (name)" of the calling process's parent, found with Lab 02's parent().
std::string my_parent() {
    std::optional<proc::Process> parent = proc::parent(proc::Process::self());
    if (!parent)
        return "none";
    return std::to_string(parent->pid()) + " (" + parent->name() + ")";
}

// Blocks until every write end of @p fd's pipe is closed (read returns 0).
void wait_for_eof(int fd) {
    char byte;
    while (course::retry_on_eintr("read", [&] { return ::read(fd, &byte, 1); }) > 0) {
    }
}

//> child
// The child: report the parent, tell it so, then wait until told to look again.
[[noreturn]] void child(course::Pipe& ready, course::Pipe& look_again) {
    look_again.write.reset();  // only the grandparent's copy may remain open
    say("child      ", "my parent is " + my_parent());
    course::check(::write(ready.write.get(), "!", 1), "write");
    wait_for_eof(look_again.read.get());
    say("child      ", "my parent is now " + my_parent());
    ::_exit(0);
}
//< child

//> parent
// The parent: fork the child, wait until it has spoken, and exit without waiting for it.
[[noreturn]] void parent(course::Pipe& look_again) {
    course::Pipe ready = course::make_pipe();
    pid_t pid = course::check(::fork(), "fork");
    if (pid == 0)
        child(ready, look_again);
    ready.write.reset();
    look_again.write.reset();
    char byte;  // the child's "!", or EOF if it died first
    course::retry_on_eintr("read", [&] { return ::read(ready.read.get(), &byte, 1); });
    std::cout << proc::render_tree(proc::scan_processes(), ::getppid()) << std::flush;
    say("parent     ", "exiting without waiting for my child " + std::to_string(pid));
    ::_exit(0);
}
//< parent

// Waits for @p pid and returns its exit status in words.
std::string reap(pid_t pid) {
    int status = 0;
    course::retry_on_eintr("waitpid", [&] { return ::waitpid(pid, &status, 0); });
    if (WIFEXITED(status))
        return "exited with code " + std::to_string(WEXITSTATUS(status));
    return "killed by signal " + std::to_string(WTERMSIG(status));
}

}  // namespace

//> main
int main(int argc, char** argv) {
    bool subreaper = !(argc > 1 && std::strcmp(argv[1], "--no-subreaper") == 0);
    if (subreaper) {
        // From now on, orphans among our descendants are re-parented to us, not to PID 1.
        course::check(::prctl(PR_SET_CHILD_SUBREAPER, 1), "prctl PR_SET_CHILD_SUBREAPER");
        say("grandparent", "I am a child subreaper");
    }
    course::Pipe look_again = course::make_pipe();
    course::Pipe child_done = course::make_pipe();
    pid_t pid = course::check(::fork(), "fork");
    if (pid == 0) {
        child_done.read.reset();  // the child inherits the write end: EOF when it exits
        parent(look_again);
    }
    child_done.write.reset();
    // When waitpid returns, the parent has exited, and exiting re-parented its child.
    say("grandparent", "reaped the parent " + std::to_string(pid) + ", " + reap(pid));
    std::cout << proc::render_tree(proc::scan_processes(), ::getpid()) << std::flush;
    look_again.write.reset();  // tells the orphan to look at its parent again
    if (subreaper) {
        pid_t orphan = proc::child_pids(proc::scan_processes(), ::getpid(), false).at(0);
        say("grandparent",
            "reaped my adopted child " + std::to_string(orphan) + ", " + reap(orphan));
    } else {
        wait_for_eof(child_done.read.get());  // not our child: we cannot waitpid for it
        say("grandparent", "the orphan has exited; its new parent reaps it, not us");
    }
}
//< main
