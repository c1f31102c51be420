// What the hosted platforms' result files share (platform_text.hpp).
#include "reports/platform_text.hpp"

#include <fstream>

#include "reports/reports.hpp"

namespace grader {

using nlohmann::json;

std::string student_output(const TestResult& t) {
    if (t.verdict == Verdict::pass)
        return "";
    std::string text = to_string(t.verdict) + ": " + first_lines(reported_message(t), 20);
    if (!t.timeline.empty())
        text += "\n" + first_lines(t.timeline, kTimelineLines);
    if (!t.lesson.empty())
        text += "\nRe-read: " + t.lesson;
    return text;
}

std::string cut_text(const std::string& text, std::size_t max_bytes) {
    if (text.size() <= max_bytes)
        return text;
    std::size_t end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
        --end;  // not in the middle of a UTF-8 sequence
    return text.substr(0, end) + "…";
}

// Test output holds whatever a test printed: invalid UTF-8 becomes U+FFFD, never a throw.
std::string json_text(const json& value, int indent) {
    return value.dump(indent, ' ', false, json::error_handler_t::replace);
}

std::string json_text(const nlohmann::ordered_json& value, int indent) {
    return value.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

void write_json(const json& value, const std::string& path) {
    std::ofstream(path) << json_text(value) << "\n";
}

std::string json_text_within(const std::function<json(std::size_t cap)>& build,
                             std::size_t first_cap, std::size_t max_bytes) {
    std::string text;
    for (std::size_t cap = first_cap;; cap /= 2) {
        text = json_text(build(cap));
        if (text.size() <= max_bytes || cap == 0)
            return text;
    }
}

}  // namespace grader
