// TempDir: mkdtemp, and a removal that survives what tests do to their folders.
#include "hsys/temp_dir.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <utility>
#include <vector>

#include "course/sys.hpp"

namespace hsys {
namespace {

namespace fs = std::filesystem;

fs::path make_temp(const fs::path& parent, const std::string& prefix) {
    std::string pattern = (parent / (prefix + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr)
        course::throw_errno("mkdtemp " + pattern);
    return fs::absolute(pattern);
}

// The names in the directory open as @p fd (not "." or ".."), read before removing any:
// removing while readdir walks the directory may skip entries.
std::vector<std::string> entries(int fd) {
    std::vector<std::string> names;
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::fdopendir(fd), ::closedir);
    if (!dir) {
        ::close(fd);
        return names;
    }
    while (const dirent* entry = ::readdir(dir.get())) {
        std::string_view name = entry->d_name;
        if (name != "." && name != "..")
            names.emplace_back(name);
    }
    return names;
}

// Removes @p name in the directory @p parent (AT_FDCWD for a path): unlinks it, or, for a
// directory (never a link to one), gives it u+rwx, empties it and removes it.
void remove_at(int parent, const char* name) {
    if (::unlinkat(parent, name, 0) == 0 || errno == ENOENT)
        return;
    struct stat st {};
    if (::fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode))
        return;
    if ((st.st_mode & S_IRWXU) != S_IRWXU)
        ::fchmodat(parent, name, (st.st_mode & 07777) | S_IRWXU, 0);
    int fd = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return;
    // entries() hands fd to a DIR; a second descriptor keeps the directory for the *at calls.
    int walk = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (walk >= 0) {
        for (const auto& entry : entries(walk))
            remove_at(fd, entry.c_str());
    }
    ::close(fd);
    ::unlinkat(parent, name, AT_REMOVEDIR);
}

}  // namespace

bool remove_tree(const std::filesystem::path& path) noexcept {
    if (path.empty())
        return true;
    try {
        remove_at(AT_FDCWD, path.c_str());
    } catch (...) {
        // std::bad_alloc while listing names: what is left stays.
    }
    struct stat st {};
    return ::lstat(path.c_str(), &st) != 0 && errno == ENOENT;
}

TempDir::TempDir(const std::string& prefix) : path_(make_temp(fs::temp_directory_path(), prefix)) {}

TempDir::TempDir(const std::filesystem::path& parent, const std::string& prefix)
    : path_(make_temp(parent, prefix)) {}

TempDir::TempDir(TempDir&& other) noexcept : path_(other.release()) {}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
    if (this != &other) {
        remove_tree(path_);
        path_ = other.release();
    }
    return *this;
}

TempDir::~TempDir() {
    remove_tree(path_);
}

std::filesystem::path TempDir::release() noexcept {
    return std::exchange(path_, {});
}

}  // namespace hsys
