/// @file
/// @brief A scan of a student's sources for what a lab never needs and a cheat would.
///
/// Defence in depth beside the sealed result channel: lines that reach into the test
/// framework or the grader's channel, code that runs before main() or after exit(),
/// includes from outside the lab, embedded files and inline assembly. A note never
/// changes a score: it flags the lab for an instructor to read ("needs review").
#pragma once

#include <string>
#include <vector>

#include "spec/lab_spec.hpp"

namespace grader {

/// One line worth an instructor's look.
struct ReviewNote {
    std::string file;  ///< The source file, as lab.json names it ("process.cpp").
    int line = 0;      ///< 1-based.
    std::string what;  ///< Why it is worth a look, in plain words.
    std::string text;  ///< The line itself, trimmed and capped.
};

/// Scans @p text (one source file's content, named @p file) and returns its notes.
std::vector<ReviewNote> review_text(const std::string& file, const std::string& text);

/// Scans each of the lab's `sources` in @p dir: regular files only (never through a
/// link), at most 1 MiB each. A file that cannot be read gets a note saying so.
std::vector<ReviewNote> review_sources(const LabSpec& lab, const std::string& dir);

/// A stub's `todo("Task N")` call in a lab's sources.
struct TodoCall {
    std::string file;  ///< As lab.json names it ("spawn.cpp").
    int line = 0;      ///< 1-based.
    int task = 0;      ///< N, one of the lab's tasks.
    std::string text;  ///< The call, white space removed.
};

/// Every `todo("Task N")` call, for N a task of @p lab, in the lab's `sources` in @p dir
/// (regular files, their first MiB), read past spacing and line splices; a file that cannot
/// be read has none.
std::vector<TodoCall> todo_calls(const LabSpec& lab, const std::string& dir);

/// The lines of the lab's `sources` in @p dir that still call a stub's `todo("Task N")` for
/// a task N of @p passing_tasks (every test of it passed): code that passes without being
/// written is worth a look, however it did.
std::vector<ReviewNote> todos_of_passing_tasks(const LabSpec& lab, const std::string& dir,
                                               const std::vector<int>& passing_tasks);

}  // namespace grader
