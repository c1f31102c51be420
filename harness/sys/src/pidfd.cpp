// pidfd_open through syscall(): glibc has no wrapper before 2.36.
#include "hsys/pidfd.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace hsys {

course::UniqueFd pidfd_open(pid_t pid) noexcept {
#ifdef SYS_pidfd_open
    return course::UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
#else
    // Headers older than the kernel call: the caller takes its fallback.
    (void)pid;
    errno = ENOSYS;
    return course::UniqueFd();
#endif
}

}  // namespace hsys
