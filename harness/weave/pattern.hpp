/// @file
/// @brief Expected output with placeholders: `{{pid}}`, `{{n}}`, `{{time}}`, `{{date}}`,
/// `{{path}}`, `{{*}}` within a line, and `{{...}}` for any number of whole lines.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace weave {

/// One piece of a line pattern.
struct Piece {
    /// What the piece matches.
    enum class Kind {
        literal,  ///< exactly `text`
        pid,      ///< 1 to 7 digits
        number,   ///< an optional '-' and 1 or more digits
        time,     ///< HH:MM:SS
        date,     ///< YYYY-MM-DD
        path,     ///< 1 or more characters other than spaces
        any       ///< any text, possibly empty
    };
    Kind kind = Kind::literal;  ///< What the piece matches.
    std::string text;           ///< The literal text (for literal pieces).
};

/// One expected line, compiled.
struct LinePattern {
    std::string source;         ///< The line as written in the lesson.
    bool many_lines = false;    ///< The line is `{{...}}`: zero or more whole lines.
    std::vector<Piece> pieces;  ///< Otherwise, what the line is made of.
};

/// Compiles @p line (trailing spaces ignored). Returns nothing and sets @p error for an
/// unknown placeholder or a `{{...}}` that is not alone on its line.
std::optional<LinePattern> compile_line(const std::string& line, std::string& error);

/// True when @p actual (trailing spaces ignored) matches @p pattern.
bool line_matches(const LinePattern& pattern, std::string_view actual);

/// True when the lines @p actual match the patterns @p expected, `{{...}}` included.
bool lines_match(const std::vector<LinePattern>& expected, const std::vector<std::string>& actual);

/// The expected lines updated to @p actual: every pattern line that still matches a line
/// (in order) is kept with its placeholders, `{{...}}` lines are kept, the rest of the
/// actual output is written literally, and patterns matching nothing are dropped.
std::vector<std::string> realign(const std::vector<LinePattern>& expected,
                                 const std::vector<std::string>& actual);

}  // namespace weave
