// Reading the course's labs and files for the checks (course_files.hpp).
#include "course_files.hpp"

#include <algorithm>
#include <exception>

#include "course/file.hpp"

namespace labcheck {

std::string shown(const Course& course, const std::string& path) {
    std::string prefix = course.root + "/";
    if (!course.root.empty() && path.rfind(prefix, 0) == 0)
        return path.substr(prefix.size());
    return path;
}

std::vector<labmeta::LabSpec> read_labs(const Course& course, Findings& findings) {
    std::vector<labmeta::LabSpec> labs;
    for (const auto& dir : labmeta::lab_dirs(course.labs_dir)) {
        std::string id = dir.filename().string().substr(0, 2);
        if (!course.labs.empty() &&
            std::find(course.labs.begin(), course.labs.end(), id) == course.labs.end())
            continue;
        try {
            labs.push_back(labmeta::load_lab(dir));
        } catch (const std::exception& e) {
            findings.problems.push_back(shown(course, e.what()));
        }
    }
    return labs;
}

std::string read_source(const Course& course, const std::string& path, Findings& findings) {
    try {
        return course::read_file(path);
    } catch (const std::exception& e) {
        findings.problems.push_back(shown(course, path) + ": cannot be read: " + e.what());
        return "";
    }
}

}  // namespace labcheck
