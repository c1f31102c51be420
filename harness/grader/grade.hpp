/// @file
/// @brief Grading one lab: build its tests, run each test alone, judge each.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "lab_spec.hpp"
#include "sandbox.hpp"
#include "source_review.hpp"
#include "verdict.hpp"

namespace grader {

/// Whose code is graded: the student's labs/ or the reference solutions/.
enum class Flavor { student, reference };

/// "student" or "reference".
std::string to_string(Flavor flavor);

/// How to grade.
struct GradeOptions {
    Flavor flavor = Flavor::student;
    bool build = true;       ///< Build each lab's test target first (else use what exists).
    std::string build_dir;   ///< The CMake build directory.
    std::string source_dir;  ///< The course's root (to shorten paths in messages).
    Limits limits;           ///< Per-test limits; wall_seconds comes from each lab.
};

/// One lab's grade.
struct LabResult {
    LabSpec lab;
    bool built = false;              ///< Its test executable exists and is up to date.
    std::string build_error;         ///< The compiler's first error, when !built.
    std::string build_log;           ///< Where the full build output was saved.
    std::vector<TestResult> tests;   ///< In declared order.
    std::vector<ReviewNote> review;  ///< The student's sources' lines worth a look.

    /// True when an instructor should look: a test's result could not be trusted
    /// (verdict `integrity`) or the sources hold something a lab never needs.
    bool flagged() const;
    /// Why, in one line per reason ("" when not flagged).
    std::string flag_reason() const;

    double score() const;      ///< Points earned.
    double max_score() const;  ///< Points available (skipped tests excluded).
    /// Points earned and available in task @p task (skipped tests excluded).
    std::pair<double, double> task_score(int task) const;
};

/// The first compiler error in @p log, with up to two lines of context, paths made
/// relative to @p source_dir. Empty when the log holds no "error:" line.
std::string first_compiler_error(const std::string& log, const std::string& source_dir);

/// Builds and runs every test of @p lab. Never throws for what the lab's code does.
LabResult grade_lab(const LabSpec& lab, const GradeOptions& options);

/// The test names @p executable reports (`--gtest_list_tests` or Catch2's
/// `--list-test-names-only`), run in the sandbox.
std::vector<std::string> list_tests(const LabSpec& lab, const std::string& executable);

}  // namespace grader
