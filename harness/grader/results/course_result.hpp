/// @file
/// @brief A whole grading run: every lab's result, its totals, what students may see of it
/// and its points in hundredths. The reports (reports/reports.hpp) are written from it.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "results/lab_result.hpp"
#include "results/needs.hpp"
#include "results/text_safety.hpp"

namespace grader {

/// Everything one grading run produced.
struct CourseResult {
    Flavor flavor = Flavor::student;
    std::vector<LabResult> labs;
    double seconds = 0;                    ///< Wall time of the whole run.
    std::vector<std::string> protections;  ///< The sandbox's active protections, in words.
    double deadline_seconds = 0;           ///< The run's deadline (--deadline; 0: none).
    double scale = 0;                      ///< The total's maximum asked for (--scale; 0: none).
    std::string submission;  ///< With --overlay: which files were taken (Markdown), else "".
    /// Every lab of the course, graded in this run or not, in order: what "every lab" means
    /// to the next step, and where "uses" finds the labs it names. Empty: the labs graded.
    std::vector<LabSpec> course;
    TodosLeft todos;  ///< The stubs' todo() calls still in each lab's sources (student code).

    double score() const;      ///< Sum over labs.
    int not_run() const;       ///< Tests the deadline kept from running, over labs.
    double max_score() const;  ///< Sum over labs.
};

/// What students may see of @p result (harness/README.md, "Hidden tests"): the same run
/// with every hidden test left out, so that no total, count or next step shown to a
/// student tells anything of their results. Instructors' outputs (report.json, the
/// scoreboard with --show-hidden, the batch gradebook) use @p result itself.
CourseResult shown_to_students(const CourseResult& result);

/// A test's message as reports show it: what it needs first (needs_sentence()), on a line
/// of its own, then its message.
std::string reported_message(const TestResult& t);

/// How many hidden tests @p lab declares (those graded in this run).
int hidden_test_count(const LabResult& lab);

/// Puts every test's points and score in hundredths, so that whatever a report adds up,
/// the parts it shows make the total it shows: with @p max > 0 (--scale), each test's
/// points are scaled by @p max / the run's maximum, and the total is @p max exactly; else
/// the total is the run's own, rounded. Each test gets its exact share rounded down, and
/// the hundredths left over go to the largest remainders (so two tests of equal weight may
/// differ by 0.01). Skipped tests count in neither total. Sets result.scale to @p max.
void scale_points(CourseResult& result, double max);

/// @p points as reports show them, in hundredths: `3`, `2.5`, `0.33`.
std::string points_text(double points);

}  // namespace grader
