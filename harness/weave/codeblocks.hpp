/// @file
/// @brief The lessons as a whole: loading them, weaving their code blocks, finding tags
/// no lesson uses.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "diagnostics.hpp"
#include "lesson.hpp"

namespace weave {

/// Reads a whole file; throws `std::system_error` when it cannot.
std::string read_text(const std::filesystem::path& path);

/// The lessons of the course: `lessons/*.md` under @p root, sorted, as relative paths.
std::vector<std::string> lesson_paths(const std::filesystem::path& root);

/// Loads the lessons at @p paths (relative to @p root) and reports their malformed markers.
std::vector<Lesson> load_lessons(const std::filesystem::path& root,
                                 const std::vector<std::string>& paths, Reporter& reporter);

/// Writes @p lesson back under @p root when its text changed; returns whether it did.
bool save_lesson(const std::filesystem::path& root, const Lesson& lesson);

/// Compares every code block with its source region. With @p write, rewrites the blocks
/// that differ (and reports only missing files and tags); without, reports each
/// difference with a short diff.
void weave_code(const std::filesystem::path& root, std::vector<Lesson>& lessons, bool write,
                Reporter& reporter);

/// The folders whose tags must all be used by some lesson.
const std::vector<std::string>& tagged_folders();

/// Reports every tag defined in a source under @ref tagged_folders that no lesson names
/// (and malformed markers in those sources).
void check_unused_tags(const std::filesystem::path& root, const std::vector<Lesson>& lessons,
                       Reporter& reporter);

}  // namespace weave
