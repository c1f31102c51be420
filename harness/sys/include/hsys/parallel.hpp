/// @file
/// @brief Doing independent pieces of work on a few threads at once.
#pragma once

#include <cstddef>
#include <functional>

namespace hsys {

/// Calls @p body(i) once for every i in [0, @p count), on @p threads threads at most, each
/// taking the next index left; @p threads <= 1 calls them in order on the calling thread.
/// Every thread exists before the first call starts, so a call that lists the process's
/// threads (the sandbox guards them all from its test) sees them all. When no more thread
/// can be started, those there do the work.
/// @throws the first exception a call threw, once every thread has ended (the other
///         calls still run: each owns its index).
void for_each_index(std::size_t count, int threads, const std::function<void(std::size_t)>& body);

}  // namespace hsys
