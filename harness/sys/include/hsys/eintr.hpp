/// @file
/// @brief Restarting a call that a signal interrupted, without ever throwing.
///
/// `course::retry_on_eintr` checks the result and throws, which is right for ordinary
/// code but not for destructors, signal handlers or a child between fork and exec. This
/// one only retries, so those places need no hand-written loop.
#pragma once

#include <cerrno>

namespace hsys {

/// Calls @p op until it does not fail with EINTR: repeats while the result is -1 and errno
/// is EINTR.
/// @returns the last result of @p op, unchecked; errno is still set when it is -1.
/// @throws nothing unless @p op itself throws.
/// Async-signal-safe and safe after fork() when @p op is. Never use it for `close`: on Linux
/// the descriptor is already released when close reports EINTR.
template <class Op>
auto retry_eintr(Op op) noexcept(noexcept(op())) {
    for (;;) {
        auto result = op();
        if (result != decltype(result)(-1) || errno != EINTR)
            return result;
    }
}

}  // namespace hsys
