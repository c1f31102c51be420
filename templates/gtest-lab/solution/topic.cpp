// Lab 99 — the template: this process's open file descriptors.
//
// /proc/self/fd has one entry per open descriptor, named by its number; fcntl asks the
// kernel about one descriptor without changing it.
#include "topic.hpp"

#include <dirent.h>
#include <fcntl.h>

#include <cerrno>
#include <memory>

#include "course/sys.hpp"

namespace proc {

namespace {

// Closes a directory stream; closedir's failure cannot be acted on in a destructor.
struct DirCloser {
    void operator()(DIR* dir) const noexcept { ::closedir(dir); }
};

}  // namespace

//> count
std::size_t open_descriptor_count() {
    std::unique_ptr<DIR, DirCloser> dir(::opendir("/proc/self/fd"));
    if (!dir)
        course::throw_errno("opendir /proc/self/fd");
    std::size_t count = 0;
    for (;;) {
        errno = 0;  // readdir returns nullptr both at the end and on error: errno tells
        const dirent* entry = ::readdir(dir.get());
        if (entry == nullptr) {
            if (errno != 0)
                course::throw_errno("readdir /proc/self/fd");
            break;
        }
        if (entry->d_name[0] != '.')
            ++count;
    }
    return count - 1;  // opendir's own descriptor is listed too, and closes on return
}
//< count

bool is_open(int fd) noexcept {
    return ::fcntl(fd, F_GETFD) != -1;
}

bool close_on_exec(int fd) {
    int flags = course::check(::fcntl(fd, F_GETFD), "fcntl F_GETFD");
    return (flags & FD_CLOEXEC) != 0;
}

}  // namespace proc
