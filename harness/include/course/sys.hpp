/// @file
/// @brief One way to turn a failed system call into an exception.
///
/// Every lab, solution and tool checks its system calls through these helpers, so a
/// failure always carries errno and the name of the call (`waitpid: No child processes`).
#pragma once

#include <cerrno>
#include <string>
#include <system_error>

namespace course {

/// Throws `std::system_error` for @p err, naming the failed @p call.
/// @param err   an errno value.
/// @param call  the system call's name, optionally with its argument ("open /proc/1/stat").
[[noreturn]] void throw_error(int err, const std::string& call);

/// Throws `std::system_error` for the current errno, naming the failed @p call.
[[noreturn]] inline void throw_errno(const std::string& call) {
    throw_error(errno, call);
}

/// Checks the result of a call that returns -1 and sets errno on failure.
/// @returns @p result unchanged when it is not -1.
/// @throws std::system_error with errno and @p call when it is -1.
template <typename T>
T check(T result, const char* call) {
    if (result == T(-1))
        throw_errno(call);
    return result;
}

/// Checks the result of a call that *returns* an error number (0 on success), such as
/// the `posix_spawn` family and the `pthread_*` functions, which leave errno alone.
/// @throws std::system_error built from @p error_number and @p call when it is not 0.
inline void check_returned(int error_number, const char* call) {
    if (error_number != 0)
        throw_error(error_number, call);
}

/// Repeats @p operation while it fails with EINTR (a signal interrupted it), then
/// checks it. Use only for calls that are safe to restart: never for `close`, whose
/// descriptor is already released when it reports EINTR on Linux.
template <typename Operation>
auto retry_on_eintr(const char* call, Operation operation) {
    for (;;) {
        auto result = operation();
        if (result != decltype(result)(-1) || errno != EINTR)
            return check(result, call);
    }
}

}  // namespace course
