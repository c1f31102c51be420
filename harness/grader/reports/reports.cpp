// Every report of a grading run, written together (reports.hpp, write_reports).
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "reports/reports.hpp"

namespace grader {

void write_reports(const CourseResult& result, const std::string& dir, bool step_summary) {
    std::filesystem::create_directories(dir);
    write_report_json(result, dir + "/report.json");
    write_gradescope_results(result, dir + "/results.json");
    write_junit_xml(result, dir + "/junit.xml");
    write_prairielearn_results(result, dir + "/prairielearn.json");
    write_autolab_autoresult(result, dir + "/autolab.json");
    write_classroom_json(result, dir + "/classroom.json");
    // One Classroom runner per lab (classroom.yml): each fits an environment variable.
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        std::string name = entry.path().filename().string();
        if (name.rfind("classroom-", 0) == 0 && entry.path().extension() == ".json")
            std::filesystem::remove(entry.path());  // a lab this run did not grade
    }
    for (const auto& lab : result.labs) {
        write_classroom_json(result, dir + "/classroom-" + lab.lab.id + ".json", lab.lab.id);
    }
    std::string summary = markdown_summary(result);
    std::ofstream(dir + "/summary.md") << summary;
    const char* github = step_summary ? std::getenv("GITHUB_STEP_SUMMARY") : nullptr;
    if (github != nullptr)
        std::ofstream(github, std::ios::app) << summary << "\n";
}

}  // namespace grader
