#include "sandbox/namespaces.hpp"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
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

// Makes sure @p path exists to mount on: its folders, and the file itself for a file.
// Errors are ignored: the mount that follows says what went wrong.
void make_mount_point(const char* path, bool is_file) noexcept {
    if (!is_file) {
        make_dirs(path);
        return;
    }
    char parent[4096];
    size_t length = std::strlen(path);
    if (length >= sizeof parent)
        return;
    std::memcpy(parent, path, length + 1);
    if (char* slash = std::strrchr(parent, '/'); slash != nullptr && slash != parent) {
        *slash = '\0';
        make_dirs(parent);
    }
    int fd = ::open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0)
        ::close(fd);
}

// An empty folder over @p path: a tiny tmpfs, read-only once everything is in place.
bool mount_empty(const char* path) noexcept {
    return ::mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=64k,mode=755") ==
           0;
}

bool attach(int tree, const char* path, bool is_file = false) noexcept {
    make_mount_point(path, is_file);
    return sys_move_mount(tree, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) == 0;
}

// A detached copy of what is at @p path (with what is mounted below it), read-only unless
// @p writable. @returns the copy's descriptor, or -1.
int copy_tree(const char* path, bool writable) noexcept {
    int tree = sys_open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
    if (tree < 0 || writable)
        return tree;
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_RDONLY;
    if (sys_mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) != 0) {
        ::close(tree);
        return -1;
    }
    return tree;
}

SetupFailure fail(const char* step, const char* path = nullptr) noexcept {
    return {step, path};
}

// Pseudo-terminals of its own: a new devpts instance on /dev/pts, and /dev/ptmx its
// multiplexer, so that a test opens neither the host's terminals nor another test's, though
// tests run side by side as one user.
SetupFailure own_terminals() noexcept {
    if (::mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
                "newinstance,ptmxmode=0666,mode=0620") != 0)
        return fail("mount a devpts of its own");
    struct stat ptmx {};
    bool is_link = ::lstat("/dev/ptmx", &ptmx) == 0 && S_ISLNK(ptmx.st_mode);  // to pts/ptmx
    if (!is_link && ::mount("/dev/pts/ptmx", "/dev/ptmx", nullptr, MS_BIND, nullptr) != 0)
        return fail("make /dev/ptmx the new devpts's");
    return {};
}

// /dev with nothing but `null` (a copy of the real one, @p null_tree).
SetupFailure replace_devices(int null_tree) noexcept {
    if (::mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,mode=755") != 0)
        return fail("mount an empty /dev");
    if (!attach(null_tree, "/dev/null", true))
        return fail("put /dev/null back");
    ::close(null_tree);
    if (!make_read_only("/dev", false))
        return fail("make /dev read-only");
    return {};
}

// Applies the view's steps, in order; then makes the hiding folders read-only.
SetupFailure apply_view(const FilesystemPlan& plan) noexcept {
    for (std::size_t i = 0; i < plan.count; ++i) {
        const MountStep& step = plan.steps[i];
        if (step.kind == MountStep::folder) {
            make_mount_point(step.path, false);  // where the program starts: it must exist
        } else if (step.kind != MountStep::hide) {
            if (!attach(plan.trees[i], step.path, step.is_file))
                return fail("show a path again", step.path);
            ::close(plan.trees[i]);
            plan.trees[i] = -1;
        } else if (step.is_file) {
            if (::mount("/dev/null", step.path, nullptr, MS_BIND, nullptr) != 0 ||
                !make_read_only(step.path, false)) {
                return fail("hide a file", step.path);
            }
        } else if (!mount_empty(step.path)) {
            return fail("hide a folder", step.path);
        }
    }
    for (std::size_t i = 0; i < plan.count; ++i) {
        const MountStep& step = plan.steps[i];
        if (step.kind == MountStep::hide && !step.is_file && !make_read_only(step.path, false))
            return fail("make a hidden folder read-only", step.path);
    }
    return {};
}

}  // namespace

int clone_flags() noexcept {
    return CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUTS;
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

SetupFailure set_up_filesystem(const FilesystemPlan& plan) noexcept {
    // Nothing done here may leak back to the grader's namespace.
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        return fail("make / private");
    // Detached copies, taken while still writable, of what must stay reachable.
    for (std::size_t i = 0; i < plan.count; ++i) {
        const MountStep& step = plan.steps[i];
        plan.trees[i] = -1;
        if (step.kind == MountStep::hide || step.kind == MountStep::folder)
            continue;
        plan.trees[i] = copy_tree(step.path, step.kind == MountStep::show_writable);
        if (plan.trees[i] < 0)
            return fail("copy a path to show again", step.path);
    }
    int null_tree = -1;
    if (!plan.devices) {
        null_tree = sys_open_tree(AT_FDCWD, "/dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (null_tree < 0)
            return fail("copy /dev/null");
    }
    if (!make_read_only("/", true))
        return fail("make / read-only");
    if (!plan.proc) {
        if (!mount_empty("/proc") || !make_read_only("/proc", false))
            return fail("hide /proc");
    } else if (::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
        return fail("mount /proc");
    } else if (!bind_read_only("/proc/sys") || !bind_read_only("/proc/sysrq-trigger")) {
        return fail("make /proc/sys read-only");
    }
    const char* tmpfs = "size=128m,mode=1777";
    if (::mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, tmpfs) != 0)
        return fail("mount /tmp");
    if (plan.devices && ::access("/dev/shm", F_OK) == 0 &&
        ::mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, tmpfs) != 0) {
        return fail("mount /dev/shm");
    }
    if (plan.devices && ::access("/dev/pts", F_OK) == 0) {
        if (auto failure = own_terminals())
            return failure;
    }
    if (auto failure = apply_view(plan))
        return failure;
    if (!plan.devices)
        return replace_devices(null_tree);
    return {};
}

SetupFailure bring_up_loopback() noexcept {
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail("open a socket to configure lo");
    ifreq request{};
    std::memcpy(request.ifr_name, "lo", 3);
    bool up = ::ioctl(fd, SIOCGIFFLAGS, &request) == 0;
    request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP);
    up = up && ::ioctl(fd, SIOCSIFFLAGS, &request) == 0;
    int saved = errno;
    ::close(fd);
    errno = saved;
    return up ? SetupFailure{} : fail("bring up the loopback interface lo");
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

SetupFailure lock_capabilities() noexcept {
    // PR_CAPBSET_READ fails (EINVAL) past the kernel's last capability.
    for (int cap = 0; ::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; ++cap) {
        if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
            return fail("empty the capability bounding set");
    }
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0)
        return fail("clear the ambient capabilities");
    if (::prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_KEEP_CAPS_LOCKED,
                0, 0, 0) != 0) {
        return fail("lock the secure bits");
    }
    return {};
}

SetupFailure drop_capabilities() noexcept {
    __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct none[2] = {};
    if (::syscall(SYS_capset, &header, none) != 0)
        return fail("drop every capability");
    return {};
}

}  // namespace grader::ns
