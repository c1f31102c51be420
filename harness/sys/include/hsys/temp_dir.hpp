/// @file
/// @brief A temporary directory that removes itself, whatever a test did to it.
#pragma once

#include <cstddef>
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
    /// Removes the directory and its contents (remove_tree()); never throws, ignores what it
    /// cannot remove.
    ~TempDir();

    /// The directory's absolute path; empty after release() or a move.
    const std::filesystem::path& path() const noexcept { return path_; }
    /// Gives up ownership: the directory is kept. @returns its path.
    std::filesystem::path release() noexcept;

  private:
    std::filesystem::path path_;
};

/// How many directory entries remove_tree() reads, by default, before it gives up: far more
/// than a test makes in its time limit on an ordinary disk, few enough to bound the time a
/// removal takes (seconds).
inline constexpr std::size_t kRemoveTreeBudget = 4'000'000;

/// Removes @p path and, when it is a directory, everything in it, without following
/// symbolic links or leaving the tree, and after giving the owner rwx on each directory met.
/// Whatever the tree's depth and width, it uses a constant amount of stack and at most 2
/// descriptors at a time (no recursion: the way down is kept on the heap, and the way up
/// goes through "..", checked against the directory it came from; sound only once no
/// process writes in the tree any more, as after a test). It stops after reading @p budget
/// entries. What cannot be removed, or is left when the budget runs out, stays in place.
/// @returns true when @p path no longer exists. Never throws.
bool remove_tree(const std::filesystem::path& path,
                 std::size_t budget = kRemoveTreeBudget) noexcept;

}  // namespace hsys
