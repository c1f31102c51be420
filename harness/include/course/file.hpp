/// @file
/// @brief Reading small files such as those under /proc in one go.
#pragma once

#include <string>

namespace course {

/// Reads the whole file at @p path with open/read/close (no stdio buffering, no
/// iostreams: /proc files are generated on each read, so a single pass is both the
/// fastest way and the only consistent snapshot).
/// @returns the file's bytes; empty for an empty file.
/// @throws std::system_error naming `open PATH` or `read PATH`, with errno (ENOENT when
///         the file does not exist, ESRCH when a /proc process vanished mid-read).
std::string read_file(const std::string& path);

}  // namespace course
