// The hosted platforms' result files.
//
// Gradescope's results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
// top-level score, execution_time, output, visibility, stdout_visibility; one entry per
// test with score, max_score, name, number, output, visibility, status.
//
// GitHub Classroom's runner result, as classroom-resources/autograding-command-grader
// writes it and autograding-grading-reporter reads it: version, status, max_score, tests.
#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "course_result.hpp"

namespace grader {

using nlohmann::json;

// Test output holds whatever a test printed: invalid UTF-8 becomes U+FFFD, never a throw.
static void write_json(const json& value, const std::string& path) {
    std::ofstream(path) << value.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

// What the student reads under a failed test: the verdict, the message, the lesson.
static std::string student_output(const TestResult& t) {
    if (t.verdict == Verdict::pass)
        return "";
    std::string text = to_string(t.verdict) + ": " + first_lines(t.message, 20);
    if (!t.lesson.empty())
        text += "\nRe-read: " + t.lesson;
    return text;
}

static std::string points(double value) {
    return fmt::format("{:g}", value);
}

void write_gradescope_results(const CourseResult& result, const std::string& path) {
    json tests = json::array();
    std::string overview;
    for (const auto& lab : result.labs) {
        int index = 0;
        for (const auto& t : lab.tests) {
            tests.push_back({{"score", t.score},
                             {"max_score", t.verdict == Verdict::skipped ? 0.0 : t.spec.points},
                             {"name", "Lab " + lab.lab.id + " · " + t.spec.name},
                             {"number", lab.lab.id + "." + std::to_string(++index)},
                             {"output", student_output(t)},
                             {"status", t.verdict == Verdict::pass ? "passed" : "failed"},
                             // Hidden: never shown to the student, counted in the score.
                             {"visibility", t.spec.hidden ? "hidden" : "visible"}});
        }
        overview += "Lab " + lab.lab.id + " (" + lab.lab.title + "): " + points(lab.score()) +
                    " / " + points(lab.max_score()) + "\n";
        if (lab.compile_failed())
            overview += "  does not compile:\n" + lab.build_error + "\n";
        if (int missed = lab.not_run(); missed > 0) {
            overview +=
                fmt::format("  {} test(s) not run: the run's deadline ({:g} s) was reached\n",
                            missed, result.deadline_seconds);
        }
        if (lab.flagged())
            overview += "  flagged for the instructor's review: " + lab.flag_reason() + "\n";
    }
    json results = {{"score", result.score()},
                    {"execution_time", static_cast<int>(result.seconds + 0.5)},
                    {"output", overview},
                    {"visibility", "visible"},
                    {"stdout_visibility", "hidden"},
                    {"tests", tests}};
    write_json(results, path);
}

void write_classroom_json(const CourseResult& result, const std::string& path) {
    json tests = json::array();
    bool all_passed = true, any_ran = false;
    int hidden = 0;
    for (const auto& lab : result.labs) {
        for (const auto& t : lab.tests) {
            all_passed =
                all_passed && (t.verdict == Verdict::pass || t.verdict == Verdict::skipped);
            any_ran = any_ran || t.verdict != Verdict::compile_error;
            bool ok = t.verdict == Verdict::pass;
            std::string name = t.spec.hidden
                                   ? fmt::format("Lab {} · hidden test {}", lab.lab.id, ++hidden)
                                   : "Lab " + lab.lab.id + " · " + t.spec.name;
            tests.push_back(
                {{"name", name},
                 {"status", ok ? "pass" : (t.verdict == Verdict::fail ? "fail" : "error")},
                 {"score", t.score},
                 {"message", t.spec.hidden ? "" : student_output(t)},
                 {"test_code", ""},
                 {"filename", t.spec.hidden ? "" : lab.lab.slug},
                 {"line_no", 0},
                 {"duration", static_cast<int>(t.seconds * 1000 + 0.5)}});
        }
    }
    // "error": nothing could run (every lab failed to compile), as the reporter defines it.
    std::string status = all_passed ? "pass" : (any_ran ? "fail" : "error");
    write_json(
        {{"version", 1}, {"status", status}, {"max_score", result.max_score()}, {"tests", tests}},
        path);
}

}  // namespace grader
