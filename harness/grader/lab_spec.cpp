#include "lab_spec.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "course/file.hpp"

namespace grader {

using nlohmann::json;

const TaskSpec* LabSpec::task(int number) const {
    for (const auto& t : tasks) {
        if (t.number == number)
            return &t;
    }
    return nullptr;
}

double LabSpec::max_score() const {
    double total = 0;
    for (const auto& t : tests)
        total += t.points;
    return total;
}

// A task's tests are either names ("Suite.Test") or objects with name, points, hidden and
// may_skip (why the test may skip itself).
static void add_task_tests(const json& task_json, int task, double default_points, LabSpec& lab) {
    for (const auto& entry : task_json.at("tests")) {
        TestSpec test;
        test.task = task;
        test.points = default_points;
        if (entry.is_string()) {
            test.name = entry.get<std::string>();
        } else {
            test.name = entry.at("name").get<std::string>();
            test.points = entry.value("points", default_points);
            test.hidden = entry.value("hidden", false);
            test.may_skip = entry.value("may_skip", "");
        }
        lab.tests.push_back(test);
    }
}

LabSpec parse_lab_json(const std::string& text, const std::string& dir) {
    try {
        json j = json::parse(text);
        LabSpec lab;
        lab.dir = dir;
        lab.id = j.at("id").get<std::string>();
        lab.title = j.at("title").get<std::string>();
        lab.lesson = j.at("lesson").get<std::string>();
        lab.framework = j.value("framework", "gtest");
        lab.time_limit = j.value("time_limit_seconds", 10.0);
        lab.baseline = j.value("baseline", 0.0);
        lab.depends = j.value("depends", std::vector<std::string>{});
        lab.sources = j.value("sources", std::vector<std::string>{});
        for (const auto& t : j.at("tasks")) {
            TaskSpec task;
            task.number = t.at("task").get<int>();
            task.title = t.at("title").get<std::string>();
            task.section = t.value("section", "");
            lab.tasks.push_back(task);
            add_task_tests(t, task.number, t.value("points_per_test", 1.0), lab);
        }
        return lab;
    } catch (const json::exception& e) {
        throw std::runtime_error(dir + "/lab.json: " + e.what());
    }
}

std::vector<LabSpec> load_course(const std::string& manifest_path) {
    json manifest;
    try {
        manifest = json::parse(course::read_file(manifest_path));
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot read the build manifest " + manifest_path + ": " +
                                 e.what() + " (run `make` first: it configures the build)");
    }
    std::vector<LabSpec> labs;
    for (const auto& entry : manifest.at("labs")) {
        std::string dir = entry.at("dir").get<std::string>();
        LabSpec lab = parse_lab_json(course::read_file(entry.at("metadata")), dir);
        lab.slug = entry.at("slug").get<std::string>();
        lab.student = {entry.at("student").at("target"), entry.at("student").at("executable")};
        if (entry.contains("reference")) {
            lab.reference = {entry["reference"].at("target"), entry["reference"].at("executable")};
        }
        labs.push_back(std::move(lab));
    }
    return labs;
}

}  // namespace grader
