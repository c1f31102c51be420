// Autolab's autoresult, written against its guide for lab authors
// (https://docs.autolabproject.com/lab/, "Writing Autograders"): the last line an autograder
// prints on stdout is one JSON object, {"scores": {PROBLEM: points, ...}, "scoreboard":
// [column, ...]}, whose problem names are those the instructor defined for the assessment.
// The line before it may be the formatted feedback of its "Formatted Feedback" page
// (https://docs.autolabproject.com/features/formatted-feedback/): {"_presentation":
// "semantic", "stages": [...], STAGE: {TEST: {"passed": bool, "hint": text}}}. Both are
// printed last by `grader --autolab` (main.cpp); autolab.json keeps the autoresult.
#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "reports/platform_text.hpp"
#include "reports/reports.hpp"

namespace grader {

// Objects keep their keys in the order written: the feedback lists tests as lab.json does.
using nlohmann::ordered_json;

std::string autolab_problem(const LabResult& lab) {
    return "Lab " + lab.lab.id;
}

std::string autolab_autoresult(const CourseResult& result) {
    ordered_json scores = ordered_json::object();
    ordered_json scoreboard = ordered_json::array({result.score()});
    for (const auto& lab : result.labs) {
        scores[autolab_problem(lab)] = lab.score();
        scoreboard.push_back(lab.score());
    }
    return json_text(ordered_json{{"scores", scores}, {"scoreboard", scoreboard}}, -1);
}

// A lab's stage of the feedback: each visible test, passed or not with a one-line hint, and
// its hidden tests as one entry (whether they all passed: the score shows it anyway).
static ordered_json autolab_stage(const LabResult& lab) {
    ordered_json stage = ordered_json::object();
    int hidden = 0;
    bool hidden_passed = true;
    for (const auto& t : lab.tests) {
        bool passed = t.verdict == Verdict::pass || t.verdict == Verdict::skipped;
        if (t.spec.hidden) {
            ++hidden;
            hidden_passed = hidden_passed && passed;
            continue;
        }
        ordered_json entry = {{"passed", passed}};
        if (t.verdict != Verdict::pass) {
            std::string what = student_output(t);
            entry["hint"] = cut_text(what.substr(0, what.find('\n')), 200);  // its first line
        }
        stage[t.spec.name] = entry;
    }
    if (hidden > 0)
        stage[fmt::format("{} hidden test(s)", hidden)] = {{"passed", hidden_passed}};
    return stage;
}

std::string autolab_feedback(const CourseResult& result) {
    ordered_json feedback = {{"_presentation", "semantic"}, {"stages", ordered_json::array()}};
    for (const auto& lab : result.labs) {
        std::string name = autolab_problem(lab) + ": " + lab.lab.title;
        feedback["stages"].push_back(name);
        feedback[name] = autolab_stage(lab);
    }
    return json_text(feedback, -1);
}

void write_autolab_autoresult(const CourseResult& result, const std::string& path) {
    std::ofstream(path) << autolab_autoresult(result) << "\n";
}

}  // namespace grader
