/// @file
/// @brief Template lab (Catch2): run a function in a child process and wait for it.
///
/// The smallest lab that still forks: copy this folder to start a Catch2 lab (see
/// templates/catch2-lab/README.md).
#pragma once

#include <functional>

namespace proc {

/// Forks; the child runs @p body and then exits with the code it returns (without
/// running the parent's atexit handlers or flushing its stdio buffers twice). The
/// parent waits for that child, and only that child.
/// @returns the child's exit code (0-255).
/// @throws std::system_error naming `fork` or `waitpid`; std::runtime_error when the
///         child did not exit normally (killed by a signal).
int exit_code_of(const std::function<int()>& body);

}  // namespace proc
