/// @file
/// @brief Tagged regions of a source file: `//> tag` ... `//< tag` (or `#> tag` ... `#< tag`).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diagnostics.hpp"

namespace weave {

/// A marker line: opens or closes a region.
struct Marker {
    bool opens = false;  ///< `//>` / `#>` opens, `//<` / `#<` closes.
    std::string tag;     ///< The region's name.
};

/// Recognises a marker line: optional indentation, `//>`, `//<`, `#>` or `#<`, one or
/// more spaces, a tag of letters, digits and `_.:/+-`, nothing after it but spaces.
std::optional<Marker> parse_marker(std::string_view line);

/// Where one region of a source starts and ends (1-based lines of its markers).
struct TagSpan {
    int open_line = 0;   ///< Line of the opening marker.
    int close_line = 0;  ///< Line of the closing marker (0 while unclosed).
};

/// A source file with its regions found.
struct SourceFile {
    std::string path;                     ///< Relative to the course root.
    std::vector<std::string> lines;       ///< Every line, markers included.
    std::vector<bool> is_marker;          ///< One per line: is it a marker line?
    std::map<std::string, TagSpan> tags;  ///< Every region, by tag.
    std::vector<Diagnostic> problems;     ///< Unclosed, unopened or duplicated tags.
};

/// Finds the regions of @p text, the content of the file at @p path. Regions may nest
/// and overlap; a tag may be defined only once per file.
SourceFile scan_source(std::string path, const std::string& text);

/// The lines a lesson shows for @p tag (the whole file when @p tag is empty): every
/// marker line dropped, de-indented by the common leading whitespace of non-blank
/// lines, blank lines emptied. Nothing when the tag does not exist.
std::optional<std::vector<std::string>> region_lines(const SourceFile& source,
                                                     const std::string& tag);

/// Removes the common leading whitespace of the non-blank lines of @p lines.
std::vector<std::string> dedent(std::vector<std::string> lines);

}  // namespace weave
