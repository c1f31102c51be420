// `grader check tests` (labcheck.hpp): the tests lab.json declares are those its test
// files define, read from the sources (the built programs' own lists are
// `grader --check-declared`, which needs a build).
#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "code_shape.hpp"
#include "course_files.hpp"

namespace labcheck {
namespace {

namespace fs = std::filesystem;

bool is_token(const shape::Token& t, const std::string& text) {
    return t.text == text && t.kind != shape::Kind::literal;
}

// "Suite.Name" of each TEST(Suite, Name) and TEST_F(Suite, Name) of @p text, and the
// name of each Catch2 TEST_CASE("name", ...): macros a comment or a string mentions are
// not tokens, so they are not counted.
std::vector<std::string> tests_defined(const std::string& text) {
    auto code = shape::code_only(shape::lex(text));
    std::vector<std::string> names;
    for (std::size_t i = 0; i + 2 < code.size(); ++i) {
        bool gtest = code[i].text == "TEST" || code[i].text == "TEST_F";
        if (gtest && i + 5 < code.size() && is_token(code[i + 1], "(") &&
            code[i + 2].kind == shape::Kind::identifier && is_token(code[i + 3], ",") &&
            code[i + 4].kind == shape::Kind::identifier && is_token(code[i + 5], ")"))
            names.push_back(code[i + 2].text + "." + code[i + 4].text);
        const auto& literal = code[i + 2].text;
        if (code[i].text == "TEST_CASE" && is_token(code[i + 1], "(") &&
            code[i + 2].kind == shape::Kind::literal && literal.size() >= 2 && literal[0] == '"')
            names.push_back(literal.substr(1, literal.size() - 2));
    }
    return names;
}

// One lab: its declared tests against its test files'.
int check_lab(const Course& course, const labmeta::LabSpec& lab, Findings& findings) {
    std::map<std::string, std::string> defined;  // test -> the file that defines it
    for (const auto& file : lab.test_files) {
        std::string path = (fs::path(lab.dir) / file).string();
        for (auto& name : tests_defined(read_source(course, path, findings))) {
            if (!defined.emplace(name, file).second)
                findings.problems.push_back(shown(course, path) + ": defines " + name +
                                            " a second time");
        }
    }
    std::string json = shown(course, lab.dir + "/lab.json");
    for (const auto& test : lab.tests) {
        auto found = defined.find(test.name);
        if (found == defined.end()) {
            findings.problems.push_back(json + ": declares " + test.name +
                                        ", which none of its test files defines");
            continue;
        }
        const auto& hidden_files = lab.hidden_test_files;
        bool in_hidden = std::find(hidden_files.begin(), hidden_files.end(), found->second) !=
                         hidden_files.end();
        if (in_hidden != test.hidden)
            findings.problems.push_back(
                json + ": " + test.name + " is " + (test.hidden ? "hidden" : "visible") + ", but " +
                found->second + " is " + (in_hidden ? "a hidden" : "a visible") + " test file");
        defined.erase(found);
    }
    for (const auto& [name, file] : defined)
        findings.problems.push_back(shown(course, lab.dir + "/" + file) + ": defines " + name +
                                    ", which lab.json does not declare");
    return static_cast<int>(lab.tests.size());
}

}  // namespace

Findings check_declared_tests(const Course& course) {
    Findings findings;
    int labs = 0, tests = 0;
    for (const auto& lab : read_labs(course, findings)) {
        tests += check_lab(course, lab, findings);
        ++labs;
    }
    findings.summary = "the " + std::to_string(tests) + " tests of " + std::to_string(labs) +
                       " lab.json files are the tests their test files define";
    return findings;
}

}  // namespace labcheck
