// PrairieLearn's external grading result, written against its specification
// (https://prairielearn.readthedocs.io/en/latest/externalGrading/, "Grading results"): the
// grading job must leave /grade/results/results.json with `score` (0 to 1) when `gradable`,
// else `gradable: false` and `format_errors` (the student spends no attempt), and may add a
// `message`, an `output` and `tests[]` with name, description, points, max_points, message
// and output, which its <pl-external-grader-results> element shows; at most 1 MB.
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "reports/platform_text.hpp"
#include "reports/reports.hpp"

namespace grader {

using nlohmann::json;

// One lab's entries: each visible test, then its hidden tests together (their points and
// nothing else: students see every entry of PrairieLearn's results).
static void add_prairielearn_tests(const LabResult& lab, std::size_t message_cap, json& tests) {
    double hidden_points = 0, hidden_max = 0;
    int hidden = 0;
    for (const auto& t : lab.tests) {
        double max_points = t.verdict == Verdict::skipped ? 0.0 : t.spec.points;
        if (t.spec.hidden) {
            ++hidden;
            hidden_points += t.score;
            hidden_max += max_points;
            continue;
        }
        const TaskSpec* task = lab.lab.task(t.spec.task);
        tests.push_back({{"name", "Lab " + lab.lab.id + " · " + t.spec.name},
                         {"description",
                          task == nullptr ? std::string()
                                          : fmt::format("Task {}: {}", task->number, task->title)},
                         {"points", t.score},
                         {"max_points", max_points},
                         {"message", cut_text(student_output(t), message_cap)}});
    }
    if (hidden > 0) {
        tests.push_back({{"name", fmt::format("Lab {} · {} hidden test(s)", lab.lab.id, hidden)},
                         {"description", "graded, not shown"},
                         {"points", hundredths(hidden_points)},
                         {"max_points", hundredths(hidden_max)},
                         {"message", ""}});
    }
}

// The overview students read first: each lab's total, and what kept a lab from being graded.
static std::string prairielearn_output(const CourseResult& result, std::size_t message_cap) {
    std::string text = result.submission;
    for (const auto& lab : result.labs) {
        text += fmt::format("Lab {} ({}): {} / {}\n", lab.lab.id, lab.lab.title,
                            points_text(lab.score()), points_text(lab.max_score()));
        if (lab.compile_failed())
            text += "  does not compile:\n" + cut_text(lab.build_error, message_cap) + "\n";
        if (int missed = lab.not_run(); missed > 0) {
            text += fmt::format("  {} test(s) not run: the run's deadline ({:g} s) was reached\n",
                                missed, result.deadline_seconds);
        }
    }
    return text;
}

static json prairielearn_results(const CourseResult& result, std::size_t message_cap) {
    json tests = json::array();
    for (const auto& lab : result.labs)
        add_prairielearn_tests(lab, message_cap, tests);
    json results = {{"message", fmt::format("Total: {} / {}", points_text(result.score()),
                                            points_text(result.max_score()))},
                    {"output", prairielearn_output(result, message_cap)},
                    {"tests", tests}};
    // Nothing compiled: not gradable, as the specification suggests for a syntax error.
    bool compiled = std::any_of(result.labs.begin(), result.labs.end(),
                                [](const LabResult& lab) { return !lab.compile_failed(); });
    if (!compiled && !result.labs.empty()) {
        json errors = json::array();
        for (const auto& lab : result.labs)
            errors.push_back("Lab " + lab.lab.id + " does not compile:\n" +
                             cut_text(lab.build_error, message_cap));
        results["gradable"] = false;
        results["format_errors"] = errors;
        return results;
    }
    double max = result.max_score();
    results["gradable"] = true;
    results["score"] = max > 0 ? std::clamp(result.score() / max, 0.0, 1.0) : 0.0;
    return results;
}

void write_prairielearn_results(const CourseResult& result, const std::string& path) {
    std::string text =
        json_text_within([&](std::size_t cap) { return prairielearn_results(result, cap); }, 4000,
                         kPrairieLearnMaxBytes);
    std::ofstream(path) << text << "\n";
}

}  // namespace grader
