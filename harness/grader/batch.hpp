/// @file
/// @brief Grading a folder of submissions (`grader batch`) and dropping one submission into
/// a course's labs (Gradescope, batch).
///
/// A submission is a folder holding a student's copy of `labs/` (`01-process/process.cpp`,
/// ...) or of the whole course (`labs/01-process/process.cpp`, ...), or, as Gradescope
/// uploads it, the files themselves (`process.cpp`). Only each lab's `sources` are taken
/// from it: the tests, lab.json and the harness always come from the course, so a
/// submission cannot change how it is graded.
#pragma once

#include <string>
#include <vector>

#include "lab_spec.hpp"

namespace grader {

/// The labs of a course's `labs/` folder (each `NN-*/lab.json`), in order, with `slug` set.
/// @throws std::runtime_error when a lab.json is malformed.
std::vector<LabSpec> load_labs_dir(const std::string& labs_dir);

/// What overlay_submission() did.
struct Overlay {
    std::vector<std::string> notes;  ///< One line per source file: what was taken, from where.
    std::string refused;             ///< Why nothing was taken (empty: the submission was used).
};

/// Copies each lab's `sources` found in @p submission into `labs_dir/<slug>/`, looking at
/// `labs/<slug>/<file>`, then `<slug>/<file>`, then `<file>` (only regular files of at most
/// 1 MiB). A symbolic link anywhere on those paths (the submission folder itself, `labs`,
/// a lab folder or the file; every component is opened with O_NOFOLLOW) refuses the whole
/// submission: nothing is copied, and `refused` says which path is a link. A link could
/// point at another student's work or at the reference solutions.
/// @throws std::system_error when a file cannot be written into @p labs_dir.
Overlay overlay_submission(const std::vector<LabSpec>& labs, const std::string& submission,
                           const std::string& labs_dir);

/// What `grader batch` does.
struct BatchOptions {
    std::string course_dir;         ///< The course's root (its labs/ and CMakeLists.txt).
    std::string submissions;        ///< One subfolder per student.
    std::string gradebook;          ///< The CSV to write.
    std::string work_dir;           ///< Per-student labs/, build/, reports/ and logs.
    std::string grader;             ///< This grader's executable, run once per student.
    std::vector<std::string> labs;  ///< Only these lab ids (all when empty).
    /// Only these students (subfolder names; all when empty). The gradebook then keeps
    /// every other student's row as it was.
    std::vector<std::string> students;
    std::vector<std::string> cmake_args;  ///< Extra arguments for each student's configure.
    int jobs = 1;                         ///< Students graded at once.
    int timeout_seconds = 1800;           ///< Per step (configure, grade) of one student.
    /// Compile the course's own code (harness, tests) once for the class, through ccache;
    /// false: in every student's build (--no-compile-cache).
    bool compile_cache = true;
    /// The grader's --deadline for each student (0: timeout_seconds - 60, at least half of
    /// it): below the kill timeout, so that the reports are written with what passed.
    double deadline_seconds = 0;
};

/// The compile cache a batch uses for what does not depend on the student (the harness and
/// the tests; a student's own sources are compiled in the sandbox, never through it).
struct CompileCache {
    std::string ccache;            ///< The ccache program; "" when there is no cache.
    std::string dir;               ///< Its folder: `<work>/.compile-cache`, mode 0700.
    std::vector<std::string> env;  ///< What each student's configure and build get.
    std::string why_not;           ///< Why there is none.
};

/// The cache for @p options: none when asked so, when ccache is not installed, or when
/// student code could write the cache (the grader is not root and user namespaces do not
/// work, so tests run as the grader's own user, with the work folder in view). Otherwise
/// tests run as nobody or in a view that hides the work folder, cache included.
CompileCache compile_cache_for(const BatchOptions& options);

/// Grades every submission, each in its own build directory and its own grader process
/// (so that one broken or hostile submission never stops the batch), @p options.jobs at a
/// time, and writes the gradebook: student, each lab's score and maximum (`labNN`,
/// `labNN_max`), total, max, counts of verdicts, status, and `flagged`: why an instructor
/// should look (a lab that does not compile, tests that timed out, results that could not
/// be trusted, source lines to review). Each student's build and tests run in a sandbox view that
/// hides the work folder (other students' copies) and the submissions folder, but for the student's
/// own labs. A submission holding a symbolic link on its paths is refused (its status
/// says which). @returns the number of students whose grading did not complete.
int run_batch(const BatchOptions& options);

/// @p field quoted for CSV (RFC 4180) when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& field);

}  // namespace grader
