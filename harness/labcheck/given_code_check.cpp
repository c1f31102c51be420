// `grader check given-code` (labcheck.hpp): code given with a lab exists once, and a stub
// defines nothing but tasks. Definitions are found by shape::definitions, which reads
// tokens, not lines: a one-line body (`Foo::Foo() {}`), a constructor's initializer list
// (`X(int a) : base(a), b_{a} {}`), braces in comments and strings are all seen as written.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "code_shape.hpp"
#include "course_files.hpp"

namespace labcheck {
namespace {

namespace fs = std::filesystem;

// One namespace-scope definition of a file: its name, task, first line and code (comments
// dropped, one space between tokens: layout does not matter, names and values do).
struct Defined {
    std::string name;
    int task = 0;
    int line = 0;
    std::string code;
};

std::vector<Defined> defined_in(const std::string& text) {
    auto tokens = shape::lex(text);
    auto code = shape::code_only(tokens);
    std::vector<Defined> found;
    for (const auto& d : shape::definitions(tokens)) {
        Defined one{d.name, d.task, d.first_line, ""};
        for (std::size_t i = d.begin; i < d.end && i < code.size(); ++i)
            one.code += (i == d.begin ? "" : " ") + code[i].text;
        found.push_back(std::move(one));
    }
    return found;
}

bool has_named(const std::vector<Defined>& defs, const std::string& name) {
    return std::any_of(defs.begin(), defs.end(), [&](const Defined& d) { return d.name == name; });
}

bool has_same_code(const std::vector<Defined>& defs, const std::string& code) {
    return std::any_of(defs.begin(), defs.end(), [&](const Defined& d) { return d.code == code; });
}

// The given files of @p lab: each in the lab's folder, none in its solution's.
void check_given_files(const Course& course, const labmeta::LabSpec& lab,
                       const fs::path& solution_dir, Findings& findings) {
    for (const auto& given : lab.given) {
        auto file = fs::path(lab.dir) / given;
        if (!fs::is_regular_file(file))
            findings.problems.push_back(shown(course, file.string()) +
                                        ": missing (lab.json gives it)");
        auto copy = solution_dir / given;
        if (fs::exists(copy))
            findings.problems.push_back(shown(course, copy.string()) +
                                        ": a second copy of code given with the lab (it belongs "
                                        "in " +
                                        lab.slug + "/ only)");
    }
}

// One stub file of @p lab against its solution (when there is one).
void check_stub(const Course& course, const labmeta::LabSpec& lab, const std::string& source,
                const fs::path& solution_dir, Findings& findings) {
    std::string stub_path = (fs::path(lab.dir) / source).string();
    auto stub = defined_in(read_source(course, stub_path, findings));
    std::string solution_path = (solution_dir / source).string();
    bool with_solution = fs::is_directory(solution_dir);
    std::vector<Defined> solution;
    if (with_solution)
        solution = defined_in(read_source(course, solution_path, findings));
    std::string where = shown(course, stub_path) + ":";
    for (const auto& d : stub) {
        std::string at = where + std::to_string(d.line) + ": `" + d.name + "`";
        if (d.task == 0 && with_solution && has_same_code(solution, d.code)) {
            findings.problems.push_back(
                at + " is defined the same in the stub and in " + shown(course, solution_path) +
                ": code given to the student goes, once, in the lab's \"given\" files");
        } else if (d.task == 0) {
            findings.problems.push_back(
                at +
                " is not a task (no course::todo(\"Task N\") in it, no `// TODO: Task N` "
                "above it): code given to the student goes in the lab's \"given\" files, "
                "built into the stub and the solution alike");
        } else if (with_solution && !has_named(solution, d.name)) {
            findings.problems.push_back(at + " (Task " + std::to_string(d.task) +
                                        ") has no definition of that name in " +
                                        shown(course, solution_path));
        }
    }
}

}  // namespace

Findings check_given_code(const Course& course) {
    Findings findings;
    int stubs = 0, given = 0;
    for (const auto& lab : read_labs(course, findings)) {
        auto solution_dir = fs::path(course.solutions_dir) / lab.slug;
        check_given_files(course, lab, solution_dir, findings);
        given += static_cast<int>(lab.given.size());
        for (const auto& source : lab.sources) {
            check_stub(course, lab, source, solution_dir, findings);
            ++stubs;
        }
    }
    findings.summary = std::to_string(stubs) +
                       " stub files define only tasks, each also defined by its solution; " +
                       std::to_string(given) + " given files exist once, in their lab's folder";
    return findings;
}

}  // namespace labcheck
