/// @file
/// @brief A descriptor that becomes readable when a process ends.
#pragma once

#include <sys/types.h>

#include "course/unique_fd.hpp"

namespace hsys {

/// Opens a pidfd for @p pid through syscall(SYS_pidfd_open): glibc's wrapper exists only
/// from 2.36 and the course must run on 2.35. The descriptor is close-on-exec; poll()
/// reports it readable once the process has ended (before it is reaped).
/// @returns the descriptor, or an empty one with errno set: ENOSYS on kernels before 5.3,
///          ESRCH when @p pid does not exist. Never throws; async-signal-safe.
course::UniqueFd pidfd_open(pid_t pid) noexcept;

}  // namespace hsys
