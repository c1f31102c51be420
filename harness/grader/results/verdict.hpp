/// @file
/// @brief A test's verdict, and how one is reached from a sandboxed run.
#pragma once

#include <string>
#include <vector>

#include "sandbox/sandbox.hpp"
#include "spec/lab_spec.hpp"

namespace grader {

/// Every verdict a test can get. Only `pass` earns points; `skipped` counts neither for
/// nor against (the test could not run here, and says why); `not_run` counts against (the
/// run's deadline came before the test could run, or finish).
enum class Verdict {
    pass,
    fail,
    skipped,
    timeout,
    crash,
    out_of_memory,
    too_many_processes,
    premature_exit,
    output_truncated,
    compile_error,
    integrity,
    not_run,
};

/// The report's spelling: "pass", "fail", "timeout", "out-of-memory", ...
std::string to_string(Verdict verdict);

/// A task of another lab that a failed test needs first (lab.json "uses"; needs.hpp).
struct NeededTask {
    std::string lab;     ///< Its lab's id ("03").
    int task = 0;        ///< Its number there.
    std::string what;    ///< What of it is used ("spawn").
    std::string lesson;  ///< "lessons/FILE#ANCHOR" that teaches it.
};

/// One graded test.
struct TestResult {
    TestSpec spec;    ///< What was declared.
    std::string lab;  ///< Its lab's id.
    Verdict verdict = Verdict::fail;
    double score = 0;     ///< spec.points for a pass, else 0.
    std::string message;  ///< Plain words: what went wrong (empty for a pass).
    std::string lesson;   ///< "lessons/FILE#ANCHOR" to re-read, for a failure.
    /// For a failure: what the test's processes did (its main's timeline), or, for a
    /// timeout, where the test was when the grader stopped it. Lines; "" when none.
    std::string timeline;
    std::string output;  ///< What the test printed (capped), for instructors.
    double seconds = 0;  ///< Wall time of the test's process.
    /// The test's scratch folder, when the grader could not remove all of it after the test
    /// (more than hsys::remove_tree()'s budget of entries, or an error): "" when it could.
    /// The lab is then flagged; the grader tries again after the lab's tests.
    std::string leftover;
    /// Unfinished tasks of other labs this test's task uses, the first to do first
    /// (note_needs(), after every lab is graded): a note, never a verdict.
    std::vector<NeededTask> needs;
};

/// What the test framework reported for one test: from the sealed records of the result
/// channel (GoogleTest and Catch2 alike).
struct FrameworkResult {
    bool found = false;     ///< A result for the test arrived.
    bool passed = false;    ///< Ran, and no assertion failed.
    bool skipped = false;   ///< The test skipped itself.
    std::string message;    ///< Failure or skip messages, joined.
    std::string timeline;   ///< A failed test's processes, as its main told them ("" if none).
    bool sealed = false;    ///< It came over the authenticated result channel.
    bool began = false;     ///< Sealed: the test's begin record arrived.
    bool ended = false;     ///< Sealed: the run's end record arrived.
    int end_code = -1;      ///< Sealed: the exit code the end record announced.
    std::string integrity;  ///< Sealed: why the records cannot be trusted ("" when they can).
};

/// Decides the verdict of a test from how its process ended and what its framework
/// reported. The process's end wins over its report: a test that printed "passed" and
/// then crashed is a crash.
TestResult judge(const TestSpec& spec, const LabSpec& lab, const Outcome& run,
                 const FrameworkResult& reported);

}  // namespace grader
