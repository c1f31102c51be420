// report.json: the course's own report schema (see harness/README.md, "report.json").
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "reports/reports.hpp"

namespace grader {

using nlohmann::json;

static json task_json(const LabResult& lab, const TaskSpec& task) {
    auto [score, max_score] = lab.task_score(task.number);
    return {{"task", task.number},
            {"title", task.title},
            {"score", score},
            {"max_score", max_score},
            {"lesson_section", task.section}};
}

static json needs_json(const std::vector<NeededTask>& needs) {
    json out = json::array();
    for (const auto& need : needs) {
        out.push_back(
            {{"lab", need.lab}, {"task", need.task}, {"what", need.what}, {"lesson", need.lesson}});
    }
    return out;
}

static json test_json(const TestResult& t) {
    return {{"name", t.spec.name},
            {"lab", t.lab},
            {"task", t.spec.task},
            {"score", t.score},
            {"max_score", t.spec.points},
            {"verdict", to_string(t.verdict)},
            {"message", reported_message(t)},
            {"lesson", t.lesson},
            {"needs", needs_json(t.needs)},
            {"timeline", t.timeline},
            {"hidden", t.spec.hidden},
            {"seconds", t.seconds},
            {"output", t.output},
            {"leftover", t.leftover}};
}

static json review_json(const std::vector<ReviewNote>& notes) {
    json out = json::array();
    for (const auto& note : notes) {
        out.push_back(
            {{"file", note.file}, {"line", note.line}, {"what", note.what}, {"text", note.text}});
    }
    return out;
}

void write_report_json(const CourseResult& result, const std::string& path) {
    json labs = json::array();
    json tests = json::array();
    for (const auto& lab : result.labs) {
        json tasks = json::array();
        for (const auto& task : lab.lab.tasks)
            tasks.push_back(task_json(lab, task));
        labs.push_back({{"id", lab.lab.id},
                        {"title", lab.lab.title},
                        {"score", lab.score()},
                        {"max_score", lab.max_score()},
                        {"built", lab.built},
                        {"build_stopped", lab.build_stopped},
                        {"stopped_by_deadline", lab.not_run()},
                        {"refused", lab.distrusted},
                        {"build_error", lab.build_error},
                        {"build_log", lab.build_log},
                        {"warnings", lab.warnings},
                        {"flagged", lab.flagged()},
                        {"flag_reason", lab.flag_reason()},
                        {"review", review_json(lab.review)},
                        {"tasks", tasks}});
        for (const auto& t : lab.tests)
            tests.push_back(test_json(t));
    }
    json report = {{"schema", "unix-processes-course/report/1"},
                   {"flavor", to_string(result.flavor)},
                   {"score", result.score()},
                   {"max_score", result.max_score()},
                   {"execution_time", result.seconds},
                   {"deadline", result.deadline_seconds},
                   {"scale", result.scale},
                   {"protections", result.protections},
                   {"labs", labs},
                   {"tests", tests}};
    std::ofstream(path) << report.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

}  // namespace grader
