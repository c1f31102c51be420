/// @file
/// @brief The lessons as Doxygen pages: ids, anchors, links, captions, navigation.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "diagnostics.hpp"

namespace weave {

/// The Doxygen page id of a lesson file name: `01-process-identity.md` ->
/// `lesson_01_process_identity`.
std::string page_id(const std::string& lesson_file_name);

/// GitHub's anchor for a heading: lower case, spaces to '-', punctuation dropped.
std::string github_slug(const std::string& heading);

/// The text of the first heading of a Markdown file's @p lines, or "" when it has none.
std::string first_heading(const std::vector<std::string>& lines);

/// The GitHub anchors of the headings of a Markdown file's @p lines (fenced blocks skipped).
std::vector<std::string> heading_anchors(const std::vector<std::string>& lines);

/// Reports every `section` of a `labs/*/lab.json` task that is not a heading anchor of
/// the lab's lesson (the grader sends students there).
void check_lab_sections(const std::filesystem::path& root, Reporter& reporter);

/// @p file as Doxygen should read it. A lesson (`lessons/*.md`) gets a page id, an anchor
/// per heading, its prose made safe for Doxygen (doxygen_inline: code spans, quotes),
/// links between lessons turned into `@ref`, captions naming the source of each code
/// block, sessions as plain console text, diagrams (`<!-- diagram: NAME -->`), previous /
/// next bars and its lab's card. The main page gets its lesson and lab lists filled
/// (`<!-- lessons -->`, `<!-- labs -->`). A lab's contract header gets links to its
/// lesson (contract_header). Any other file is returned unchanged.
std::string doxygen_page(const std::filesystem::path& root, const std::filesystem::path& file);

}  // namespace weave
