/// @file
/// @brief A batch's cache of compiled student code, keyed by exactly what was compiled.
///
/// In a class, many files are the same: untouched stubs, shared starting points. The
/// sandboxed compile (sandboxed_compile.cpp) then preprocesses a student's file in the
/// sandbox, and the grader keys that text: the compiler, its arguments and the whole
/// preprocessed source, with the slot's folder left out (every slot's build has its own
/// path), under a secret key (SipHash-2-4 twice, 128 bits). A miss compiles that very text,
/// in the sandbox, and stores the object and the compiler's messages; a hit takes them.
/// So an object is always what compiling its key's text gives: a student can only ever
/// share an object with a student whose preprocessed code is the same.
///
/// The cache is written by the grader alone: a folder of mode 0700, inside the batch's
/// work folder, which the sandbox hides from student code.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace grader {

/// Where the cache is, and which folder's path its keys leave out.
struct ObjectCache {
    std::string dir;   ///< Created on first use (mode 0700).
    std::string root;  ///< The slot's folder (its labs/ and build/), the same for all slots.
};

/// @p text with every @p root replaced by a marker, so that slots' paths agree; nullopt
/// when @p text already holds the marker (such a file is not cached).
std::optional<std::string> leave_out_root(const std::string& text, const std::string& root);

/// @p text with the marker put back as @p root (the inverse of leave_out_root()).
std::string put_back_root(const std::string& text, const std::string& root);

/// The key of a compile: @p compiler (its path, size and time, so that an upgrade changes
/// every key), @p arguments and @p preprocessed, each with the root left out; 32 hex digits.
/// nullopt when it cannot be cached (see leave_out_root()).
/// @throws std::system_error when the cache's secret cannot be made or read.
std::optional<std::string> cache_key(const ObjectCache& cache, const std::string& compiler,
                                     const std::vector<std::string>& arguments,
                                     const std::string& preprocessed);

/// A cached compile: the object's path in the cache and the compiler's messages (the
/// root put back), or nullopt on a miss. What the cache would never have stored is a miss
/// too: a key that is not 32 hex digits, messages longer than it keeps (1 MiB), an object
/// that is not a regular file (a symbolic link, a folder, missing).
/// @throws std::system_error when the messages exist but cannot be read.
struct CachedObject {
    std::string object;
    std::string messages;
};
std::optional<CachedObject> find_cached(const ObjectCache& cache, const std::string& key);

/// Stores a successful compile: a copy of @p object and the compiler's @p messages, each
/// written under a temporary name and renamed, so that a reader never sees half of one.
/// @throws std::system_error when they cannot be written.
void store_cached(const ObjectCache& cache, const std::string& key, const std::string& object,
                  const std::string& messages);

}  // namespace grader
