// TempDir: mkdtemp, and a removal that survives what tests do to their folders.
#include "hsys/temp_dir.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
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

// remove_tree() walks the tree without recursion, holding one directory open at a time: a
// test can make a chain of folders far deeper than the grader's stack, and more levels than
// it may open descriptors. Each level keeps, on the heap, its name in its parent, its
// identity (to check the way back up) and the names of its subdirectories still to empty.

// A directory on the way down from the root.
struct Level {
    std::string name;  // its name in its parent (the path, for the root)
    dev_t dev = 0;     // its identity, from fstat on its descriptor
    ino_t ino = 0;
    std::vector<std::string> pending;  // its subdirectories that were not empty
};

// Removes what can be removed at once in the directory open as @p fd (files, links, empty
// folders) and lists its other subdirectories in @p level.pending, counting every entry read
// against @p budget. Removing while readdir walks a directory may skip entries, so it reads
// the directory again until a pass removes nothing.
// @returns false when the budget ran out or the directory could not be read.
bool empty_level(int fd, Level& level, std::size_t& budget) {
    int walk = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);  // the DIR owns it; fd stays for the *at calls
    if (walk < 0)
        return false;
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::fdopendir(walk), ::closedir);
    if (!dir) {
        ::close(walk);
        return false;
    }
    for (bool removed = true; removed;) {
        removed = false;
        level.pending.clear();
        ::rewinddir(dir.get());
        errno = 0;
        while (const dirent* entry = ::readdir(dir.get())) {
            std::string_view name = entry->d_name;
            if (name == "." || name == "..")
                continue;
            if (budget == 0)
                return false;
            --budget;
            if (::unlinkat(fd, entry->d_name, 0) == 0 ||
                ::unlinkat(fd, entry->d_name, AT_REMOVEDIR) == 0) {
                removed = true;
            } else if (errno == ENOTEMPTY || errno == EEXIST) {
                level.pending.emplace_back(name);
            }  // else (ENOENT: gone; another error): the final check sees what stays
            errno = 0;
        }
        if (errno != 0)
            return false;
    }
    return true;
}

// Opens the subdirectory @p name of @p parent, never through a link, with u+rwx for its
// owner (a test may chmod 000 its folders), and records its identity in @p level.
// @returns the descriptor, or -1.
int open_level(int parent, const char* name, Level& level) {
    constexpr int kFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    int fd = ::openat(parent, name, kFlags);
    if (fd < 0 && errno == EACCES) {
        // The name was just read as a directory and nothing else runs in the tree any more:
        // fchmodat cannot meet a link put there since (it would refuse to open, ELOOP).
        struct stat st {};
        if (::fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) &&
            ::fchmodat(parent, name, (st.st_mode & 07777) | S_IRWXU, 0) == 0)
            fd = ::openat(parent, name, kFlags);
    }
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0) {
        if (fd >= 0)
            ::close(fd);
        return -1;
    }
    if ((st.st_mode & S_IRWXU) != S_IRWXU)
        ::fchmod(fd, (st.st_mode & 07777) | S_IRWXU);  // on the descriptor: no link to follow
    level.dev = st.st_dev;
    level.ino = st.st_ino;
    return fd;
}

// Opens the parent of the directory open as @p fd through "..", and checks that it is
// @p parent, the directory the walk came down from.
// Going up through ".." is sound here only because the processes of the test that made the
// tree are gone (the grader removes a scratch folder after its test's namespace, or its
// process group, was killed): nothing can move a folder of the tree elsewhere meanwhile.
// The identity check makes the walk stop rather than leave the tree if something did.
// @returns the descriptor, or -1.
int open_parent(int fd, const Level& parent) {
    int up = ::openat(fd, "..", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st {};
    if (up >= 0 && ::fstat(up, &st) == 0 && st.st_dev == parent.dev && st.st_ino == parent.ino)
        return up;
    if (up >= 0)
        ::close(up);
    return -1;
}

// Empties the directory at @p path (opened never through a link) depth first, one level
// open at a time; stops when @p budget entries have been read.
void remove_contents(const char* path, std::size_t budget) {
    std::vector<Level> levels(1);
    int fd = open_level(AT_FDCWD, path, levels.back());
    if (fd < 0)
        return;
    bool ok = empty_level(fd, levels.back(), budget);
    while (ok) {
        Level& top = levels.back();
        if (!top.pending.empty()) {  // down into the next subdirectory still full
            Level child;
            child.name = std::move(top.pending.back());
            top.pending.pop_back();
            int down = open_level(fd, child.name.c_str(), child);
            if (down < 0)
                continue;  // what stays is left; the final check sees it
            ::close(fd);
            fd = down;
            levels.push_back(std::move(child));
            ok = empty_level(fd, levels.back(), budget);
        } else if (levels.size() > 1) {  // this level is empty: up, and remove it
            int up = open_parent(fd, levels[levels.size() - 2]);
            if (up < 0)
                break;
            ::close(fd);
            fd = up;
            std::string name = std::move(top.name);
            levels.pop_back();
            ::unlinkat(fd, name.c_str(), AT_REMOVEDIR);
        } else {
            break;
        }
    }
    ::close(fd);
}

}  // namespace

bool remove_tree(const std::filesystem::path& path, std::size_t budget) noexcept {
    if (path.empty())
        return true;
    if (::unlinkat(AT_FDCWD, path.c_str(), 0) != 0 && errno != ENOENT) {
        try {
            remove_contents(path.c_str(), budget);
        } catch (...) {
            // std::bad_alloc while listing names: what is left stays.
        }
        ::unlinkat(AT_FDCWD, path.c_str(), AT_REMOVEDIR);
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
