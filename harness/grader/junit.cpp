// JUnit XML (the Ant/Surefire dialect CI dashboards read): one <testsuite> per lab.
#include <pugixml.hpp>
#include <string>

#include "course_result.hpp"

namespace grader {

static void add_testcase(pugi::xml_node suite, const LabResult& lab, const TestResult& t) {
    auto testcase = suite.append_child("testcase");
    auto dot = t.spec.name.find('.');
    testcase.append_attribute("classname") =
        ("lab" + lab.lab.id + "." + t.spec.name.substr(0, dot)).c_str();
    testcase.append_attribute("name") =
        dot == std::string::npos ? t.spec.name.c_str() : t.spec.name.substr(dot + 1).c_str();
    testcase.append_attribute("time") = t.seconds;
    if (t.verdict == Verdict::pass) return;
    if (t.verdict == Verdict::skipped) {
        testcase.append_child("skipped").append_attribute("message") = t.message.c_str();
        return;
    }
    bool is_failure = t.verdict == Verdict::fail;
    auto problem = testcase.append_child(is_failure ? "failure" : "error");
    problem.append_attribute("type") = to_string(t.verdict).c_str();
    problem.append_attribute("message") = first_lines(t.message, 1).c_str();
    std::string body = t.message + (t.lesson.empty() ? "" : "\nRe-read: " + t.lesson);
    problem.append_child(pugi::node_pcdata).set_value(body.c_str());
    if (!t.output.empty()) {
        testcase.append_child("system-out").append_child(pugi::node_pcdata).set_value(
            t.output.c_str());
    }
}

void write_junit_xml(const CourseResult& result, const std::string& path) {
    pugi::xml_document doc;
    auto suites = doc.append_child("testsuites");
    suites.append_attribute("name") = ("course-" + to_string(result.flavor)).c_str();
    suites.append_attribute("time") = result.seconds;
    for (const auto& lab : result.labs) {
        int failures = 0, errors = 0, skipped = 0;
        double seconds = 0;
        for (const auto& t : lab.tests) {
            failures += t.verdict == Verdict::fail;
            skipped += t.verdict == Verdict::skipped;
            errors += t.verdict != Verdict::fail && t.verdict != Verdict::pass &&
                      t.verdict != Verdict::skipped;
            seconds += t.seconds;
        }
        auto suite = suites.append_child("testsuite");
        suite.append_attribute("name") = ("Lab " + lab.lab.id + ": " + lab.lab.title).c_str();
        suite.append_attribute("tests") = static_cast<int>(lab.tests.size());
        suite.append_attribute("failures") = failures;
        suite.append_attribute("errors") = errors;
        suite.append_attribute("skipped") = skipped;
        suite.append_attribute("time") = seconds;
        for (const auto& t : lab.tests) add_testcase(suite, lab, t);
    }
    doc.save_file(path.c_str(), "  ", pugi::format_default, pugi::encoding_utf8);
}

}  // namespace grader
