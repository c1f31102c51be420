/// @file
/// @brief Checking and rewriting the lessons' terminal sessions.
#pragma once

#include <filesystem>
#include <vector>

#include "diagnostics.hpp"
#include "lesson.hpp"
#include "session.hpp"

namespace weave {

/// Runs every session of @p lessons and compares each command's output with the lesson's
/// expected lines. With @p write, rewrites the expected lines that no longer match (keeping
/// those that do, placeholders and all) and saves the lessons under @p root.
void check_sessions(const std::filesystem::path& root, std::vector<Lesson>& lessons,
                    const SessionSetup& setup, bool write, Reporter& reporter);

}  // namespace weave
