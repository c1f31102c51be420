/// @file
/// @brief The test main's stand-ins for the C library's process calls: each calls the C
/// library's own and records what happened in the test's timeline (process_timeline.hpp).
/// Include it in the one source file of a test main.
///
/// They stand in for the exec family, the wait family and kill, for every caller in the test
/// program: the lab's code, the tests and the test support alike (fork and posix_spawn(p)
/// are resource_events.cpp's, which record into the timeline too).
/// They change nothing a caller sees (the same result, the same errno); between fork and
/// exec they only store into the shared log. vfork and raw system calls are not seen: the
/// children they start still appear, found in /proc at the test's end.
#pragma once

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>

#include "process_timeline.hpp"

namespace harness::timeline {
namespace {  // NOLINT: internal linkage, on purpose

template <typename Function>
Function real(const char* name) noexcept {
    return reinterpret_cast<Function>(real_function(name));
}

// Records a finished exec attempt (it returned: it failed), keeping the caller's errno.
int exec_returned(int result) noexcept {
    int error = errno;
    exec_failed(error);
    errno = error;
    return result;
}

// Records what the wait call @p call reported for @p pid with @p status: a reap, or a stop
// or continue (which is not one).
void waited(pid_t pid, int status, const char* call) noexcept {
    if (pid <= 0)
        return;
    if (WIFSTOPPED(status) || WIFCONTINUED(status))
        changed(pid, status);
    else
        reaped(pid, status, call);
}

// The exec calls with their arguments in a list (execl, execlp, execle): gathered into
// an array on the stack (no allocation: this runs between fork and exec).
constexpr int kMostListedArguments = 256;

}  // namespace
}  // namespace harness::timeline

extern "C" int execve(const char* path, char* const argv[], char* const envp[]) noexcept {
    using namespace harness::timeline;
    runs(::getpid(), argv);
    return exec_returned(
        real<int (*)(const char*, char* const*, char* const*)>("execve")(path, argv, envp));
}

extern "C" int execv(const char* path, char* const argv[]) noexcept {
    using namespace harness::timeline;
    runs(::getpid(), argv);
    return exec_returned(real<int (*)(const char*, char* const*)>("execv")(path, argv));
}

extern "C" int execvp(const char* file, char* const argv[]) noexcept {
    using namespace harness::timeline;
    runs(::getpid(), argv);
    return exec_returned(real<int (*)(const char*, char* const*)>("execvp")(file, argv));
}

extern "C" int execvpe(const char* file, char* const argv[], char* const envp[]) noexcept {
    using namespace harness::timeline;
    runs(::getpid(), argv);
    return exec_returned(
        real<int (*)(const char*, char* const*, char* const*)>("execvpe")(file, argv, envp));
}

extern "C" int fexecve(int fd, char* const argv[], char* const envp[]) noexcept {
    using namespace harness::timeline;
    runs(::getpid(), argv);
    return exec_returned(real<int (*)(int, char* const*, char* const*)>("fexecve")(fd, argv, envp));
}

// execl, execlp, execle: the list gathered, then the array form of the C library.
#define HARNESS_GATHER_ARGUMENTS(first, last)                  \
    char* argv[harness::timeline::kMostListedArguments + 1];   \
    int argc = 0;                                              \
    va_list list;                                              \
    va_start(list, last);                                      \
    argv[argc++] = const_cast<char*>(first);                   \
    while (argv[argc - 1] != nullptr) {                        \
        if (argc == harness::timeline::kMostListedArguments) { \
            va_end(list);                                      \
            errno = E2BIG;                                     \
            return -1;                                         \
        }                                                      \
        argv[argc++] = va_arg(list, char*);                    \
    }

extern "C" int execl(const char* path, const char* arg, ...) noexcept {
    HARNESS_GATHER_ARGUMENTS(arg, arg)
    va_end(list);
    return execv(path, argv);
}

extern "C" int execlp(const char* file, const char* arg, ...) noexcept {
    HARNESS_GATHER_ARGUMENTS(arg, arg)
    va_end(list);
    return execvp(file, argv);
}

extern "C" int execle(const char* path, const char* arg, ...) noexcept {
    HARNESS_GATHER_ARGUMENTS(arg, arg)
    char* const* envp = va_arg(list, char* const*);
    va_end(list);
    return execve(path, argv, envp);
}
#undef HARNESS_GATHER_ARGUMENTS

extern "C" pid_t wait4(pid_t pid, int* status, int options, struct rusage* usage) noexcept {
    using namespace harness::timeline;
    int seen = 0;
    pid_t ended =
        real<pid_t (*)(pid_t, int*, int, struct rusage*)>("wait4")(pid, &seen, options, usage);
    int error = errno;
    waited(ended, seen, "wait4");
    if (ended > 0 && status != nullptr)
        *status = seen;
    errno = error;
    return ended;
}

extern "C" pid_t waitpid(pid_t pid, int* status, int options) noexcept {
    using namespace harness::timeline;
    int seen = 0;
    pid_t ended = real<pid_t (*)(pid_t, int*, int)>("waitpid")(pid, &seen, options);
    int error = errno;
    waited(ended, seen, "waitpid");
    if (ended > 0 && status != nullptr)
        *status = seen;
    errno = error;
    return ended;
}

extern "C" pid_t wait(int* status) noexcept {
    using namespace harness::timeline;
    int seen = 0;
    pid_t ended = real<pid_t (*)(int*)>("wait")(&seen);
    int error = errno;
    waited(ended, seen, "wait");
    if (ended > 0 && status != nullptr)
        *status = seen;
    errno = error;
    return ended;
}

extern "C" int waitid(idtype_t type, id_t id, siginfo_t* info, int options) noexcept {
    using namespace harness::timeline;
    int result = real<int (*)(idtype_t, id_t, siginfo_t*, int)>("waitid")(type, id, info, options);
    int error = errno;
    if (result == 0 && info != nullptr && info->si_pid > 0) {
        int status = info->si_code == CLD_EXITED    ? (info->si_status & 0xff) << 8
                     : info->si_code == CLD_KILLED  ? info->si_status
                     : info->si_code == CLD_DUMPED  ? info->si_status | 0x80
                     : info->si_code == CLD_STOPPED ? (info->si_status << 8) | 0x7f
                                                    : 0xffff;  // CLD_CONTINUED
        if ((options & WNOWAIT) != 0)
            changed(info->si_pid, status);
        else
            waited(info->si_pid, status, "waitid");
    }
    errno = error;
    return result;
}

extern "C" int kill(pid_t pid, int sig) noexcept {
    using namespace harness::timeline;
    int result = real<int (*)(pid_t, int)>("kill")(pid, sig);
    int error = errno;
    if (result == 0 && sig != 0 && pid != 0 && pid != -1)
        signalled(pid, sig);
    errno = error;
    return result;
}
