/// @file
/// @brief Grading one lab: build its tests, run each test alone, judge each.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "compile/source_review.hpp"
#include "results/lab_result.hpp"
#include "results/verdict.hpp"
#include "sandbox/sandbox.hpp"
#include "sandbox/view.hpp"
#include "spec/lab_spec.hpp"

namespace grader {

/// How to grade.
struct GradeOptions {
    Flavor flavor = Flavor::student;
    bool build = true;      ///< Build each lab's test target first (else use what exists).
    std::string build_dir;  ///< The CMake build directory.
    /// What builds a lab's test targets, run as `build_command... BUILD_DIR TARGET...` with
    /// the build's output as its own (empty: `cmake --build BUILD_DIR --target TARGET...`).
    /// `make` gives scripts/lib/await-build.sh, which waits for the build it runs meanwhile.
    std::vector<std::string> build_command;
    std::string logs_dir;    ///< Where each lab's build log goes (empty: build_dir/logs).
    std::string source_dir;  ///< The course's root (to shorten paths in messages).
    CourseLayout layout;     ///< What the build holds that students may not see (empty:
                             ///< the course's defaults, for the harness's own tests).
    Limits limits;           ///< Per-test limits; wall_seconds comes from each lab.
    /// When the whole run must end (none: no deadline). A build or test still running
    /// then is stopped, and every test not run to its end gets the verdict `not-run`.
    std::optional<std::chrono::steady_clock::time_point> deadline;
    double deadline_seconds = 0;  ///< The deadline as given (--deadline), for messages.
    /// The share of the deadline the lab being graded has (grade_course() sets it before
    /// each lab): the time left divided between the labs left, so that a hang costs only
    /// its own lab (and the labs that build on it, if they hang too), and time a lab does
    /// not use passes on to the next. None: the lab may use all that is left.
    std::optional<std::chrono::steady_clock::time_point> lab_deadline;
    double lab_share_seconds = 0;  ///< That share, in seconds, for messages.
    /// Inspect each lab's compiled code before its tests run (lab_inspection.hpp): what the
    /// grader does; off for the harness's tests of programs that are no lab's.
    bool inspect_compiled_code = false;
    std::vector<LabSpec> course;                ///< Every lab of the build (for `depends`).
    std::vector<std::string> trusted_binaries;  ///< From the manifest (object_inspection.hpp).
    /// Without namespaces, as root: keep hidden tests' files from the tests' user by their
    /// permissions (hidden_files.hpp), after each build and until the hidden tests run.
    bool guard_hidden_files = false;
    /// How many of a lab's tests may run side by side. Honoured only in namespaces
    /// (limits.isolate), where a test's processes can neither leave its PID namespace nor
    /// see another test's; without them every test runs alone, since the cleanup after a
    /// test kills every descendant of the grader. main.cpp's default: 2 on 2 cores or
    /// more, or `--test-jobs`; `grader batch` gives each student's grader its share.
    int test_jobs = 1;
};

/// The files a compile error shown to a student may quote: what the student can read
/// anyway (their labs, the course's headers, the system's headers), never a hidden
/// test, the solutions or another user's file the compiler happened to read.
struct QuotableFiles {
    std::string source_dir;            ///< The course's root: paths are shown relative to it.
    std::string build_dir;             ///< Relative paths in a build log start there.
    std::vector<std::string> folders;  ///< Files under these may be quoted...
    std::vector<std::string> except;   ///< ...but for these (hidden tests' sources).

    /// The course's labs/ and harness/include/, and the system's headers.
    static QuotableFiles of_course(const std::string& source_dir);
};

/// The first compiler error in @p log, with up to two lines of its source excerpt, paths
/// made relative to quotable.source_dir. An error located in a file that is not
/// quotable is not shown: "the build failed in a file outside your lab", with, when the
/// log has it, the line of the student's file that reached it. Empty when the log holds
/// no "error:" line. Each log line is read up to its first 4 KiB. Never throws (out of
/// memory: empty).
std::string first_compiler_error(const std::string& log, const QuotableFiles& quotable) noexcept;

/// The compiler's warnings in @p log located in the lab folder @p lab_dir (the student's own
/// code, not the course's headers), each once, as the compiler wrote its first line, with
/// paths made relative to quotable.source_dir; at most 200 of them. Never throws.
std::vector<std::string> compiler_warnings(const std::string& log, const QuotableFiles& quotable,
                                           const std::string& lab_dir) noexcept;

/// first_compiler_error() for the course at @p source_dir (QuotableFiles::of_course).
std::string first_compiler_error(const std::string& log, const std::string& source_dir);

/// The program that runs @p lab's visible tests, or its hidden ones, in @p flavor (an
/// empty target when the build has none).
const BuildTarget& test_program(const LabSpec& lab, Flavor flavor, bool hidden);

/// Builds @p lab's test programs (visible and hidden) and runs its visible tests only:
/// the result's tests are those, in declared order. Never throws for what the lab's code
/// does.
LabResult grade_visible_tests(const LabSpec& lab, const GradeOptions& options);

/// Runs the hidden tests of @p result's lab, from its hidden program, and puts every test
/// of @p result back in lab.json's order. A run grades them after every visible test of
/// every lab, so that nothing a hidden test leaves behind reaches a visible test.
void grade_hidden_tests(LabResult& result, const GradeOptions& options);

/// True when @p lab declares hidden tests (graded by grade_hidden_tests(), in a program of
/// their own).
bool has_hidden_tests(const LabSpec& lab);

/// The result of a lab that was not graded at all (a refused submission, a grader that
/// failed): every declared test gets @p verdict and @p message, 0 points; the lab is not
/// built, `ungraded` and `build_error` say @p reason.
LabResult ungraded_lab(const LabSpec& lab, Verdict verdict, const std::string& reason,
                       const std::string& message);

/// grade_visible_tests() then grade_hidden_tests(): builds and runs every test of @p lab.
/// Never throws for what the lab's code does; a test the grader itself cannot run or judge
/// (an exception) gets the verdict `integrity` with the reason, and the other tests are
/// graded.
LabResult grade_lab(const LabSpec& lab, const GradeOptions& options);

/// The longest test name a listing may hold, and the most names.
inline constexpr std::size_t kMaxTestName = 4096;
inline constexpr std::size_t kMaxListedTests = 10000;

/// A test program's list of its tests.
struct TestListing {
    std::vector<std::string> names;  ///< "Suite.Name" (GoogleTest) or the test case's name.
    const char* problem = "";        ///< Why the listing cannot be read ("" when it can);
                                     ///< names is then empty.
};

/// Reads @p output, what a test program written with @p framework ("gtest" or "catch2")
/// printed for `--gtest_list_tests` or `--list-test-names-only`. Every line is checked:
/// a name is 1 to kMaxTestName bytes without control characters; a GoogleTest test line is
/// "  Name" under a "Suite." line; at most kMaxListedTests names. Never throws.
TestListing parse_test_listing(const std::string& framework, const std::string& output) noexcept;

/// The test names @p executable reports (`--gtest_list_tests` or Catch2's
/// `--list-test-names-only`), run in the sandbox.
/// @throws std::runtime_error when its listing cannot be read (parse_test_listing).
std::vector<std::string> list_tests(const LabSpec& lab, const std::string& executable);

}  // namespace grader
