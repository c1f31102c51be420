/// @file
/// @brief What the grader knows about a lab: its lab.json plus where the build put it.
/// The types and the reader are harness_labmeta's (harness/labmeta/), shared with the
/// weaver; the grader names them in its own namespace.
#pragma once

#include <string>
#include <vector>

#include "labmeta/lab.hpp"
#include "labmeta/manifest.hpp"

namespace grader {

using labmeta::BuildTarget;
using labmeta::LabSpec;
using labmeta::parse_lab_json;
using labmeta::TaskSpec;
using labmeta::TestSpec;

}  // namespace grader
