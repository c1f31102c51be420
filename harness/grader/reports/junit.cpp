// JUnit XML (the Ant/Surefire dialect CI dashboards read): <testsuites> holding one
// <testsuite> per lab, one <testcase> per test, each non-pass with <failure> (an assertion
// failed), <error> (any other verdict: crash, timeout, compile error...) or <skipped>,
// and what the test printed in <system-out>. Hidden tests are left out, counts included
// (students may see this file: harness/README.md, "Hidden tests"). Only the elements and
// attributes of Jenkins' JUnit schema (junit-10.xsd) are written, and times with 3 decimals, so
// that Jenkins, GitLab and the other consumers that validate against it accept the file.
#include <fmt/format.h>

#include <pugixml.hpp>
#include <string>

#include "reports/reports.hpp"
#include "results/text_safety.hpp"

namespace grader {

static void set(pugi::xml_node node, const char* name, const std::string& value) {
    node.append_attribute(name) = xml_safe(value).c_str();
}

// Seconds as the schema's consumers parse them: a decimal with at most 3 digits after the point.
static void set_time(pugi::xml_node node, double seconds) {
    node.append_attribute("time") = fmt::format("{:.3f}", seconds < 0 ? 0.0 : seconds).c_str();
}

static void add_text(pugi::xml_node node, const std::string& text) {
    node.append_child(pugi::node_pcdata).set_value(xml_safe(text).c_str());
}

static void add_testcase(pugi::xml_node suite, const LabResult& lab, const TestResult& t) {
    auto testcase = suite.append_child("testcase");
    auto dot = t.spec.name.find('.');
    bool dotted = dot != std::string::npos;  // GoogleTest "Suite.Test"; Catch2 names have none
    set(testcase, "classname",
        "lab" + lab.lab.id + (dotted ? "." + t.spec.name.substr(0, dot) : ""));
    set(testcase, "name", dotted ? t.spec.name.substr(dot + 1) : t.spec.name);
    set_time(testcase, t.seconds);
    if (t.verdict == Verdict::pass)
        return;
    if (t.verdict == Verdict::skipped) {
        set(testcase.append_child("skipped"), "message", t.message);
    } else {
        auto problem = testcase.append_child(t.verdict == Verdict::fail ? "failure" : "error");
        set(problem, "type", to_string(t.verdict));
        std::string message = reported_message(t);
        set(problem, "message", first_lines(message, 1));
        add_text(problem, message + (t.timeline.empty() ? "" : "\n" + t.timeline) +
                              (t.lesson.empty() ? "" : "\nRe-read: " + t.lesson));
    }
    if (!t.output.empty())
        add_text(testcase.append_child("system-out"), t.output);
}

void write_junit_xml(const CourseResult& full, const std::string& path) {
    CourseResult result = shown_to_students(full);
    pugi::xml_document doc;
    auto suites = doc.append_child("testsuites");
    set(suites, "name", "course-" + to_string(result.flavor));
    int all_tests = 0, all_failures = 0, all_errors = 0;
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
        set(suite, "name", "Lab " + lab.lab.id + ": " + lab.lab.title);
        suite.append_attribute("tests") = static_cast<int>(lab.tests.size());
        suite.append_attribute("failures") = failures;
        suite.append_attribute("errors") = errors;
        suite.append_attribute("skipped") = skipped;
        set_time(suite, seconds);
        for (const auto& t : lab.tests)
            add_testcase(suite, lab, t);
        all_tests += static_cast<int>(lab.tests.size());
        all_failures += failures;
        all_errors += errors;
    }
    suites.append_attribute("tests") = all_tests;
    suites.append_attribute("failures") = all_failures;
    suites.append_attribute("errors") = all_errors;
    // No "skipped" here: the schema knows it on <testsuite> only.
    set_time(suites, result.seconds);
    doc.save_file(path.c_str(), "  ", pugi::format_default, pugi::encoding_utf8);
}

}  // namespace grader
