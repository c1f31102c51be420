#include "course/file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "course/sys.hpp"
#include "course/unique_fd.hpp"

namespace course {

std::string read_file(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        throw_errno("open " + path);
    std::string content;
    char buffer[4096];
    for (;;) {
        ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n == 0)
            return content;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            throw_errno("read " + path);
        }
        content.append(buffer, static_cast<size_t>(n));
    }
}

}  // namespace course
