// Gradescope's results.json: https://gradescope-autograders.readthedocs.io (the
// "Output format" page): top-level score, execution_time, output, visibility; one entry
// per test with score, max_score, name, number, output, visibility, status.
#include <fstream>
#include <nlohmann/json.hpp>

#include "course_result.hpp"

namespace grader {

using nlohmann::json;

// Gradescope shows each test's output to the student; keep it to what helps.
static std::string student_output(const TestResult& t) {
    if (t.verdict == Verdict::pass) return "";
    std::string text = to_string(t.verdict) + ": " + first_lines(t.message, 20);
    if (!t.lesson.empty()) text += "\nRe-read: " + t.lesson;
    return text;
}

void write_gradescope_results(const CourseResult& result, const std::string& path) {
    json tests = json::array();
    for (const auto& lab : result.labs) {
        int index = 0;
        for (const auto& t : lab.tests) {
            tests.push_back({{"score", t.score},
                             {"max_score", t.verdict == Verdict::skipped ? 0.0 : t.spec.points},
                             {"name", "Lab " + lab.lab.id + " · " + t.spec.name},
                             {"number", lab.lab.id + "." + std::to_string(++index)},
                             {"output", student_output(t)},
                             {"status", t.verdict == Verdict::pass ? "passed" : "failed"},
                             {"visibility", t.spec.hidden ? "hidden" : "visible"}});
        }
    }
    std::string overview;
    for (const auto& lab : result.labs) {
        overview += "Lab " + lab.lab.id + " (" + lab.lab.title + "): " +
                    json(lab.score()).dump() + " / " + json(lab.max_score()).dump() + "\n";
    }
    json results = {{"score", result.score()},
                    {"execution_time", static_cast<int>(result.seconds + 0.5)},
                    {"output", overview},
                    {"visibility", "visible"},
                    {"stdout_visibility", "hidden"},
                    {"tests", tests}};
    std::ofstream(path) << results.dump(2) << "\n";
}

}  // namespace grader
