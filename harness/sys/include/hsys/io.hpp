/// @file
/// @brief Reading and writing descriptors and untrusted files, within bounds.
#pragma once

#include <sys/types.h>
#include <cstddef>

#include <string>
#include <string_view>

namespace hsys {

/// Writes all of @p data to @p fd, restarting after EINTR and short writes, and waiting
/// with poll() when a non-blocking @p fd is full.
/// @throws std::system_error with errno and "write" (EPIPE when the reader is gone and
///         SIGPIPE is ignored; otherwise SIGPIPE ends the process, as for any write).
void write_all(int fd, std::string_view data);

/// Reads once from @p fd what is available (up to 64 KiB), appends to @p into only as
/// much as keeps `into.size() <= cap`, and drops the rest.
/// @returns the number of bytes read, kept or dropped; 0 when the read was interrupted
///          (EINTR), would block (EAGAIN) or met end of file, which sets @p eof to true.
/// @throws std::system_error with errno and "read" for any other failure.
std::size_t read_some(int fd, std::string& into, std::size_t cap, bool& eof);

/// Reads @p fd until end of file (waiting with poll() when it is non-blocking), keeping at
/// most @p cap bytes.
/// @param truncated when not null, set to whether more than @p cap bytes came.
/// @throws std::system_error with errno and "read" or "poll".
std::string read_all(int fd, std::size_t cap, bool* truncated = nullptr);

/// The one safe way to read a file a test or a student wrote: never follows a symbolic
/// link in the last component (O_NOFOLLOW), never blocks on a FIFO (O_NONBLOCK), never
/// takes a terminal (O_NOCTTY), refuses anything but a regular file (so /dev/zero cannot
/// eat memory), and keeps at most @p cap bytes.
/// @param truncated when not null, set to whether the file held more than @p cap bytes.
/// @returns the first @p cap bytes at most.
/// @throws std::system_error with errno and "open PATH" (ELOOP for a symbolic link,
///         ENOENT...), EINVAL and "open PATH: not a regular file", or "read PATH".
std::string read_file_bounded(const std::string& path, std::size_t cap, bool* truncated = nullptr);

/// Writes @p data to @p path, mode @p mode, as a whole: into a temporary name beside
/// @p path first, then renamed over it, so that a reader of @p path sees the old file or
/// the whole new one, never half of it.
/// @throws std::system_error with errno and "open", "write" or "rename" and a path.
void write_file_atomically(const std::string& path, std::string_view data, mode_t mode = 0644);

/// Copies the regular file @p from (which untrusted code may have written: opened as
/// read_file_bounded() opens it, never through a link) to @p to, mode 0644, as
/// write_file_atomically() writes.
/// @throws std::system_error with errno and "open", "read", "write" or "rename" and a path.
void copy_file_atomically(const std::string& from, const std::string& to);

}  // namespace hsys
