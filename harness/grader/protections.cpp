#include "protections.hpp"

#include <unistd.h>

#include <fmt/format.h>

namespace grader {

std::vector<std::string> apply_protections(Limits& limits) {
    std::vector<std::string> active;
    become_subreaper();
    active.push_back("each test runs alone in its own process, session and process group");
    active.push_back("the grader is a child subreaper: every descendant of a test is killed "
                     "and reaped when the test ends");
    active.push_back(fmt::format("output capped at {} KiB per test", limits.output_cap / 1024));
    active.push_back(fmt::format("RLIMIT_AS {} MiB, RLIMIT_FSIZE {} MiB, no core files",
                                 limits.address_space >> 20, limits.file_size >> 20));
    if (::geteuid() != 0) {
        // Counted per user: the grader's own processes count too, so leave headroom.
        limits.max_processes = 4096;
        active.push_back("RLIMIT_NPROC 4096 (ordinary user)");
    } else {
        active.push_back("running as root: RLIMIT_NPROC is not enforced");
    }
    return active;
}

}  // namespace grader
