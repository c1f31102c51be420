#include "framework_results.hpp"

#include <pugixml.hpp>

#include "hsys/io.hpp"

namespace grader {

// Catch2's XML for one test case: a few KiB; anything past this is not read.
constexpr std::size_t kResultFileCap = 4 << 20;

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

std::vector<std::string> catch2_test_command(const std::string& executable, const std::string& test,
                                             const std::string& result_file) {
    // Catch2 selects test cases by name: lab.json holds the TEST_CASE's exact name.
    return {executable, catch2_test_spec(test), "--reporter", "xml", "--out", result_file};
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
    // The test's process wrote this file: read it as untrusted (a FIFO, a link, /dev/zero
    // or a flood must not block or exhaust the grader).
    std::string text;
    try {
        text = hsys::read_file_bounded(result_file, kResultFileCap);
    } catch (const std::system_error&) {
        return result;  // not written, or not a regular file
    }
    pugi::xml_document doc;
    if (!doc.load_buffer(text.data(), text.size()))
        return result;  // cut short, or not XML
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

}  // namespace grader
