/// @file
/// @brief The build's `course-manifest.json`, written by CMake (cmake/CourseLab.cmake):
/// where each lab and program of this build is, and the lab.json of each lab.
#pragma once

#include <string>
#include <vector>

#include "labmeta/lab.hpp"

namespace labmeta {

/// A program of this build that lessons may run: a lab's (lab.json "programs") or a
/// course tool's (`proc`, registered in tools/CMakeLists.txt).
struct BuiltProgram {
    std::string name;                  ///< "progress", "proc".
    std::string lab;                   ///< The lab that declares it; empty for a tool.
    std::vector<std::string> aliases;  ///< Names lessons' sessions type for its reference build.
    BuildTarget student;               ///< Built from the student's labs.
    BuildTarget reference;             ///< Built from the solutions; empty target without them.
};

/// What a build holds: the one description of the course's layout (CMake writes it,
/// everything else reads it here).
struct Manifest {
    std::string source_dir;  ///< The course's root (CMake's source folder).
    std::string build_dir;   ///< The build's root.
    /// The labs built as the student's (-DCOURSE_LABS_DIR; a batch: the student's copy);
    /// source_dir/labs when the manifest does not say.
    std::string labs_dir;
    /// The reference solutions (may not exist); source_dir/solutions when not said.
    std::string solutions_dir;
    std::vector<std::string> sandbox_hide;  ///< More that student code may not see.
    std::vector<LabSpec> labs;              ///< Each with slug, student, reference and hidden set.
    std::vector<BuiltProgram> programs;     ///< Possibly none.
    /// The libraries a lab's test program links besides the lab's own code (the C and C++
    /// libraries, the test frameworks', the course's): what a student's code may not
    /// define again (grader/compile/object_inspection.hpp).
    std::vector<std::string> trusted_binaries;

    /// The folder that holds labs_dir: what the graded labs' paths are shown relative to
    /// ("labs/01-process/process.cpp"), the course's root or, in a batch, the student's copy.
    std::string labs_root() const;
};

/// Reads @p manifest_path and the lab.json of every lab it lists, in order.
/// @throws std::runtime_error when the manifest or a lab.json is missing or malformed
///         (the message says to run `make` first, which writes the manifest).
Manifest load_manifest(const std::string& manifest_path);

/// Reads @p manifest_path's folders only (source_dir to sandbox_hide; no lab, program or
/// lab.json): for a check of the lab.json files, which must run when one is broken.
/// @throws std::runtime_error as load_manifest() does.
Manifest load_manifest_layout(const std::string& manifest_path);

/// The session aliases of @p manifest's programs: (name typed, reference executable),
/// for every program built from the solutions.
std::vector<std::pair<std::string, std::string>> session_aliases(const Manifest& manifest);

}  // namespace labmeta
