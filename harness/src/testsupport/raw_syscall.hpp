/// @file
/// @brief System calls made with the processor's own instruction, with internal linkage.
///
/// The test main handles the grader's secret with these instead of libc's wrappers: lab code
/// linked into the same program could define `read` or `write` and be called in their place
/// (object_inspection.hpp refuses that too, but the secret must not depend on it). Each
/// returns what the kernel returned: a result, or -errno. x86_64 and aarch64 only (the
/// course's platforms); anything else does not compile.
#pragma once

#include <sys/syscall.h>

#include <cerrno>
#include <cstddef>

namespace harness::raw {
namespace {  // NOLINT: internal linkage in every includer, on purpose (see above)

[[maybe_unused]] long syscall6(long number, long a, long b, long c, long d, long e,
                               long f) noexcept {
#if defined(__x86_64__)
    long result;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "a"(number), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return result;
#elif defined(__aarch64__)
    register long x8 __asm__("x8") = number;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;
    register long x4 __asm__("x4") = e;
    register long x5 __asm__("x5") = f;
    __asm__ volatile("svc #0"
                     : "+r"(x0)
                     : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                     : "memory");
    return x0;
#else
#error "the course's test main makes raw system calls on x86_64 and aarch64 only"
#endif
}

/// read(2), restarted after EINTR: bytes read, 0 at end of file, or -errno.
[[maybe_unused]] long read(int fd, void* buffer, std::size_t size) noexcept {
    long n;
    do {
        n = syscall6(SYS_read, fd, reinterpret_cast<long>(buffer), static_cast<long>(size), 0, 0,
                     0);
    } while (n == -EINTR);
    return n;
}

/// writev(2) of @p count pieces, restarted after EINTR: bytes written, or -errno.
[[maybe_unused]] long writev(int fd, const void* pieces, int count) noexcept {
    long n;
    do {
        n = syscall6(SYS_writev, fd, reinterpret_cast<long>(pieces), count, 0, 0, 0);
    } while (n == -EINTR);
    return n;
}

/// close(2), once (never retried: the descriptor is gone whatever it returns).
[[maybe_unused]] long close(int fd) noexcept {
    return syscall6(SYS_close, fd, 0, 0, 0, 0, 0);
}

/// fcntl(2) with an integer argument.
[[maybe_unused]] long fcntl(int fd, int command, long argument) noexcept {
    return syscall6(SYS_fcntl, fd, command, argument, 0, 0, 0);
}

/// lseek(2): -ESPIPE tells a pipe.
[[maybe_unused]] long lseek(int fd, long offset, int whence) noexcept {
    return syscall6(SYS_lseek, fd, offset, whence, 0, 0, 0);
}

/// getpid(2).
[[maybe_unused]] long getpid() noexcept {
    return syscall6(SYS_getpid, 0, 0, 0, 0, 0, 0);
}

/// getrandom(2) until @p size bytes came: 0, or -errno.
[[maybe_unused]] long getrandom(void* buffer, std::size_t size) noexcept {
    auto* bytes = static_cast<unsigned char*>(buffer);
    std::size_t got = 0;
    while (got < size) {
        long n = syscall6(SYS_getrandom, reinterpret_cast<long>(bytes + got),
                          static_cast<long>(size - got), 0, 0, 0, 0);
        if (n == -EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? n : -EIO;
        got += static_cast<std::size_t>(n);
    }
    return 0;
}

/// mmap(2) of private anonymous memory: the address, or a value in [-4095, -1] (-errno).
[[maybe_unused]] long map_anonymous(std::size_t size, int protection, int flags) noexcept {
    return syscall6(SYS_mmap, 0, static_cast<long>(size), protection, flags, -1, 0);
}

/// madvise(2).
[[maybe_unused]] long madvise(void* address, std::size_t size, int advice) noexcept {
    return syscall6(SYS_madvise, reinterpret_cast<long>(address), static_cast<long>(size), advice,
                    0, 0, 0);
}

/// exit_group(2): ends every thread of the process, runs nothing of the program's.
[[noreturn, maybe_unused]] void exit_group(int code) noexcept {
    for (;;)
        syscall6(SYS_exit_group, code, 0, 0, 0, 0, 0);
}

}  // namespace
}  // namespace harness::raw
