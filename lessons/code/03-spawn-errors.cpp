// Errors at spawn time: Lab 03's three ways of starting a program, each asked to run a
// file that does not exist and one that is not executable. Each throws at once, with
// errno, and leaves no child behind.
#include <fcntl.h>
#include <unistd.h>

#include <iostream>
#include <system_error>

#include "course/sys.hpp"
#include "course/unique_fd.hpp"
#include "spawn.hpp"

//> try-all
using Launch = proc::Child (*)(const std::string&, const std::vector<std::string>&,
                               const std::vector<std::string>&, const proc::SpawnOptions&);

void try_to_run(const char* how, Launch launch, const std::string& path) {
    try {
        proc::Child child = launch(path, {"program"}, {}, {});
        std::cout << how << ": started " << child.pid() << " (unexpected)\n";
    } catch (const std::system_error& e) {
        std::cout << how << ": " << e.what() << " (errno " << e.code().value() << ")\n";
    }
}

int main() {
    // A file without execute permission, made for the occasion.
    const char* script = "/tmp/lesson-03-not-executable";
    course::UniqueFd(course::check(::open(script, O_WRONLY | O_CREAT | O_TRUNC, 0644), "open"));
    for (const std::string path : {"/no/such/program", script}) {
        try_to_run("spawn     ", proc::spawn, path);
        try_to_run("fork_exec ", proc::fork_exec, path);
        try_to_run("vfork_exec", proc::vfork_exec, path);
    }
    ::unlink(script);
}
//< try-all
