/// @file
/// @brief The words a stub's todo() says (course/todo.hpp), for code that recognises them
/// without throwing them: the test mains' leak checks and the grader.
#pragma once

namespace course {

/// The words every NotImplemented message holds: the leak checks and the scoreboard
/// recognise a test cut short by a stub by them.
inline constexpr const char* kNotImplementedWords = "is not implemented yet";

}  // namespace course
