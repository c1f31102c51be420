/// @file
/// @brief Hidden tests' files kept from student code by their permissions, where no view
/// hides them.
///
/// Without namespaces, root's grader runs each test and each compile of student code as
/// nobody, who reads whatever others may read. So, for each lab with hidden tests, the
/// grader takes every right of the group and of others from what would tell a hidden test:
/// the lab.json files that name them, their sources, the folders of their objects, and
/// the programs that run them. It does so before the lab is built and again after (a new
/// link is readable by all), and gives others back only the right to run (not read) a
/// hidden program when its hidden tests run, after every visible test of the run.
/// An ordinary user's grader cannot do this: its tests run as that very user.
#pragma once

#include <string>
#include <vector>

#include "sandbox/view.hpp"
#include "spec/lab_spec.hpp"

namespace grader {

/// The folder CMake compiles @p object's target into (".../CMakeFiles/<target>.dir"), or
/// the object's own folder when no folder above it is one.
std::string object_folder(const std::string& object);

/// What close_hidden_files() closes for @p lab, whether or not it exists: its lab.json,
/// its hidden sources (in the built labs and in the course's), the object folders of its
/// hidden tests, and its hidden programs. None for a lab without hidden tests.
std::vector<std::string> hidden_files(const LabSpec& lab, const CourseLayout& layout);

/// Takes the group's and others' rights from each of hidden_files(@p lab) that exists
/// (the owner keeps theirs).
/// @throws std::system_error naming `stat` or `chmod` and the path when one cannot be
///         changed.
void close_hidden_files(const LabSpec& lab, const CourseLayout& layout);

/// Takes the group's and others' rights from @p path (a build log, a report naming hidden
/// tests); nothing when it does not exist.
/// @throws std::system_error naming `stat` or `chmod` and the path when it cannot be changed.
void close_to_others(const std::string& path);

/// Lets others run @p program without reading it (mode 0711): the hidden tests run as
/// nobody, after every visible test. Nothing when it does not exist.
/// @throws std::system_error naming `chmod` and the path when it cannot be changed.
void open_hidden_program(const std::string& program);

}  // namespace grader
