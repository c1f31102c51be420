/// @file
/// @brief Reading a test program's resource events (harness/resource_events.hpp) as the
/// untrusted bytes they are: the descriptor is the test process's, so its code may write
/// anything there.
#pragma once

#include <string>
#include <string_view>

namespace grader {

/// What a test program's resource events said.
struct ResourceEvents {
    bool out_of_memory = false;       ///< An `out-of-memory <call>` line.
    bool too_many_processes = false;  ///< A `too-many-processes <call>` line.
    std::string_view problem;         ///< Why the bytes are not what the test-support library
                                      ///< writes ("" when they are): a static text. The test's
                                      ///< result cannot be trusted then.
};

/// The longest call a line may name ("pthread_create", "operator new", ...).
inline constexpr std::size_t kMaxEventCall = 64;

/// Decodes @p bytes, the events descriptor's contents: lines `EVENT CALL\n`, EVENT one of
/// harness::kOutOfMemoryEvent and harness::kTooManyProcessesEvent, CALL 1 to kMaxEventCall
/// printable ASCII characters. @p cut: the grader stopped reading at its cap, so the last
/// line may be partial (it is then ignored). Anything else sets `problem`. Never throws.
ResourceEvents decode_resource_events(std::string_view bytes, bool cut) noexcept;

}  // namespace grader
