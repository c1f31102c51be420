/// @file
/// @brief Where a submission keeps the course's files, however it was zipped.
#pragma once

#include <string>
#include <vector>

#include "spec/lab_spec.hpp"

namespace grader {

/// The folder of @p submission to look for @p labs' sources in (see overlay_submission):
/// @p submission itself, or, while a folder holds none of the course's files or folders
/// (`labs/`, a lab's folder, a lab's source) and exactly one folder, that folder: a zip
/// with a top-level folder, as GitHub's "Download ZIP" makes it, is found whatever its
/// name. Hidden entries and macOS's `__MACOSX` are ignored; symbolic links are never
/// followed. @returns a path under @p submission (or @p submission).
std::string submission_root(const std::string& submission, const std::vector<LabSpec>& labs);

/// What the student should read about their submission, in Markdown: which files were
/// taken (and from where under @p submission), which were missing (graded as the stub),
/// from the lines overlay_submission() wrote (@p notes) and the folder used (@p root,
/// relative to the submission, "" for its top).
std::string describe_submission(const std::vector<std::string>& notes, const std::string& root);

}  // namespace grader
