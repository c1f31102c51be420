#include "framework_results.hpp"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "course/file.hpp"

namespace grader {

using nlohmann::json;

std::vector<std::string> single_test_command(const std::string& framework,
                                             const std::string& executable,
                                             const std::string& test,
                                             const std::string& result_file) {
    if (framework == "catch2") {
        // Catch2 names tests by their full name; "Suite.Test" maps to the test case name.
        return {executable, test, "--reporter", "xml", "--out", result_file};
    }
    return {executable, "--gtest_filter=" + test, "--gtest_output=json:" + result_file,
            "--gtest_color=no"};
}

// Joins the "failure" texts of a GoogleTest test object into one message.
static std::string join_failures(const json& test) {
    std::string message;
    for (const auto& failure : test.value("failures", json::array())) {
        if (!message.empty()) message += "\n";
        message += failure.value("failure", "");
    }
    return message;
}

FrameworkResult read_gtest_json(const std::string& result_file, const std::string& test) {
    FrameworkResult result;
    json root;
    try {
        root = json::parse(course::read_file(result_file));
    } catch (const std::exception&) {
        return result;  // not written (the process died first) or cut short
    }
    auto dot = test.find('.');
    std::string suite = test.substr(0, dot);
    std::string name = dot == std::string::npos ? "" : test.substr(dot + 1);
    for (const auto& s : root.value("testsuites", json::array())) {
        if (s.value("name", "") != suite) continue;
        for (const auto& t : s.value("testsuite", json::array())) {
            if (t.value("name", "") != name) continue;
            result.found = t.value("status", "") == "RUN";
            result.skipped = t.value("result", "") == "SKIPPED";
            result.message = join_failures(t);
            for (const auto& skip : t.value("skipped", json::array())) {
                result.message += skip.value("message", "");
            }
            result.passed = result.found && !t.contains("failures") && !result.skipped;
        }
    }
    return result;
}

FrameworkResult read_catch2_xml(const std::string& result_file, const std::string& test) {
    FrameworkResult result;
    pugi::xml_document doc;
    if (!doc.load_file(result_file.c_str())) return result;
    for (auto node : doc.select_nodes("//TestCase")) {
        pugi::xml_node test_case = node.node();
        if (test != test_case.attribute("name").value()) continue;
        result.found = true;
        result.passed = test_case.child("OverallResult").attribute("success").as_bool();
        for (auto failure : test_case.select_nodes(".//Expression[@success='false']")) {
            auto expression = failure.node();
            if (!result.message.empty()) result.message += "\n";
            result.message += std::string(expression.attribute("filename").value()) + ":" +
                              expression.attribute("line").value() + "\n  " +
                              expression.child_value("Original") + "\nwith expansion:\n  " +
                              expression.child_value("Expanded");
        }
        for (auto thrown : test_case.select_nodes(".//Exception | .//FatalErrorCondition")) {
            result.message += std::string("\nexception: ") + thrown.node().child_value();
        }
    }
    return result;
}

FrameworkResult read_framework_result(const std::string& framework,
                                      const std::string& result_file, const std::string& test) {
    return framework == "catch2" ? read_catch2_xml(result_file, test)
                                 : read_gtest_json(result_file, test);
}

}  // namespace grader
