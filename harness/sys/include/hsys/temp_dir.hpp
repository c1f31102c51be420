/// @file
/// @brief A temporary directory that removes itself, whatever a test did to it.
#pragma once

#include <filesystem>
#include <string>

namespace hsys {

/// Owns a directory made by `mkdtemp` and removes it, with everything in it, when destroyed.
///
/// Removal never follows a symbolic link (a link to a file outside stays untouched) and
/// first gives the owner rwx on every directory inside, so a test may `chmod 000` its
/// folders. Move-only: two owners would remove one directory twice.
class TempDir {
  public:
    /// Makes `TMPDIR-or-/tmp/PREFIX-XXXXXX` (std::filesystem::temp_directory_path()).
    /// @throws std::system_error with errno and "mkdtemp PATH" when it cannot be made.
    explicit TempDir(const std::string& prefix = "course");
    /// Makes `PARENT/PREFIX-XXXXXX`; @p parent must exist.
    /// @throws std::system_error with errno and "mkdtemp PATH" when it cannot be made.
    TempDir(const std::filesystem::path& parent, const std::string& prefix);
    /// Takes over @p other's directory; @p other then owns none.
    TempDir(TempDir&& other) noexcept;
    /// Removes the owned directory, then takes over @p other's.
    TempDir& operator=(TempDir&& other) noexcept;
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    /// Removes the directory and its contents; never throws, ignores what it cannot remove.
    ~TempDir();

    /// The directory's absolute path; empty after release() or a move.
    const std::filesystem::path& path() const noexcept { return path_; }
    /// Gives up ownership: the directory is kept. @returns its path.
    std::filesystem::path release() noexcept;

  private:
    std::filesystem::path path_;
};

/// Removes @p path and, when it is a directory, everything in it, without following
/// symbolic links and after giving the owner rwx on each directory met. What cannot be
/// removed is left in place.
/// @returns true when @p path no longer exists. Never throws.
bool remove_tree(const std::filesystem::path& path) noexcept;

}  // namespace hsys
