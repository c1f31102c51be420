/// @file
/// @brief The test process's side of the result channel (harness/result_channel.hpp).
///
/// Linking this library takes the grader's secret before any lab code runs: its
/// .preinit_array entry calls take_secret(). The test mains then send each test's begin, result and
/// the run's end as sealed records. Only the process that took the secret writes: a forked child
/// that runs on into the framework (a fork whose child forgot to exit) sends nothing.
#pragma once

#include <cstddef>
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

/// The words of the canary test's failure: a canary whose failure lacks them did not fail
/// as it must (something rewrote or swallowed it).
inline constexpr const char* kCanaryWords = "the course's canary: this failure must be seen";

/// The most bytes of failure text a test main puts into one result record.
inline constexpr std::size_t kMessageCap = 16 * 1024;

/// Seals @p payload as the next record and writes it to kResultFd, whole.
/// @returns false when inactive, when called from another process than the one that took
/// the secret, or when the write failed (the grader then sees the record missing).
bool send(std::string_view payload) noexcept;

/// Ends the run under the grader: sends the end record with exit code 0 when
/// @p all_good (every graded test passed or skipped, the canary failed) and 1 otherwise,
/// flushes the standard streams and calls `_exit` with that code, so that no `atexit`
/// handler or static destructor of lab code runs after the results are sealed.
[[noreturn]] void end_run(bool all_good) noexcept;

}  // namespace harness::channel
