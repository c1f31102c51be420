// What the checks share: reading the course's labs and files, and naming them.
#pragma once

#include <string>
#include <vector>

#include "labcheck/labcheck.hpp"
#include "labmeta/lab.hpp"

namespace labcheck {

/// @p path relative to the course's root when inside it, else as it is.
std::string shown(const Course& course, const std::string& path);

/// The labs of @p course (its --lab selection), each read by labmeta; a lab.json that
/// cannot be read is a problem in @p findings, and its lab is left out.
std::vector<labmeta::LabSpec> read_labs(const Course& course, Findings& findings);

/// The text of @p path; a problem in @p findings (and "") when it cannot be read.
std::string read_source(const Course& course, const std::string& path, Findings& findings);

}  // namespace labcheck
