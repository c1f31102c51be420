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

#include "batch/shards.hpp"
#include "reports/gradebook.hpp"
#include "spec/lab_spec.hpp"

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
    std::string course_dir;   ///< The course's root (its labs/ and CMakeLists.txt).
    std::string submissions;  ///< One subfolder per student.
    std::string gradebook;    ///< The CSV to write.
    std::string work_dir;     ///< Per-student reports/ and logs/; the slots' builds.
    std::string grader;       ///< This grader's executable, run once per student.
    /// A program each student's grader runs under (`PROGRAM GRADER ARGS...`; empty: none):
    /// a container runner, or a test's stand-in for a grader that fails (--wrap).
    std::string wrapper;
    std::vector<std::string> labs;  ///< Only these lab ids (all when empty).
    /// Only these students (subfolder names; all when empty). The gradebook then keeps
    /// every other student's row as it was.
    std::vector<std::string> students;
    std::vector<std::string> cmake_args;  ///< Extra arguments for each student's configure.
    int jobs = 1;                         ///< Students graded at once.
    int timeout_seconds = 360;            ///< Per step (configure, grade) of one student.
    /// Share across students what does not depend on them (SharedBuilds); false: every
    /// student's build compiles everything (--no-compile-cache, the old way).
    bool share_builds = true;
    /// The grader's --deadline for each student (0: timeout_seconds - 60, at least half of
    /// it): below the kill timeout, so that the reports are written with what passed.
    double deadline_seconds = 0;
    /// Grade only this shard of the class (shards.hpp) and write `<work>/shard.json`, for
    /// `grader merge`; none: the whole class.
    std::optional<Shard> shard;
};

/// What a batch shares across students: what does not depend on them is compiled once.
///
/// - One build per job slot, configured once; for each student the slot's labs get the
///   stubs, then the student's sources, and the build compiles those and links.
/// - The labs' test objects and given code come from the build that compiled this grader
///   (its `course_prebuilt`, brought up to date first), when it is a build of the same
///   course compiled the same way (cmake/Prebuilt.cmake).
/// - The harness goes through ccache, its cache in `<work>/.compile-cache` (mode 0700).
///
/// A student's own sources are always compiled in the sandbox, never taken from a cache.
/// Nothing is shared (each student gets a fresh build) when asked so, or when student code
/// could write what is shared: the grader is not root and user namespaces do not work, so
/// student code would run as the grader's own user with the work folder in view. Otherwise
/// it runs as nobody, or in a view that hides the work folder and every build.
struct SharedBuilds {
    bool share = false;            ///< Slots, the course build's objects, the cache.
    std::string why_not;           ///< Why nothing is shared.
    std::string course_build;      ///< The build whose prebuilt objects are taken ("": none).
    std::string ccache;            ///< The ccache program ("": none).
    std::string cache_dir;         ///< `<work>/.compile-cache`.
    std::vector<std::string> env;  ///< ccache's settings, for each configure and build.
};

/// What @p options lets a batch share (creating the cache folder).
SharedBuilds shared_builds_for(const BatchOptions& options);

/// One line for the batch's log: what is shared, or why nothing is.
std::string describe(const SharedBuilds& shared);

/// Grades every submission in its own grader process (so that one broken or hostile
/// submission never stops the batch), @p options.jobs at a time, and writes the gradebook
/// (gradebook.hpp). Each student's build and tests run in a sandbox view that hides the
/// work folder (other students' copies, the shared builds) and the submissions folder, but
/// for the student's own labs. Every student gets a row and reports: a submission holding a
/// symbolic link on its paths is refused (status `refused: ...`, every test `integrity`),
/// a grader that failed or timed out for one student costs only that student (status
/// `grader failed: ...`, every test `not-run`), each with 0 points, flagged with the reason.
/// With @p options.shard, only that shard's students are graded, and `shard.json` is
/// written beside the gradebook (`<work>/gradebook.csv`) once it is.
/// @returns the number of students whose reports could not even be written (0 when every
/// student got a row and reports).
/// @throws std::exception when the batch cannot work at all (an unreadable course or
/// submissions folder, a work folder it cannot make, a gradebook it cannot write).
int run_batch(const BatchOptions& options);

}  // namespace grader
