/// @file
/// @brief What a stub says before the student has written a task.
#pragma once

#include <stdexcept>
#include <string>

namespace course {

/// Thrown by every unfinished stub. Tests that reach it fail with a message naming the
/// task, so a student sees "Task 2 is not implemented yet" rather than a wrong value.
class NotImplemented : public std::logic_error {
  public:
    /// @param task the task's label, such as "Task 2".
    explicit NotImplemented(const std::string& task)
        : std::logic_error(task + " is not implemented yet (see its TODO in the lab's stub)") {}
};

/// Throws NotImplemented for @p task. Stubs call it in place of the code to write.
[[noreturn]] inline void todo(const std::string& task) {
    throw NotImplemented(task);
}

}  // namespace course
