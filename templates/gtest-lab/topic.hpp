/// @file
/// @brief Lab 99 — the template: this process's open file descriptors.
///
/// `make new-lab NAME=NN-topic` copies this folder to labs/NN-topic/ (the header, the stub
/// and the tests, renamed after the topic), its solution/ to solutions/NN-topic/ and its
/// lesson.md to lessons/NN-topic.md. Replace what the lab teaches, keep the shape: the
/// header is the contract, documented for Doxygen; the stub says what each task is for;
/// the tests say what "done" means. Lesson: `lessons/99-topic.md`.
#pragma once

#include <cstddef>

namespace proc {

/// How many file descriptors the calling process has open: the entries of
/// `/proc/self/fd`, without the one used to list them.
/// @throws std::system_error naming `opendir /proc/self/fd` or `readdir /proc/self/fd`.
std::size_t open_descriptor_count();

/// True if @p fd is an open descriptor of the calling process (`fcntl(fd, F_GETFD)`
/// succeeds). Never fails: a negative or closed @p fd is simply not open.
bool is_open(int fd) noexcept;

/// True if @p fd has the close-on-exec flag (`FD_CLOEXEC`): it will not survive `execve`.
/// @throws std::system_error naming `fcntl F_GETFD` (EBADF) when @p fd is not open.
bool close_on_exec(int fd);

}  // namespace proc
