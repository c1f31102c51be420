#include "course/unique_fd.hpp"

#include <fcntl.h>

#include "course/sys.hpp"

namespace course {

Pipe make_pipe() {
    int fds[2];
    check(::pipe2(fds, O_CLOEXEC), "pipe2");
    return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

}  // namespace course
