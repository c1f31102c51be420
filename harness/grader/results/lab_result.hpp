/// @file
/// @brief What grading a lab gives: whose code it was (Flavor), and each lab's result with
/// its tests' verdicts and its score (LabResult). Written by the grade part, read by every
/// report.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "compile/source_review.hpp"
#include "results/verdict.hpp"
#include "spec/lab_spec.hpp"

namespace grader {

/// Whose code is graded: the student's labs/ or the reference solutions/.
enum class Flavor { student, reference };

/// "student" or "reference".
std::string to_string(Flavor flavor);

/// @p points rounded to hundredths: every total and every report holds points so, and a
/// run's tests carry points that are hundredths already (scale_points), so that the parts
/// a report shows add up to the total it shows (harness/README.md, "Reports").
double hundredths(double points);

/// One lab's grade.
struct LabResult {
    LabSpec lab;
    bool built = false;                 ///< Its test programs exist and are up to date.
    bool build_stopped = false;         ///< The run's deadline stopped (or preceded) its build.
    std::string build_error;            ///< The compiler's first error, when !built.
    std::string build_log;              ///< Where the full build output was saved.
    std::vector<std::string> warnings;  ///< The compiler's warnings in the lab's own files
                                        ///< (from this run's compiles only).
    std::vector<TestResult> tests;      ///< In declared order.
    std::vector<ReviewNote> review;     ///< The student's sources' lines worth a look.
    /// Why the lab's compiled code cannot be trusted (lab_inspection.hpp): every test then
    /// gets `integrity` with this message, unrun. Empty when it can.
    std::string distrusted;
    std::string ungraded;  ///< Why the lab was not graded at all ("" when it was): a refused
                           ///< submission, a grader that failed (ungraded_lab()).

    /// True when an instructor should look: a test's result could not be trusted
    /// (verdict `integrity`) or the sources hold something a lab never needs.
    bool flagged() const;
    /// Why, in one line per reason ("" when not flagged).
    std::string flag_reason() const;

    /// Tests the run's deadline kept from running or finishing (verdict `not-run`).
    int not_run() const;
    /// True when the lab's code did not compile (false when the deadline stopped its build).
    bool compile_failed() const;

    double score() const;      ///< Points earned, in hundredths.
    double max_score() const;  ///< Points available (skipped tests excluded), in hundredths.
    /// Points earned and available in task @p task (skipped tests excluded), in hundredths.
    std::pair<double, double> task_score(int task) const;
};

}  // namespace grader
