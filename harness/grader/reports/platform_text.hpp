/// @file
/// @brief What the hosted platforms' result files share (Gradescope, Classroom, PrairieLearn,
/// Autolab): what a student reads of a failed test, text cut to a size, and JSON written
/// whatever bytes a test printed.
#pragma once

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "results/course_result.hpp"

namespace grader {

/// What the student reads under a failed test, in plain text: the verdict, the message
/// (20 lines), the processes it caused (kTimelineLines) and the lesson to re-read; "" for a
/// pass.
std::string student_output(const TestResult& t);

/// The first @p max_bytes bytes of @p text, cut at a UTF-8 character boundary, with "…"
/// when cut.
std::string cut_text(const std::string& text, std::size_t max_bytes);

/// @p value as text, invalid UTF-8 replaced by U+FFFD (never a throw); @p indent as
/// nlohmann::json::dump's (-1: one line).
std::string json_text(const nlohmann::json& value, int indent = 2);
/// json_text() of an object that keeps its keys in the order they were added.
std::string json_text(const nlohmann::ordered_json& value, int indent = 2);

/// Writes json_text(@p value) and a newline to @p path.
void write_json(const nlohmann::json& value, const std::string& path);

/// json_text() of what @p build makes with a cap on each message: the first cap from
/// @p first_cap down (halving, to 0) whose text has at most @p max_bytes bytes, so that a
/// file a platform caps always fits, whatever the tests printed.
std::string json_text_within(const std::function<nlohmann::json(std::size_t cap)>& build,
                             std::size_t first_cap, std::size_t max_bytes);

}  // namespace grader
