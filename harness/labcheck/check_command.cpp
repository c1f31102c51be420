// `grader check ...` (labcheck.hpp): which checks, on which course, and what they found.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <exception>
#include <filesystem>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "labcheck/labcheck.hpp"
#include "labmeta/manifest.hpp"

namespace labcheck {
namespace {

namespace fs = std::filesystem;

struct Check {
    const char* name;
    std::function<Findings(const Course&)> run;
};

const std::vector<Check>& checks() {
    static const std::vector<Check> all = {{"lab-json", check_lab_json},
                                           {"tests", check_declared_tests},
                                           {"stubs", check_stub_todos},
                                           {"given-code", check_given_code}};
    return all;
}

// The course of --root DIR, or else of the build's manifest (the one description of where
// the labs and the solutions are).
Course course_of(const std::string& root, const std::string& manifest_path) {
    Course course;
    if (!root.empty()) {
        course.root = fs::absolute(root).lexically_normal().string();
        if (course.root.size() > 1 && course.root.back() == '/')
            course.root.pop_back();
        course.labs_dir = course.root + "/labs";
        course.solutions_dir = course.root + "/solutions";
        return course;
    }
    auto manifest = labmeta::load_manifest_layout(manifest_path);
    course.root = manifest.source_dir;
    course.labs_dir = manifest.labs_dir;
    course.solutions_dir = manifest.solutions_dir;
    return course;
}

// Prints what @p findings says under the check's @p name. @returns whether it found nothing.
bool report(const std::string& name, const Findings& findings) {
    for (const auto& problem : findings.problems)
        std::cerr << problem << "\n";
    if (!findings.problems.empty()) {
        std::cerr << "grader check " << name << ": " << findings.problems.size() << " problem(s)\n";
        return false;
    }
    std::cout << "grader check " << name << ": " << findings.summary << "\n";
    return true;
}

}  // namespace

int run_check_command(int argc, char** argv) {
    std::vector<std::string> what;
    std::string manifest = "build/course-manifest.json";
    std::string root;
    std::vector<std::string> labs;
    std::vector<std::string> refused;
    CLI::App app{"grader check: the course's checks of its labs that need no build of them"};
    app.add_option("what", what, "lab-json, tests, stubs, given-code, or all")
        ->required()
        ->check(CLI::IsMember({"lab-json", "tests", "stubs", "given-code", "all"}));
    app.add_option("--manifest", manifest, "the build's course-manifest.json (where the labs are)");
    app.add_option("--root", root, "check the course at DIR (DIR/labs, DIR/solutions) instead");
    app.add_option("--lab", labs, "check only these labs (e.g. 01)");
    app.add_option("--expect-invalid", refused,
                   "lab-json: every FILE, broken on purpose, must be refused");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return e.get_exit_code() == 0 ? 0 : 2;
    }
    for (auto& id : labs) {
        if (id.size() == 1)
            id = "0" + id;
    }
    try {
        if (!refused.empty())
            return report("lab-json --expect-invalid", check_lab_json_refused(refused)) ? 0 : 1;
        Course course = course_of(root, manifest);
        course.labs = labs;
        bool all = std::find(what.begin(), what.end(), "all") != what.end();
        bool clean = true;
        for (const auto& check : checks()) {
            if (all || std::find(what.begin(), what.end(), check.name) != what.end())
                clean = report(check.name, check.run(course)) && clean;
        }
        return clean ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "grader check: " << e.what() << "\n";
        return 2;
    }
}

}  // namespace labcheck
