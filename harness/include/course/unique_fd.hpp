/// @file
/// @brief A move-only owner of a file descriptor.
#pragma once

#include <unistd.h>

#include <utility>

namespace course {

/// Owns one file descriptor and closes it when destroyed.
///
/// Move-only: two owners of one descriptor would close it twice, and the second close
/// could hit an unrelated file that reused the number. `close` is never retried on
/// EINTR: on Linux the descriptor is released even when close reports EINTR.
class UniqueFd {
  public:
    UniqueFd() noexcept = default;
    /// Takes ownership of @p fd (may be -1 for "none").
    explicit UniqueFd(int fd) noexcept : fd_(fd) {}
    /// Takes over @p other's descriptor; @p other becomes empty.
    UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
    /// Closes the owned descriptor, then takes over @p other's.
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other)
            reset(other.release());
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() { reset(); }

    /// The descriptor, or -1 when empty.
    int get() const noexcept { return fd_; }
    /// True when a descriptor is owned.
    explicit operator bool() const noexcept { return fd_ >= 0; }
    /// Gives up ownership without closing; returns the descriptor.
    int release() noexcept { return std::exchange(fd_, -1); }
    /// Closes the owned descriptor (if any) and takes @p fd instead.
    void reset(int fd = -1) noexcept {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = fd;
    }

  private:
    int fd_ = -1;
};

/// The two ends of a pipe, both close-on-exec.
struct Pipe {
    UniqueFd read;   ///< The end to read from.
    UniqueFd write;  ///< The end to write to.
};

/// Creates a pipe with `O_CLOEXEC` on both ends.
/// @throws std::system_error naming `pipe2` on failure.
Pipe make_pipe();

}  // namespace course
