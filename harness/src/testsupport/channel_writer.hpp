/// @file
/// @brief The test process's side of the result channel (harness/result_channel.hpp).
///
/// The test mains take the grader's secret before any lab code runs (from .preinit_array)
/// and send each test's begin, result and the run's end as sealed records. Only the
/// process that took the secret writes: a forked child that runs on into the framework
/// (a fork whose child forgot to exit) sends nothing.
#pragma once

#include <string>
#include <string_view>

#include "harness/result_channel.hpp"

namespace harness::channel {

/// Takes the secret from kSecretFd when the grader set kEnvironmentVariable in @p envp
/// (the environment the program started with), closes that descriptor, marks kResultFd
/// close-on-exec and removes the variable from @p envp. Does nothing in a run without the
/// grader. Uses system calls only; never throws.
void take_secret(char** envp) noexcept;

/// True when the secret was taken: results go to the grader.
bool active() noexcept;

/// This run's secret (meaningful when active()).
const Secret& secret() noexcept;

/// Seals @p payload as the next record and writes it to kResultFd, whole.
/// @returns false when inactive, when called from another process than the one that took
/// the secret, or when the write failed (the grader then sees the record missing).
bool send(std::string_view payload) noexcept;

}  // namespace harness::channel
