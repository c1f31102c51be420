// Finding the descriptors a test opened and did not close.
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "harness/testsupport.hpp"
#include "open_dir.hpp"

namespace harness {
namespace {

// What descriptor @p fd refers to ("?" when it closed meanwhile).
std::string target_of(int fd) {
    std::string link = "/proc/self/fd/" + std::to_string(fd);
    char buffer[4096];
    ssize_t n = ::readlink(link.c_str(), buffer, sizeof buffer);
    return n < 0 ? "?" : std::string(buffer, static_cast<std::size_t>(n));
}

// True when @p fd was opened with O_PATH: a handle to open files relative to (the
// reference keeps one on /proc for the whole program), which holds no file open for
// reading or writing. /proc/self/fdinfo/FD's "flags:" line is octal.
bool is_path_handle(int fd) {
    std::string info = "/proc/self/fdinfo/" + std::to_string(fd);
    int in = ::open(info.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return false;
    char buffer[512];
    ssize_t n = ::read(in, buffer, sizeof buffer - 1);
    ::close(in);
    if (n <= 0)
        return false;
    buffer[n] = '\0';
    const char* flags = std::strstr(buffer, "flags:");
    return flags != nullptr && (std::strtoul(flags + 6, nullptr, 8) & O_PATH) != 0;
}

// How many leaked descriptors the message names; the rest are only counted.
constexpr std::size_t kNamedDescriptors = 10;

}  // namespace

std::vector<OpenDescriptor> open_descriptors() {
    OpenDir dir = open_dir("/proc/self/fd");
    if (!dir)
        return {};
    int own = ::dirfd(dir.get());
    std::vector<OpenDescriptor> found;
    while (const dirent* entry = ::readdir(dir.get())) {
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9')
            continue;  // "." and ".."
        int fd = std::atoi(entry->d_name);
        if (fd != own)
            found.push_back({fd, target_of(fd), is_path_handle(fd)});
    }
    std::sort(found.begin(), found.end(),
              [](const OpenDescriptor& a, const OpenDescriptor& b) { return a.fd < b.fd; });
    return found;
}

std::string leaked_descriptors_message(const std::vector<OpenDescriptor>& before,
                                       const std::vector<OpenDescriptor>& after) {
    std::vector<OpenDescriptor> left;
    for (const auto& open : after) {
        bool held_before = std::any_of(before.begin(), before.end(), [&](const auto& old) {
            return old.fd == open.fd && old.target == open.target;
        });
        if (!held_before && !open.path_handle)
            left.push_back(open);
    }
    if (left.empty())
        return "";
    std::string message = "This test left " + std::to_string(left.size()) + " descriptor" +
                          (left.size() == 1 ? "" : "s") + " open:";
    for (std::size_t i = 0; i < left.size(); ++i) {
        if (i == kNamedDescriptors) {
            message += " and " + std::to_string(left.size() - i) + " more";
            break;
        }
        message += (i ? ", " : " ") + std::to_string(left[i].fd) + " -> " + left[i].target;
    }
    return message +
           ". A function that opens a descriptor must close it before it returns, or hand it "
           "to an object that will (" +
           see_lesson("03-spawn.md", "no-descriptor-leaks") + ").";
}

}  // namespace harness
