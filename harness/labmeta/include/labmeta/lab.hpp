/// @file
/// @brief A lab's metadata, read from its `lab.json`: the one reader the grader and the
/// weaver share. The format is `harness/labmeta/lab.schema.json`; CONTRIBUTING.md
/// explains each field.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace labmeta {

/// One task of a lab, as its lab.json declares it.
struct TaskSpec {
    int number = 0;       ///< 1, 2, ...
    std::string title;    ///< What the task builds.
    std::string section;  ///< The lesson section (Markdown anchor) that teaches it.
};

/// One test, in its declared order.
struct TestSpec {
    std::string name;     ///< "Suite.Test", as the framework names it.
    int task = 0;         ///< The task it checks.
    double points = 1;    ///< What it is worth.
    bool hidden = false;  ///< Graded, but shown to instructors only.
    /// Why this test may skip itself on some machines ("psutil is not installed"); empty
    /// when it may not skip, so that a skip it did not declare can be treated as a failure.
    std::string may_skip{};
    /// When Gradescope shows students its result: "visible", "after_due_date",
    /// "after_published" or "hidden" (its own `visibility`, else its lab's, else visible).
    std::string visibility = "visible";
};

/// A task of another lab that this one builds on (lab.json "uses"): its code calls what
/// that task writes, so its tests cannot pass until that task does.
struct UsedTask {
    std::string lab;             ///< The other lab's id ("03"), one of the lab's `depends`.
    int task = 0;                ///< The task's number in that lab.
    std::string what;            ///< What of it is used, in a few words ("spawn").
    std::vector<int> needed_by;  ///< This lab's tasks that use it; empty: every task.

    /// True when this lab's task @p task uses it.
    bool used_by(int task) const;
};

/// A program a lab ships besides its library (Lab 06's `progress`).
struct ProgramSpec {
    std::string source;  ///< Its one source file, in the lab's folder ("progress.cpp").
    std::string
        name;  ///< The executable: NAME from the student's lab, NAME_ref from the reference.
    /// Names under which the lessons' terminal sessions run the reference build.
    std::vector<std::string> aliases;
};

/// One flavour's test executable: the student's (labs/) or the reference (solutions/),
/// of the visible tests or of the hidden ones.
/// Known from the build's manifest only; empty in a LabSpec read from lab.json alone.
struct BuildTarget {
    std::string target;      ///< The CMake target that builds it ("lab01_tests").
    std::string executable;  ///< Where the build writes it.
    std::string library;     ///< The lab's own static library linked into it ("liblab01.a"),
                             ///< whose objects the grader inspects before the tests run.
};

/// A lab: its lab.json, plus where the build put its tests when read through a manifest.
struct LabSpec {
    std::string id;          ///< "01".
    std::string slug;        ///< "01-process": the folder's name.
    std::string title;       ///< "Process identity".
    std::string lesson;      ///< The lesson's file under lessons/ ("01-process-identity.md").
    std::string framework;   ///< "gtest" or "catch2".
    std::string dir;         ///< The lab's folder.
    double time_limit = 10;  ///< Seconds each test may run.
    double baseline = 0;     ///< What the untouched stub scores (checked by `make test`).
    /// Gradescope's visibility of the lab's tests that do not set their own ("visible").
    std::string visibility = "visible";
    std::vector<std::string> depends;  ///< Labs this one builds on ("01").
    std::vector<UsedTask> uses;        ///< Which of their tasks, and what of each.
    std::vector<std::string> sources;  ///< The stub files the student completes.
    /// Code given with the lab (labs/NN-topic/ only), built into the stub and the reference.
    std::vector<std::string> given;
    std::vector<std::string> test_files;         ///< The lab's test sources, hidden ones too.
    std::vector<std::string> hidden_test_files;  ///< The test sources a release removes.
    std::vector<ProgramSpec> programs;           ///< Programs built from the lab.
    std::vector<TaskSpec> tasks;
    std::vector<TestSpec> tests;  ///< Every test of every task, in declared order.
    BuildTarget student;          ///< Always present in a manifest.
    BuildTarget reference;        ///< Empty target when the build has no solutions.
    /// The programs that run the hidden tests, apart from the visible ones (empty targets
    /// for a lab without hidden tests), and the object files they are linked from.
    BuildTarget hidden_student;
    BuildTarget hidden_reference;
    std::vector<std::string> hidden_objects;

    /// The task numbered @p number, or nullptr.
    const TaskSpec* task(int number) const;
    /// Total points of the lab.
    double max_score() const;
};

/// Parses one lab.json text and checks what the schema says, plus what a schema cannot:
/// unique task numbers and test names, hidden test files among the test files, hidden
/// tests only in a lab that has hidden test files. @p dir is the lab's folder (the slug
/// is its last component).
/// @throws std::runtime_error starting with `DIR/lab.json:` and saying what is wrong.
LabSpec parse_lab_json(const std::string& text, const std::string& dir);

/// Checks what no single lab.json can: each "uses" entry of @p labs names a lab among
/// them that has that task.
/// @throws std::runtime_error starting with `DIR/lab.json:` and saying what is wrong.
void check_uses(const std::vector<LabSpec>& labs);

/// The lab @p id and every lab of @p labs that builds on it, directly or through
/// another (`depends`), in the order of @p labs: the labs to grade again after @p id
/// changes.
std::vector<std::string> labs_built_on(const std::vector<LabSpec>& labs, const std::string& id);

/// Reads and parses `DIR/lab.json`.
/// @throws std::runtime_error when it cannot be read or is malformed.
LabSpec load_lab(const std::filesystem::path& dir);

/// The folders of @p labs_dir that are labs (`NN-*` holding a lab.json), in order; none
/// when @p labs_dir does not exist.
std::vector<std::filesystem::path> lab_dirs(const std::filesystem::path& labs_dir);

/// load_lab() of each of lab_dirs(@p labs_dir), then check_uses().
/// @throws std::runtime_error when a lab.json is malformed.
std::vector<LabSpec> discover_labs(const std::filesystem::path& labs_dir);

}  // namespace labmeta
