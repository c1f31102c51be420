/// @file
/// @brief Inspecting a lab's compiled code before its tests run (object_inspection.hpp),
/// with the code of every lab it builds on: the test program links theirs too.
#pragma once

#include <string>
#include <vector>

#include "compile/object_inspection.hpp"
#include "compile/source_review.hpp"
#include "spec/lab_spec.hpp"

namespace grader {

/// What the inspection of one lab's compiled code found.
struct LabInspection {
    std::vector<ObjectFinding> findings;  ///< Each object's findings, the lab's own first.
    std::string problem;  ///< Why the inspection could not be done ("" when it was).

    /// True when a finding makes every result of the lab untrustworthy.
    bool refuses() const;
    /// The integrity message for each of the lab's tests: the first findings, in words.
    std::string integrity_message() const;
    /// The findings (and a problem) as review notes, one per distinct finding.
    std::vector<ReviewNote> notes() const;
};

/// Inspects the student's objects (lab.json `sources`) in the static library of @p lab and
/// of each lab it builds on (`depends`, found in @p course), of the flavour whose library is
/// named by @p student (true: `student.library`, false: `reference.library`), against the
/// definitions of @p trusted_binaries (loaded once per process for a given list). Never throws
/// for what the files hold; a library that is missing or unreadable is a problem.
LabInspection inspect_lab(const LabSpec& lab, bool student, const std::vector<LabSpec>& course,
                          const std::vector<std::string>& trusted_binaries);

}  // namespace grader
