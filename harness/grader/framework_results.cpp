#include "framework_results.hpp"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "course/file.hpp"

namespace grader {

using nlohmann::json;

std::string catch2_test_spec(const std::string& name) {
    std::string spec;
    for (char c : name) {
        // Catch2 reads these as separators, tags, quotes or escapes; '~' only leading.
        if (c == '\\' || c == ',' || c == '[' || c == ']' || c == '"' ||
            (c == '~' && spec.empty())) {
            spec += '\\';
        }
        spec += c;
    }
    return spec;
}

// @p text without the blank lines and indentation Catch2's XML puts around it.
static std::string trimmed(const std::string& text) {
    auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return "";
    auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

std::vector<std::string> single_test_command(const std::string& framework,
                                             const std::string& executable, const std::string& test,
                                             const std::string& result_file) {
    if (framework == "catch2") {
        // Catch2 selects test cases by name: lab.json holds the TEST_CASE's exact name.
        return {executable, catch2_test_spec(test), "--reporter", "xml", "--out", result_file};
    }
    return {executable, "--gtest_filter=" + test, "--gtest_output=json:" + result_file,
            "--gtest_color=no"};
}

// @p text without the newlines that end it: GoogleTest 1.16 ends each message of its JSON
// with one, older versions do not.
static std::string without_final_newlines(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    return text;
}

// Joins the "failure" texts of a GoogleTest test object into one message.
static std::string join_failures(const json& test) {
    std::string message;
    for (const auto& failure : test.value("failures", json::array())) {
        if (!message.empty())
            message += "\n";
        message += without_final_newlines(failure.value("failure", ""));
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
        if (s.value("name", "") != suite)
            continue;
        for (const auto& t : s.value("testsuite", json::array())) {
            if (t.value("name", "") != name)
                continue;
            result.found = t.value("status", "") == "RUN";
            result.skipped = t.value("result", "") == "SKIPPED";
            result.message = join_failures(t);
            for (const auto& skip : t.value("skipped", json::array())) {
                result.message += without_final_newlines(skip.value("message", ""));
            }
            result.passed = result.found && !t.contains("failures") && !result.skipped;
        }
    }
    return result;
}

// The text of one failure element of Catch2's XML, in the console reporter's words.
static std::string describe_catch2_failure(pugi::xml_node node, const std::string& infos) {
    std::string where =
        std::string(node.attribute("filename").value()) + ":" + node.attribute("line").value();
    std::string name = node.name();
    std::string text;
    if (name == "Expression") {
        text = where + "\n  " + node.attribute("type").value() + "( " +
               trimmed(node.child_value("Original")) + " )";
        if (auto thrown = node.child("Exception")) {  // then there is nothing to expand
            text +=
                "\ndue to unexpected exception with message:\n  " + trimmed(thrown.child_value());
        } else {
            text += "\nwith expansion:\n  " + trimmed(node.child_value("Expanded"));
        }
    } else if (name == "Exception") {
        text = where + "\nunexpected exception with message:\n  " + trimmed(node.child_value());
    } else if (name == "FatalErrorCondition") {
        text = where + "\nfatal error condition: " + trimmed(node.child_value());
    } else {  // Failure: FAIL(...), FAIL_CHECK(...), the leak check
        text = where + "\n  " + trimmed(node.child_value());
    }
    if (!infos.empty())
        text += "\nwith messages:" + infos;
    return text;
}

// Walks one <TestCase> in document order: INFO messages go with the failure that follows.
// A SKIP (Catch2 v3) leaves its reason in @p skip.
static void collect_catch2_failures(pugi::xml_node parent, std::string& infos, std::string& message,
                                    std::string& skip) {
    for (auto node : parent.children()) {
        std::string name = node.name();
        if (name == "Skip") {
            skip = trimmed(node.child_value());
        } else if (name == "Info") {
            infos += "\n  " + trimmed(node.child_value());
        } else if ((name == "Expression" && !node.attribute("success").as_bool(true)) ||
                   name == "Failure" || name == "Exception" || name == "FatalErrorCondition") {
            if (!message.empty())
                message += "\n";
            message += describe_catch2_failure(node, infos);
            infos.clear();
        } else if (name == "Section") {
            collect_catch2_failures(node, infos, message, skip);
        }
    }
}

FrameworkResult read_catch2_xml(const std::string& result_file, const std::string& test) {
    FrameworkResult result;
    pugi::xml_document doc;
    if (!doc.load_file(result_file.c_str()))
        return result;  // not written, or cut short
    for (auto node : doc.select_nodes("//TestCase")) {
        pugi::xml_node test_case = node.node();
        if (test != test_case.attribute("name").value())
            continue;
        auto overall = test_case.child("OverallResult");
        if (!overall)
            continue;  // the test case never finished
        result.found = true;
        std::string infos, skip;
        collect_catch2_failures(test_case, infos, result.message, skip);
        // v2's <Catch><Group><TestCase> and v3's <Catch2TestRun><TestCase> read alike; v3
        // also counts SKIP()s (OverallResult skips="1"), which v2 does not have.
        result.skipped = overall.attribute("skips").as_int() > 0 && result.message.empty();
        if (result.skipped)
            result.message = skip;
        // A failure the XML shows counts even if Catch2 totalled the case as a success.
        result.passed =
            overall.attribute("success").as_bool() && result.message.empty() && !result.skipped;
    }
    return result;
}

FrameworkResult read_framework_result(const std::string& framework, const std::string& result_file,
                                      const std::string& test) {
    return framework == "catch2" ? read_catch2_xml(result_file, test)
                                 : read_gtest_json(result_file, test);
}

}  // namespace grader
