/// @file
/// @brief What student code may see of the machine's files, and how a sandbox shows it.
///
/// The namespace sandbox starts from the whole filesystem, read-only; a View then hides
/// folders (an empty read-only tmpfs over each) and files (/dev/null over each), and shows
/// again, read-only, what must stay reachable inside a hidden folder (the course's
/// sources under /home, a student's own copy of the labs under the batch's work folder).
/// student_view() decides what from the build's manifest and each lab's lab.json, not
/// from names written here: the solutions folder the build was configured with, each
/// lab's hidden tests (sources, programs, objects, and the lab.json that names them),
/// every CMake build tree of the course (its `*_ref` programs and
/// libraries, logs and reports), the folders a batch asks to hide, and home folders.
#pragma once

#include <string>
#include <vector>

#include "labmeta/manifest.hpp"

namespace grader {

/// The files a sandboxed program sees.
struct View {
    std::vector<std::string> hidden;  ///< Absolute paths shown empty (folders) or as
                                      ///< /dev/null (files).
    std::vector<std::string> shown;   ///< Absolute paths inside hidden folders, shown again
                                      ///< read-only.
    bool devices = true;              ///< False: /dev holds only `null` (a compiler must not
                                      ///< read /dev/zero or a terminal).
    bool proc = true;                 ///< False: /proc is empty (no /proc/self/fd to read).
};

/// One mount step of a view, as the sandbox's init applies them, in order.
struct ViewStep {
    /// folder: where the program starts, made to exist when a hidden folder covers it.
    enum Kind { hide, show, show_writable, folder };
    Kind kind = hide;
    std::string path;
    bool is_file = false;  ///< A file (bound over a file), not a folder.
};

/// Where one build of the course keeps what student code must not see, from its
/// course-manifest.json and its labs' lab.json.
struct CourseLayout {
    std::string source_dir;                   ///< The course's root.
    std::string build_dir;                    ///< This build.
    std::string labs_dir;                     ///< The labs built as the student's (a batch:
                                              ///< the student's own copy).
    std::string solutions_dir;                ///< The reference solutions (may not exist).
    std::vector<std::string> hidden_sources;  ///< Every lab's `hidden_test_files`.
    /// The lab.json files that name hidden tests (no test reads a lab.json).
    std::vector<std::string> hidden_metadata;
    /// The hidden tests' programs and object folders (also inside the build tree, which is
    /// hidden; named for a batch, whose objects come from another build).
    std::vector<std::string> hidden_builds;
    std::vector<std::string> sandbox_hide;  ///< More to hide (a batch: the work and
                                            ///< submissions folders).
};

/// The layout of the build @p manifest describes (read by labmeta, the one reader of the
/// manifest and of lab.json).
CourseLayout read_course_layout(const labmeta::Manifest& manifest);

/// read_course_layout() of the manifest at @p manifest_path.
/// @throws std::runtime_error naming the file when the manifest or a lab.json is unreadable.
CourseLayout read_course_layout(const std::string& manifest_path);

/// What student code (its compile and its tests) may see: everything read-only but the
/// solutions, the hidden tests' sources, programs and objects, the lab.json of each lab
/// with hidden tests, the course's build trees, the batch's other
/// students and submissions, /root and /home; the course's sources and the labs folder
/// stay (their hidden parts excepted). Only paths that exist are listed.
View student_view(const CourseLayout& layout);

/// The steps that give @p view to @p program (always shown again, read-only, wherever a
/// hidden folder holds it) working in @p workdir (shown writable) and starting in @p cwd
/// (when not the workdir: an empty folder there if a hidden folder covers it), in the
/// order they must be applied: outer paths first, so that a shown folder may hold hidden
/// parts again. A folder on the way to a shown path that others may not enter (no o+x) is
/// hidden too, so that the sandbox's user can reach what is shown through the empty
/// folders the view makes. Steps that change nothing (a hidden path inside another with nothing
/// shown between, a shown path no hidden folder covers) are left out.
std::vector<ViewStep> plan_view(const View& view, const std::string& program,
                                const std::string& workdir, const std::string& cwd = "");

}  // namespace grader
