// Hostile submission: the untouched stub, and an inline copy of the C library's write():
// inline code is emitted as a COMDAT copy that the linker keeps once, so this one would
// take write()'s place for the whole program. The inspection refuses a C library name
// whatever kind of definition it has (integrity).
#include "stub.inc"

#include <sys/syscall.h>
#include <unistd.h>

extern "C" inline ssize_t write(int fd, const void* buffer, size_t size) {
    return ::syscall(SYS_write, fd, buffer, size);
}

namespace {

// Its address taken, so that the copy is emitted whatever the optimiser inlines.
ssize_t (*volatile writer)(int, const void*, size_t) = &write;

}  // namespace
