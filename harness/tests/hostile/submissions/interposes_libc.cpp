// Hostile submission: the untouched stub, and a definition of every C library function the
// course's test main calls around its secret, each of which would run in place of the C
// library's for the whole test program (and see what it is given). The test main makes
// those system calls itself; the inspection of the compiled code refuses each definition
// by name (integrity).
#include "stub.inc"

#include <fcntl.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

extern "C" {

ssize_t read(int fd, void* buffer, size_t size) {
    return ::syscall(SYS_read, fd, buffer, size);
}
ssize_t write(int fd, const void* buffer, size_t size) {
    return ::syscall(SYS_write, fd, buffer, size);
}
ssize_t writev(int fd, const struct iovec* pieces, int count) {
    return ::syscall(SYS_writev, fd, pieces, count);
}
int close(int fd) {
    return static_cast<int>(::syscall(SYS_close, fd));
}
int fcntl(int fd, int command, ...) {
    va_list rest;
    va_start(rest, command);
    long argument = va_arg(rest, long);
    va_end(rest);
    return static_cast<int>(::syscall(SYS_fcntl, fd, command, argument));
}
off_t lseek(int fd, off_t offset, int whence) {
    return ::syscall(SYS_lseek, fd, offset, whence);
}
pid_t getpid() {
    return static_cast<pid_t>(::syscall(SYS_getpid));
}
ssize_t getrandom(void* buffer, size_t size, unsigned int flags) {
    return ::syscall(SYS_getrandom, buffer, size, flags);
}
void* mmap(void* address, size_t size, int protection, int flags, int fd, off_t offset) {
    return reinterpret_cast<void*>(
        ::syscall(SYS_mmap, address, size, protection, flags, fd, offset));
}
int madvise(void* address, size_t size, int advice) {
    return static_cast<int>(::syscall(SYS_madvise, address, size, advice));
}

}  // extern "C"
