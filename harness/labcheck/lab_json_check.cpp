// `grader check lab-json` (labcheck.hpp): every lab.json is one that harness_labmeta reads,
// the rules of harness/labmeta/lab.schema.json and what a schema cannot say alike.
#include <algorithm>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "course/file.hpp"
#include "course_files.hpp"

namespace labcheck {
namespace {

namespace fs = std::filesystem;

// The templates' lab.json files (templates/*/lab.json under the course's root), in order.
std::vector<fs::path> template_dirs(const Course& course) {
    std::vector<fs::path> dirs;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(fs::path(course.root) / "templates", error)) {
        if (fs::is_regular_file(entry.path() / "lab.json"))
            dirs.push_back(entry.path());
    }
    std::sort(dirs.begin(), dirs.end());
    return dirs;
}

}  // namespace

Findings check_lab_json(const Course& course) {
    Findings findings;
    auto labs = read_labs(course, findings);
    std::size_t checked = labs.size() + findings.problems.size();
    for (const auto& lab : labs) {
        if (lab.slug.rfind(lab.id + "-", 0) != 0)
            findings.problems.push_back(shown(course, lab.dir + "/lab.json") + ": \"id\" is \"" +
                                        lab.id + "\", but its folder is " + lab.slug);
    }
    Course whole = course;  // a lab uses labs outside a --lab selection too
    whole.labs.clear();
    Findings elsewhere;  // what is wrong with the labs not selected is not this check's
    auto every = course.labs.empty() ? labs : read_labs(whole, elsewhere);
    try {  // "uses" across the labs that read: the first problem
        labmeta::check_uses(every);
    } catch (const std::exception& e) {
        findings.problems.push_back(shown(course, e.what()));
    }
    if (course.labs.empty()) {
        for (const auto& dir : template_dirs(course)) {
            ++checked;
            try {
                labmeta::load_lab(dir);
            } catch (const std::exception& e) {
                findings.problems.push_back(shown(course, e.what()));
            }
        }
    }
    findings.summary =
        std::to_string(checked) + " lab.json files read as harness_labmeta reads them";
    return findings;
}

Findings check_lab_json_refused(const std::vector<std::string>& files) {
    Findings findings;
    for (const auto& file : files) {
        try {
            labmeta::parse_lab_json(course::read_file(file), "labs/01-broken");
            findings.problems.push_back(file + ": accepted, but it is broken on purpose");
        } catch (const std::exception& e) {
            std::string why = e.what();
            findings.summary += "refused as expected: " + file + " (" + why + ")\n";
        }
    }
    findings.summary += std::to_string(files.size()) + " broken lab.json files checked";
    return findings;
}

}  // namespace labcheck
