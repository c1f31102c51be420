/// @file
/// @brief What a failed test needs first: the unfinished tasks of other labs that its task
/// builds on (lab.json "uses"), so that a failure caused by Lab 03's unwritten `spawn` says
/// "needs Lab 03 Task 1 (spawn) first" rather than send the student into Lab 04's code.
///
/// A note, never a verdict: nothing here changes a test's verdict or score.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "results/verdict.hpp"
#include "spec/lab_spec.hpp"

namespace grader {

struct CourseResult;

/// Where the sources of each lab still call a stub's `todo("Task N")`: lab id -> task
/// number -> "labs/SLUG/FILE:LINE" (its first call).
using TodosLeft = std::map<std::string, std::map<int, std::string>>;

/// The stub's todo() calls still in the `sources` of each of @p labs (each in its `dir`),
/// for each lab's own tasks. Never throws for what a file holds; a file that cannot be
/// read counts as holding none.
TodosLeft todos_left(const std::vector<LabSpec>& labs);

/// Whether task @p task of lab @p lab is unfinished: from this run's verdicts of its visible
/// tests when @p result graded them (a failure; pass and skip are done), else from a
/// stub's todo() still in its sources (result.todos).
bool unfinished(const CourseResult& result, const std::string& lab, int task);

/// Notes, on every test of @p result that did not pass (a failure, a crash, a timeout,
/// ...) what it needs first: the unfinished tasks its task uses (lab.json "uses", with
/// result.course), and the task of another lab whose stub's todo() its message says it
/// reached. Compile errors, integrity and tests not run are left alone.
void note_needs(CourseResult& result);

/// "needs Lab 03 Task 1 (spawn) first: read lessons/03-spawn.md#posix_spawn-in-c", and the
/// others after it: " (and Lab 03 Task 2: spawn's pipes)" for one, " (and Lab 03 Tasks 2, 3;
/// Lab 04 Task 2)" for more; "" for none.
std::string needs_sentence(const std::vector<NeededTask>& needs);

}  // namespace grader
