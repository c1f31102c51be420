/// @file
/// @brief The test support's one way to list a folder: a DIR* closed whatever happens.
///
/// The test support is linked into the labs' tests, so it cannot use the harness's systems
/// layer (harness_sys, never linked into a lab); this is its own, with internal linkage.
#pragma once

#include <dirent.h>

#include <memory>
#include <string>

namespace harness {
namespace {

/// An open folder, closed (closedir) when it goes.
using OpenDir = std::unique_ptr<DIR, int (*)(DIR*)>;

/// Opens @p path for readdir(). @returns an empty OpenDir when it cannot (errno says why):
/// the callers treat a folder they cannot list as empty.
[[maybe_unused]] OpenDir open_dir(const std::string& path) {
    return OpenDir(::opendir(path.c_str()), ::closedir);
}

}  // namespace
}  // namespace harness
