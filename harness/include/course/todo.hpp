/// @file
/// @brief What a stub says before the student has written a task.
#pragma once

#include <source_location>
#include <stdexcept>
#include <string>

#include "course/todo_words.hpp"

namespace course {

/// Thrown by every unfinished stub. Tests that reach it fail with a message naming the
/// task and where to write it, so a student sees "Task 2 is not implemented yet: write
/// it at its TODO in labs/01-process/process.cpp:42" rather than a wrong value.
class NotImplemented : public std::logic_error {
  public:
    /// @param task the task's label, such as "Task 2".
    /// @param where the stub's line that called todo().
    NotImplemented(const std::string& task, const std::source_location& where)
        : std::logic_error(task + " " + kNotImplementedWords + ": write it at its TODO in " +
                           where.file_name() + ":" + std::to_string(where.line())) {}
};

/// Throws NotImplemented for @p task, naming the stub's file and line that called it.
/// Stubs call it in place of the code to write (never from a `noexcept` function).
[[noreturn]] inline void todo(const std::string& task,
                              std::source_location where = std::source_location::current()) {
    throw NotImplemented(task, where);
}

}  // namespace course
