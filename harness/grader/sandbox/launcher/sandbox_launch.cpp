// sandbox-launch: the sandbox's launcher (harness/grader/sandbox/launch.hpp says why it exists).
//
// Usage (by the grader only): sandbox-launch PLAN_FD REPORT_FD
//   PLAN_FD    a memfd holding the run's plan (launch_plan.hpp), read from its start
//   REPORT_FD  the report pipe, where a failure before the child side runs is told
//
// It reads the plan, keeps only the plan's descriptors, then runs the sandbox's child
// side exactly as the grader's own fork used to: without namespaces it becomes the test
// (child::exec_program); with them it clones the namespace's init (child::run_init) as
// the grader's child (CLONE_PARENT), writes the init's PID on the plan's reply pipe, and
// exits. Linked statically: nothing to load, so an exec costs little.
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <utility>

#include "sandbox/launch_plan.hpp"
#include "sandbox/namespaces.hpp"
#include "sandbox/sandbox_child.hpp"

namespace {

using grader::child::ChildReport;
using grader::child::kSetupFailed;

void copy_text(char* to, std::size_t size, const char* from) {
    std::size_t i = 0;
    for (; from[i] != '\0' && i + 1 < size; ++i)
        to[i] = from[i];
    to[i] = '\0';
}

// Tells the grader which step failed (errno @p error), then exits.
[[noreturn]] void fail(int report_fd, const char* step, int error) {
    ChildReport report;
    report.error = error > 0 && error < 4096 ? error : EINVAL;
    copy_text(report.step, sizeof report.step, step);
    if (report_fd >= 0) [[maybe_unused]]
        auto n = ::write(report_fd, &report, sizeof report);
    ::_exit(kSetupFailed);
}

// A descriptor number from the command line, or -1.
int descriptor(const char* text) {
    char* end = nullptr;
    long fd = std::strtol(text, &end, 10);
    return end != text && *end == '\0' && fd >= 0 && fd < (1 << 20) ? static_cast<int>(fd) : -1;
}

// The whole plan, from the start of the memfd @p fd.
bool read_plan(int fd, std::string& bytes) {
    char buffer[65536];
    for (off_t at = 0;;) {
        ssize_t n = ::pread(fd, buffer, sizeof buffer, at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        if (n == 0)
            return true;
        bytes.append(buffer, static_cast<std::size_t>(n));
        at += n;
    }
}

// Closes every descriptor above 2 but the @p count in @p keep.
bool keep_only(int* keep, int count) {
    for (int i = 1; i < count; ++i) {  // insertion sort: a dozen numbers at most
        for (int j = i; j > 0 && keep[j - 1] > keep[j]; --j)
            std::swap(keep[j - 1], keep[j]);
    }
    unsigned from = 3;
    for (int i = 0; i < count; ++i) {
        auto fd = static_cast<unsigned>(keep[i]);
        if (fd < from)
            continue;
        if (fd > from && ::close_range(from, fd - 1, 0) != 0)
            return false;
        from = fd + 1;
    }
    return ::close_range(from, ~0U, 0) == 0;
}

}  // namespace

int main(int argc, char** argv) {
    int report_fd = argc == 3 ? descriptor(argv[2]) : -1;
    int plan_fd = argc == 3 ? descriptor(argv[1]) : -1;
    if (plan_fd < 0 || report_fd < 0)
        fail(report_fd, "start the sandbox launcher (usage: sandbox-launch PLAN_FD REPORT_FD)",
             EINVAL);
    std::string bytes;
    if (!read_plan(plan_fd, bytes))
        fail(report_fd, "read the sandbox's plan", errno);
    ::close(plan_fd);
    std::string error;
    auto decoded = grader::launch::decode_plan(bytes, error);
    if (!decoded)
        fail(report_fd, "read the sandbox's plan (it is not one)", EINVAL);
    grader::child::ChildPlan& plan = decoded->plan;
    int keep[grader::launch::kMaxPlanFds];
    int count = grader::launch::plan_descriptors(plan, decoded->reply_fd, keep);
    if (!keep_only(keep, count))
        fail(report_fd, "close the grader's other descriptors", errno);
    if (!plan.isolated)
        grader::child::exec_program(plan);  // becomes the test
    // The init closes the grader's pipe ends it inherits: here, only the reply pipe.
    plan.grader_ends[0] = decoded->reply_fd;
    pid_t init = grader::child::clone_child(grader::ns::clone_flags() | CLONE_PARENT);
    if (init == 0)
        grader::child::run_init(plan);
    if (init < 0)
        fail(report_fd, "clone (new namespaces)", errno);
    if (::write(decoded->reply_fd, &init, sizeof init) != sizeof init) {
        int saved = errno;
        ::kill(init, SIGKILL);  // the grader, its parent, reaps it
        fail(report_fd, "tell the grader the init's PID", saved);
    }
    return 0;
}
