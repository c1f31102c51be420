/// @file
/// @brief Typed records that tell the grader a test ran out of memory or of processes.
///
/// A failed allocation or a fork refused with EAGAIN usually ends a test as an ordinary
/// failure or crash; the grader must still say "out of memory" or "too many processes",
/// and must not guess it from the words a test printed (Lab 03 is about spawn: its
/// messages say "spawn" whatever happened). So the test program itself records each such
/// failure as it happens, on a descriptor the grader gives it: one line per event,
/// `out-of-memory <call>` or `too-many-processes <call>`.
///
/// report_resource_events() (called by harness_gtest_main and harness_catch2_main, and
/// by any test main that wants it) installs a `new_handler`; the library also wraps
/// `fork`, `pthread_create` (so std::thread), `posix_spawn` and `posix_spawnp` (the
/// program's own definitions take precedence over the C library's; each calls the real
/// one). `vfork` cannot be wrapped (its child borrows the caller's stack frame), so an
/// EAGAIN from vfork is found by the sandbox's process count alone. Without the
/// descriptor (a test run by hand) nothing is written.
///
/// The grader reads the descriptor as untrusted bytes (lab code may write there too):
/// grader/sandbox/resource_event_reader.hpp accepts only whole lines `EVENT CALL` with one of the
/// events below and a short printable call; anything else makes the test's result
/// `integrity`.
#pragma once

namespace harness {

/// The environment variable that holds the events descriptor's number.
inline constexpr const char* kResourceEventsFdVariable = "HARNESS_EVENTS_FD";
/// The event word for a failed allocation.
inline constexpr const char* kOutOfMemoryEvent = "out-of-memory";
/// The event word for a process or thread refused with EAGAIN.
inline constexpr const char* kTooManyProcessesEvent = "too-many-processes";

/// Installs the out-of-memory `new_handler` (which records the event, then throws
/// std::bad_alloc as the default would) and resolves the real process-creating functions.
/// Idempotent; call it first thing in main().
void report_resource_events() noexcept;

}  // namespace harness
