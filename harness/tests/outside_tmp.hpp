/// @file
/// @brief Where the tests of a sandbox's view make their folders.
#pragma once

#include <unistd.h>

#include <string>

namespace harness_tests {

/// A folder for tests of the sandbox's view to work in: the build tree, unless it lies
/// under /tmp or /dev/shm, which every sandbox replaces with a private one of its own (so
/// nothing there can be hidden or shown again); then /var/tmp. A clone under /tmp (a CI
/// job's, `git clone . /tmp/fresh`) builds there. @returns "" when neither can be used.
inline std::string folder_outside_private_tmp() {
    auto under = [](const std::string& path, const std::string& dir) {
        return path == dir || path.rfind(dir + "/", 0) == 0;
    };
    std::string build = COURSE_BINARY_DIR;
    if (!under(build, "/tmp") && !under(build, "/dev/shm"))
        return build;
    if (::access("/var/tmp", W_OK | X_OK) == 0)
        return "/var/tmp";
    return "";
}

}  // namespace harness_tests
