/// @file
/// @brief Every report of a grading run: the console scoreboard and next step, report.json,
/// Gradescope's results.json, GitHub Classroom's, PrairieLearn's and Autolab's results,
/// JUnit XML and the Markdown summary; each written from a CourseResult, never from a
/// test's own output.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>

#include "results/course_result.hpp"

namespace grader {

/// Writes every report of @p result into @p dir (made if missing): report.json,
/// results.json, junit.xml, classroom.json and one classroom-NN.json per lab (removing
/// those of labs not in @p result), prairielearn.json, autolab.json, summary.md; with @p
/// step_summary, the summary is also appended to the file $GITHUB_STEP_SUMMARY names, when set.
/// @throws std::exception when a report cannot be written.
void write_reports(const CourseResult& result, const std::string& dir, bool step_summary = true);

/// `report.json`, the course's own schema (documented in harness/README.md).
void write_report_json(const CourseResult& result, const std::string& path);

/// Gradescope's `results.json` (per-test score, max_score, output, visibility).
void write_gradescope_results(const CourseResult& result, const std::string& path);

/// The most bytes a Classroom runner's result may have: base64 makes it 4/3 larger, and
/// the workflow hands it to the reporter in one environment variable, which Linux caps at
/// 128 KiB (MAX_ARG_STRLEN); the variables of every lab together stay well under ARG_MAX.
constexpr std::size_t kClassroomMaxBytes = 64 * 1024;
/// A test's message in a Classroom result is cut at this many bytes (fewer if the lab's
/// result would pass kClassroomMaxBytes).
constexpr std::size_t kClassroomMessageCap = 2000;

/// GitHub Classroom's autograding result (what `classroom-resources/autograding-grading-
/// reporter` reads, base64-encoded, from `<RUNNER>_RESULTS`): {version: 1, status:
/// pass|fail|error, max_score, tests: [{name, status, score, message, test_code,
/// filename, line_no, duration}]}, for the lab @p lab_id (every lab when empty). Hidden
/// tests count, without their names or messages. Messages are cut so that the file has at
/// most kClassroomMaxBytes bytes, whatever the tests printed.
void write_classroom_json(const CourseResult& result, const std::string& path,
                          const std::string& lab_id = "");

/// The most bytes of PrairieLearn's results.json: its specification limits the file to 1 MB.
constexpr std::size_t kPrairieLearnMaxBytes = 1000 * 1000;

/// PrairieLearn's external grading result (what its grading job leaves in
/// /grade/results/results.json): `gradable`, `score` from 0 to 1 (the run's score over its
/// maximum), `message` (the total), `output` (each lab's total, compile errors, tests not
/// run), `tests[]` with `name`, `description` (the task), `points`, `max_points` and
/// `message`. When no lab compiles, `gradable` is false (the student spends no attempt) and
/// `format_errors` holds the compile errors, with no score. Hidden tests count as one entry
/// per lab, their points together. Messages are cut so that the file has at most
/// kPrairieLearnMaxBytes bytes.
void write_prairielearn_results(const CourseResult& result, const std::string& path);

/// The problem of Autolab's assessment that holds @p lab's points: "Lab 01".
std::string autolab_problem(const LabResult& lab);

/// Autolab's autoresult, one line of JSON: {"scores": {"Lab 01": points, ...},
/// "scoreboard": [total, Lab 01's points, ...]} (hidden tests counted).
std::string autolab_autoresult(const CourseResult& result);

/// Autolab's formatted feedback, one line of JSON that goes just before the autoresult:
/// {"_presentation": "semantic", "stages": ["Lab 01: <title>", ...], "Lab 01: <title>":
/// {"Suite.Test": {"passed": bool, "hint": first line of what went wrong}, "N hidden
/// test(s)": {"passed": bool}}}.
std::string autolab_feedback(const CourseResult& result);

/// Writes autolab_autoresult(@p result) and a newline to @p path.
void write_autolab_autoresult(const CourseResult& result, const std::string& path);

/// JUnit XML, one <testsuite> per lab, for CI dashboards: text made valid XML 1.0 (see
/// xml_safe).
void write_junit_xml(const CourseResult& result, const std::string& path);

/// A Markdown summary (a table per lab), as GitHub's step summary shows it.
std::string markdown_summary(const CourseResult& result);

/// How the console scoreboard shows a run.
struct ScoreboardStyle {
    bool show_hidden = false;  ///< Hidden tests' names and messages (instructors).
    int failure_lines = 12;    ///< Lines of each failure shown (0: all of them, and nothing
                               ///< folded into "not started").
};

/// The console scoreboard: per lab and per task, each failed test with its message (cut
/// at style.failure_lines, saying how to see the rest) and the lesson section to re-read.
/// A task not started (nothing passes; most failures reached a stub's todo()) is one line
/// saying where its TODO is; a lab at its baseline whose failing tasks are all not started
/// is one line. A task whose failures need another lab's unfinished task first (note_needs())
/// says so once, under it (under a lab not started: one line for its tasks that do).
void print_scoreboard(const CourseResult& result, std::ostream& out,
                      const ScoreboardStyle& style = {});

/// The scoreboard in three parts, for a run that shows each lab as soon as it is graded
/// (print_scoreboard() is the three in a row): its title, one lab (as graded, with its
/// needs noted: note_needs()), and the total.
void print_scoreboard_head(Flavor flavor, std::ostream& out);
void print_scoreboard_lab(const LabResult& lab, std::ostream& out,
                          const ScoreboardStyle& style = {});
void print_scoreboard_total(const CourseResult& result, std::ostream& out,
                            const ScoreboardStyle& style = {});

/// What to do next, for a student's own run: a lab that does not compile comes first (or
/// the lab its error is in); then the first task, in lab order, that does not pass, or
/// the unfinished task of another lab it needs first (TestResult::needs); with its TODO
/// (or which test to make pass), its lesson, and the command to check it. When every lab
/// graded passes, the first task still a stub's todo() in a lab not graded in this run
/// (result.todos); "well done" only when every lab of the course was graded and passes.
void print_next_step(const CourseResult& result, std::ostream& out);

/// The first @p max_lines lines of @p text (with "…" when cut).
std::string first_lines(const std::string& text, int max_lines);

/// How many lines of a failed test's timeline (TestResult::timeline) the scoreboard and the
/// platform reports show; `make grade TEST=...` and report.json show all of it.
inline constexpr int kTimelineLines = 8;

}  // namespace grader
