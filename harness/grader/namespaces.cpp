#include "namespaces.hpp"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

// glibc 2.35 (Ubuntu 22.04) has neither the names of the new mount API nor its wrappers
// (2.36 added both): the kernel's values, the same on every architecture.
#ifndef MOUNT_ATTR_RDONLY
#include <linux/types.h>
#define MOUNT_ATTR_RDONLY 0x00000001
#define OPEN_TREE_CLONE 1
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
struct mount_attr {
    __u64 attr_set;
    __u64 attr_clr;
    __u64 propagation;
    __u64 userns_fd;
};
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

namespace grader::ns {
namespace {

// The mount API through syscall(), so that the grader needs no glibc newer than 2.35.
int sys_open_tree(int dirfd, const char* path, unsigned flags) noexcept {
    return static_cast<int>(::syscall(SYS_open_tree, dirfd, path, flags));
}

int sys_move_mount(int from_dirfd, const char* from_path, int to_dirfd, const char* to_path,
                   unsigned flags) noexcept {
    return static_cast<int>(
        ::syscall(SYS_move_mount, from_dirfd, from_path, to_dirfd, to_path, flags));
}

int sys_mount_setattr(int dirfd, const char* path, unsigned flags, mount_attr* attr,
                      size_t size) noexcept {
    return static_cast<int>(::syscall(SYS_mount_setattr, dirfd, path, flags, attr, size));
}

// Writes @p text to a /proc file in one write(), as the id-map files require.
std::string write_proc_file(const std::string& path, const std::string& text) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return "open " + path + ": " + std::strerror(errno);
    ssize_t written = ::write(fd, text.data(), text.size());
    int saved = errno;
    ::close(fd);
    if (written != static_cast<ssize_t>(text.size())) {
        return "write " + path + ": " + std::strerror(saved);
    }
    return "";
}

// mkdir -p, ignoring every error (the later mount says what went wrong).
void make_dirs(const char* path) noexcept {
    char buffer[4096];
    size_t length = std::strlen(path);
    if (length >= sizeof buffer)
        return;
    std::memcpy(buffer, path, length + 1);
    for (size_t i = 1; i <= length; ++i) {
        if (buffer[i] != '/' && buffer[i] != '\0')
            continue;
        char saved = buffer[i];
        buffer[i] = '\0';
        ::mkdir(buffer, 0755);
        buffer[i] = saved;
    }
}

bool make_read_only(const char* path, bool recursive) noexcept {
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_RDONLY;
    return sys_mount_setattr(AT_FDCWD, path, recursive ? AT_RECURSIVE : 0, &attr, sizeof attr) == 0;
}

// Binds @p path onto itself read-only (a file or a folder), when it exists.
bool bind_read_only(const char* path) noexcept {
    if (::access(path, F_OK) != 0)
        return true;
    return ::mount(path, path, nullptr, MS_BIND | MS_REC, nullptr) == 0 &&
           make_read_only(path, true);
}

bool attach(int tree, const char* path) noexcept {
    make_dirs(path);
    return sys_move_mount(tree, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) == 0;
}

}  // namespace

int clone_flags() noexcept {
    return CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS;
}

std::string write_id_maps(pid_t child, bool root) {
    std::string dir = "/proc/" + std::to_string(child) + "/";
    if (root) {
        // Root may map several ids: 0 for the sandbox's init, 65534 for the test.
        std::string map =
            "0 0 1\n" + std::to_string(kNobody) + " " + std::to_string(kNobody) + " 1\n";
        auto error = write_proc_file(dir + "uid_map", map);
        return error.empty() ? write_proc_file(dir + "gid_map", map) : error;
    }
    // An ordinary user may map only its own ids, and must first give up setgroups().
    auto error = write_proc_file(dir + "setgroups", "deny");
    if (error.empty()) {
        auto uid = std::to_string(::geteuid());
        error = write_proc_file(dir + "uid_map", uid + " " + uid + " 1\n");
    }
    if (error.empty()) {
        auto gid = std::to_string(::getegid());
        error = write_proc_file(dir + "gid_map", gid + " " + gid + " 1\n");
    }
    return error;
}

const char* set_up_filesystem(const char* workdir, const char* keep_read_only) noexcept {
    // Nothing done here may leak back to the grader's namespace.
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        return "make / private";
    // Detached copies, taken while still writable, of what must stay reachable.
    int work = sys_open_tree(AT_FDCWD, workdir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (work < 0)
        return "clone the working directory";
    int kept = -1;
    if (keep_read_only != nullptr) {
        kept = sys_open_tree(AT_FDCWD, keep_read_only,
                             OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
        if (kept < 0)
            return "clone the test program's folder";
    }
    if (!make_read_only("/", true))
        return "make / read-only";
    if (::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
        return "mount /proc";
    }
    if (!bind_read_only("/proc/sys") || !bind_read_only("/proc/sysrq-trigger")) {
        return "make /proc/sys read-only";
    }
    const char* tmpfs = "size=128m,mode=1777";
    if (::mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, tmpfs) != 0)
        return "mount /tmp";
    if (::access("/dev/shm", F_OK) == 0 &&
        ::mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, tmpfs) != 0) {
        return "mount /dev/shm";
    }
    if (!attach(work, workdir))
        return "attach the working directory";
    ::close(work);
    if (kept >= 0) {
        if (!attach(kept, keep_read_only) || !make_read_only(keep_read_only, true)) {
            return "attach the test program's folder";
        }
        ::close(kept);
    }
    return nullptr;
}

bool cap_processes(int max) noexcept {
    char text[16];
    int length = 0;
    for (int n = max; n > 0 && length < 15; n /= 10)
        text[length++] = static_cast<char>('0' + n % 10);
    for (int i = 0; i < length / 2; ++i) {
        char c = text[i];
        text[i] = text[length - 1 - i];
        text[length - 1 - i] = c;
    }
    int fd = ::open("/proc/sys/kernel/pid_max", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool done = ::write(fd, text, static_cast<size_t>(length)) == length;
    ::close(fd);
    return done;
}

int last_pid() noexcept {
    int fd = ::open("/proc/sys/kernel/ns_last_pid", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    char text[16] = {};
    ssize_t n = ::read(fd, text, sizeof text - 1);
    ::close(fd);
    if (n <= 0)
        return -1;
    int value = 0;
    for (ssize_t i = 0; i < n && text[i] >= '0' && text[i] <= '9'; ++i)
        value = value * 10 + (text[i] - '0');
    return value;
}

void lock_capabilities() noexcept {
    for (int cap = 0; cap <= 63; ++cap)
        ::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
    ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    ::prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_KEEP_CAPS_LOCKED, 0, 0,
            0);
}

void drop_capabilities() noexcept {
    __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct none[2] = {};
    ::syscall(SYS_capset, &header, none);
}

}  // namespace grader::ns
