// Wait statuses in words, and the assertions built on them.
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include <string>

#include "harness/testsupport.hpp"

namespace harness {

std::string signal_name(int sig) {
    // sigabbrev_np (glibc 2.32) gives "SEGV" without the prefix; null for unknown numbers.
    if (const char* abbrev = ::sigabbrev_np(sig))
        return std::string("SIG") + abbrev;
    return "signal " + std::to_string(sig);
}

std::string describe_status(int raw_status) {
    std::string what;
    if (WIFEXITED(raw_status)) {
        what = "exited with code " + std::to_string(WEXITSTATUS(raw_status));
    } else if (WIFSIGNALED(raw_status)) {
        what = "killed by " + signal_name(WTERMSIG(raw_status));
        if (WCOREDUMP(raw_status))
            what += ", core dumped";
    } else if (WIFSTOPPED(raw_status)) {
        what = "stopped by " + signal_name(WSTOPSIG(raw_status));
    } else if (WIFCONTINUED(raw_status)) {
        what = "continued";
    } else {
        what = "ended in an unknown way";
    }
    return what + " (raw status " + std::to_string(raw_status) + ")";
}

::testing::AssertionResult ExitedWith(const char* status_expr, const char*, int raw_status,
                                      int code) {
    if (WIFEXITED(raw_status) && WEXITSTATUS(raw_status) == code) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "Expected the child to have exited with code " << code << ", but " << status_expr
           << " says it " << describe_status(raw_status) << ".";
}

::testing::AssertionResult KilledBy(const char* status_expr, const char*, int raw_status, int sig) {
    if (WIFSIGNALED(raw_status) && WTERMSIG(raw_status) == sig) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "Expected the child to have been killed by " << signal_name(sig) << ", but "
           << status_expr << " says it " << describe_status(raw_status) << ".";
}

std::string see_lesson(const std::string& lesson_file, const std::string& anchor) {
    return "see lessons/" + lesson_file + "#" + anchor;
}

}  // namespace harness
