/// @file
/// @brief The course's checks of its labs that need no build of them (`grader check ...`):
/// lab.json, code given with a lab, the tests lab.json declares, the stubs' TODOs. Each
/// reads the labs through harness_labmeta, the one reader of lab.json, and C++ sources
/// through shape::lex (harness/tools/code_shape.hpp): comments and strings are never
/// taken for code.
#pragma once

#include <string>
#include <vector>

namespace labcheck {

/// The course a check looks at: the build's manifest says where (labmeta::Manifest), or
/// `--root DIR` (a fixture: DIR/labs and DIR/solutions).
struct Course {
    std::string root;                 ///< Paths inside it are shown relative to it.
    std::string labs_dir;             ///< The labs (NN-topic folders with a lab.json).
    std::string solutions_dir;        ///< Their solutions; may not exist (a release).
    std::vector<std::string> labs{};  ///< Only these lab ids ("01"); empty: every lab.
};

/// What a check found: one line per problem ("labs/01-process/process.cpp:26: ..."), and
/// what it checked, said when it found nothing.
struct Findings {
    std::vector<std::string> problems;
    std::string summary;
};

/// Every lab.json of the course's labs (and of templates/ under its root) is read by
/// harness_labmeta without a problem (what lab.schema.json says, and what a schema cannot:
/// "uses" among "depends", used tasks that exist); a lab's "id" is its folder's NN.
Findings check_lab_json(const Course& course);

/// Every one of @p files (lab.json files broken on purpose) is refused: the check can fail.
Findings check_lab_json_refused(const std::vector<std::string>& files);

/// Code given with a lab exists once: its "given" files are in the lab's folder and not
/// in its solution's; every namespace-scope definition of a stub is a task (calls
/// course::todo("Task N") or sits under a `// TODO: Task N` comment), so that a stub and
/// its solution differ only in task bodies; and each task definition of a stub has one of
/// the same name in the solution.
Findings check_given_code(const Course& course);

/// The tests each lab.json declares are the tests its test files define (TEST, TEST_F,
/// Catch2's TEST_CASE), hidden ones in its hidden test files and visible ones elsewhere.
Findings check_declared_tests(const Course& course);

/// Each stub says `TODO: Task N` for every task of its lab, and names no other task: the
/// static half of "an untouched stub scores its baseline".
Findings check_stub_todos(const Course& course);

/// `grader check WHAT... [--manifest FILE | --root DIR] [--lab NN...]`, WHAT one of
/// lab-json, given-code, tests, stubs, all; `grader check lab-json --expect-invalid FILE...`.
/// @p argv[0] is "check". Problems on stderr, what was checked on stdout.
/// @returns 0 when nothing was found, 1 when something was, 2 for bad usage or a course
///          that cannot be read.
int run_check_command(int argc, char** argv);

}  // namespace labcheck
