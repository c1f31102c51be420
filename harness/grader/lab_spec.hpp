/// @file
/// @brief What the grader knows about a lab: its lab.json plus where the build put it.
#pragma once

#include <string>
#include <vector>

namespace grader {

/// One task of a lab, as its lab.json declares it.
struct TaskSpec {
    int number = 0;       ///< 1, 2, ...
    std::string title;    ///< What the task builds.
    std::string section;  ///< The lesson section (Markdown anchor) that teaches it.
};

/// One test, in its declared order.
struct TestSpec {
    std::string name;      ///< "Suite.Test", as the framework names it.
    int task = 0;          ///< The task it checks.
    double points = 1;     ///< What it is worth.
    bool hidden = false;   ///< Graded, but shown to instructors only.
    std::string may_skip;  ///< Why the test may skip itself here ("": it may not; a skip fails).
};

/// One flavour's test executable: the student's (labs/) or the reference (solutions/).
struct BuildTarget {
    std::string target;      ///< The CMake target that builds it ("lab01_tests").
    std::string executable;  ///< Where the build writes it.
};

/// A lab as the grader sees it.
struct LabSpec {
    std::string id;          ///< "01".
    std::string slug;        ///< "01-process": the folder's name.
    std::string title;       ///< "Process identity".
    std::string lesson;      ///< The lesson's file under lessons/ ("01-process-identity.md").
    std::string framework;   ///< "gtest" or "catch2".
    std::string dir;         ///< The lab's folder.
    double time_limit = 10;  ///< Seconds each test may run.
    double baseline = 0;     ///< What the untouched stub scores (checked by `make test`).
    std::vector<std::string> depends;  ///< Labs this one builds on ("01").
    std::vector<std::string> sources;  ///< The stub files the student completes.
    std::vector<TaskSpec> tasks;
    std::vector<TestSpec> tests;
    BuildTarget student;    ///< Always present.
    BuildTarget reference;  ///< Empty target when the build has no solutions.

    /// The task numbered @p number, or nullptr.
    const TaskSpec* task(int number) const;
    /// Total points of the lab.
    double max_score() const;
};

/// Parses one lab.json text. @p dir is the lab's folder (for messages and paths).
/// @throws std::runtime_error naming the file and what is wrong.
LabSpec parse_lab_json(const std::string& text, const std::string& dir);

/// Loads every lab listed in the build's course-manifest.json, in order.
/// @throws std::runtime_error when the manifest or a lab.json is missing or malformed.
std::vector<LabSpec> load_course(const std::string& manifest_path);

}  // namespace grader
