// Bounded reads and complete writes on descriptors, and the safe read of an untrusted file.
#include "hsys/io.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <system_error>

#include "course/sys.hpp"
#include "course/unique_fd.hpp"
#include "hsys/eintr.hpp"

namespace hsys {
namespace {

// Waits until @p fd is ready for @p events (poll's EINTR restarts the wait).
void wait_for(int fd, short events) {
    pollfd p{fd, events, 0};
    course::check(retry_eintr([&] { return ::poll(&p, 1, -1); }), "poll");
}

}  // namespace

void write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = retry_eintr([&] { return ::write(fd, data.data(), data.size()); });
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            wait_for(fd, POLLOUT);
            continue;
        }
        course::check(n, "write");
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

std::size_t read_some(int fd, std::string& into, std::size_t cap, bool& eof) {
    char buffer[65536];
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        course::throw_errno("read");
    }
    if (n == 0) {
        eof = true;
        return 0;
    }
    auto got = static_cast<std::size_t>(n);
    if (into.size() < cap)
        into.append(buffer, std::min(got, cap - into.size()));
    return got;
}

std::string read_all(int fd, std::size_t cap, bool* truncated) {
    std::string text;
    std::size_t total = 0;
    bool eof = false;
    while (!eof) {
        std::size_t n = read_some(fd, text, cap, eof);
        total += n;
        if (n == 0 && !eof)
            wait_for(fd, POLLIN);  // interrupted, or a non-blocking fd had nothing yet
    }
    if (truncated != nullptr)
        *truncated = total > cap;
    return text;
}

namespace {

// Opens @p path for reading as an untrusted file (read_file_bounded's contract): no link,
// no blocking, no terminal, a regular file only.
course::UniqueFd open_untrusted_file(const std::string& path) {
    course::UniqueFd fd(retry_eintr([&] {
        return ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    }));
    if (!fd)
        course::throw_errno("open " + path);
    struct stat st {};
    course::check(::fstat(fd.get(), &st), ("fstat " + path).c_str());
    if (!S_ISREG(st.st_mode))
        throw std::system_error(EINVAL, std::generic_category(),
                                "open " + path + ": not a regular file");
    return fd;
}

}  // namespace

std::string read_file_bounded(const std::string& path, std::size_t cap, bool* truncated) {
    course::UniqueFd fd = open_untrusted_file(path);
    std::string text;
    std::size_t total = 0;
    bool eof = false;
    // One byte past the cap tells a file of exactly cap bytes from a longer one.
    while (!eof && total <= cap) {
        try {
            total += read_some(fd.get(), text, cap, eof);
        } catch (const std::system_error& error) {
            throw std::system_error(error.code(), "read " + path);
        }
    }
    if (truncated != nullptr)
        *truncated = total > cap;
    return text;
}

namespace {

// Writes what @p fill writes into the descriptor it gets to @p path, mode @p mode: into a
// temporary name beside @p path, then renamed over it (removed if anything fails).
template <typename Fill>
void replace_file(const std::string& path, mode_t mode, Fill fill) {
    std::string temporary = path + ".partial-" + std::to_string(::getpid());
    course::UniqueFd out(retry_eintr([&] {
        return ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
                      mode);
    }));
    if (!out)
        course::throw_errno("open " + temporary);
    try {
        fill(out.get());
        out.reset();
        course::check(::rename(temporary.c_str(), path.c_str()), ("rename " + temporary).c_str());
    } catch (...) {
        ::unlink(temporary.c_str());
        throw;
    }
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view data, mode_t mode) {
    replace_file(path, mode, [&](int fd) { write_all(fd, data); });
}

void copy_file_atomically(const std::string& from, const std::string& to) {
    course::UniqueFd in = open_untrusted_file(from);
    replace_file(to, 0644, [&](int out) {
        char buffer[1 << 16];
        for (;;) {
            ssize_t n = retry_eintr([&] { return ::read(in.get(), buffer, sizeof buffer); });
            if (n < 0)
                course::throw_errno("read " + from);
            if (n == 0)
                break;
            write_all(out, std::string_view(buffer, static_cast<std::size_t>(n)));
        }
    });
}

}  // namespace hsys
