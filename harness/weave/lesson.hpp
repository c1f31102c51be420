/// @file
/// @brief A lesson's Markdown: its woven code blocks and its terminal sessions.
#pragma once

#include <string>
#include <vector>

#include "diagnostics.hpp"

namespace weave {

/// A fenced block: its fence lines and indentation (0-based line indexes).
struct Fence {
    std::size_t open = 0;    ///< Index of the opening fence line.
    std::size_t close = 0;   ///< Index of the closing fence line.
    std::size_t indent = 0;  ///< Spaces before the opening fence.
    std::string info;        ///< The info string: `cpp`, `console`, ...
};

/// A `<!-- code: PATH#TAG -->` marker and the block it fills.
struct CodeBlock {
    std::size_t marker = 0;  ///< Index of the marker line.
    std::string path;        ///< Source path relative to the course root.
    std::string tag;         ///< Region tag; empty for the whole file.
    Fence fence;             ///< The block below the marker.
};

/// One `$ ` command of a session and the output the lesson expects from it.
struct Command {
    std::size_t line = 0;               ///< Index of the `$ ` line.
    std::string text;                   ///< The command, without `$ `.
    std::vector<std::string> expected;  ///< The lines after it, up to the next command.
};

/// A `<!-- session -->` marker (`<!-- session: pty -->` for one on a pseudo-terminal) and
/// its console block.
struct Session {
    std::size_t marker = 0;         ///< Index of the marker line.
    Fence fence;                    ///< The console block.
    std::vector<Command> commands;  ///< In order.
    bool terminal = false;          ///< `session: pty`: run on a pseudo-terminal.
};

/// A parsed lesson. Line indexes are 0-based; messages add 1.
struct Lesson {
    std::string path;                  ///< Relative to the course root.
    std::vector<std::string> lines;    ///< The whole file.
    std::vector<CodeBlock> code;       ///< Every code marker, in order.
    std::vector<Session> sessions;     ///< Every session, in order.
    std::vector<Diagnostic> problems;  ///< Malformed markers and blocks.

    /// The lines inside @p fence, without the fence's indentation.
    std::vector<std::string> content(const Fence& fence) const;
    /// Replaces the lines inside @p fence by @p lines (indented like the fence); returns
    /// by how many lines the file grew (negative when it shrank).
    long replace(const Fence& fence, const std::vector<std::string>& lines);
};

/// Parses the lesson at @p path (relative to the course root) whose text is @p text.
/// Markers inside other fenced blocks are ignored; a marker must be directly followed
/// by a fenced block, and a session's commands start with `$ `.
Lesson parse_lesson(std::string path, const std::string& text);

/// Re-parses @p lesson from its current lines (after a replace).
void reparse(Lesson& lesson);

}  // namespace weave
