/// @file
/// @brief Signals by name.
#pragma once

#include <string>

namespace hsys {

/// The name of signal @p sig as a shell prints it: "SIGSEGV", "SIGKILL"; "signal 42" for a
/// number without a name (real-time signals, out-of-range values). Uses glibc's
/// sigabbrev_np (2.32+). Never throws except std::bad_alloc.
std::string signal_name(int sig);

}  // namespace hsys
