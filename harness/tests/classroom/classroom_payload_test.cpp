// Tests that no GitHub Classroom result the grader writes can exceed what the workflow can
// hand the reporter: one environment variable of at most 128 KiB (Linux's MAX_ARG_STRLEN)
// per lab, base64-encoded, and all of them together well under ARG_MAX. The worst case is
// built here: every test of every lab failing with a long message made of what JSON
// escapes most (control bytes, quotes, broken UTF-8), and two labs whose compile error,
// repeated in each of their tests, is as long.
#include <gtest/gtest.h>

#include <algorithm>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "course/file.hpp"
#include "hsys/temp_dir.hpp"
#include "reports/reports.hpp"

namespace {
using nlohmann::json;

constexpr std::size_t kEnvironmentLimit = 128 * 1024;  // MAX_ARG_STRLEN, "NAME=value\0"

// The length of @p bytes bytes in base64 (what `base64 -w0` prints).
std::size_t base64_size(std::size_t bytes) {
    return (bytes + 2) / 3 * 4;
}

// 64 KiB of the text JSON makes longest: control bytes (\u0001), quotes, broken UTF-8.
std::string nasty_text() {
    std::string text;
    while (text.size() < 64 * 1024)
        text += "\x01\"\\\xff<std::vector<int>> error: \xe2\x82\xac\n";
    return text;
}

// A lab of @p count tests, every one failed with a long message (or, when
// @p compile_error, the lab does not compile and every test says why at length).
grader::LabResult failing_lab(int id, int count, bool compile_error) {
    grader::LabResult lab;
    lab.lab.id = (id < 10 ? "0" : "") + std::to_string(id);
    lab.lab.slug = lab.lab.id + "-lab";
    lab.lab.title = "Lab " + lab.lab.id;
    lab.built = !compile_error;
    lab.build_error = compile_error ? nasty_text() : "";
    for (int n = 0; n < count; ++n) {
        grader::TestResult t;
        t.spec = {"LongTest.Number" + std::to_string(n), 1, 1, n % 7 == 6, ""};
        t.lab = lab.lab.id;
        t.verdict = compile_error ? grader::Verdict::compile_error : grader::Verdict::fail;
        t.message = (compile_error ? "the lab does not compile: " : "") + nasty_text();
        t.lesson = "lessons/" + lab.lab.slug + ".md#a-section-with-a-long-anchor";
        t.output = nasty_text();
        lab.tests.push_back(t);
    }
    return lab;
}

// Tests that each lab's Classroom result, base64-encoded, fits one environment variable,
// and that all of them together stay under 1 MiB, in the worst case.
TEST(ClassroomPayloadTest, EveryLabFitsOneEnvironmentVariable) {
    grader::CourseResult result;
    for (int id = 1; id <= 9; ++id)
        result.labs.push_back(failing_lab(id, 80, id == 1 || id == 3));
    hsys::TempDir dir("classroom-payload");
    std::size_t total = 0;
    for (const auto& lab : result.labs) {
        auto path = (dir.path() / ("classroom-" + lab.lab.id + ".json")).string();
        grader::write_classroom_json(result, path, lab.lab.id);
        std::string text = course::read_file(path);
        std::string variable = "LAB" + lab.lab.id + "_RESULTS=";
        std::size_t size = variable.size() + base64_size(text.size()) + 1;
        EXPECT_LT(size, kEnvironmentLimit) << "Lab " << lab.lab.id << ": " << size << " bytes";
        json parsed = json::parse(text);
        // Each visible test, and one entry for the lab's hidden tests together.
        auto hidden = std::count_if(lab.tests.begin(), lab.tests.end(),
                                    [](const auto& t) { return t.spec.hidden; });
        EXPECT_EQ(parsed["tests"].size(), lab.tests.size() - hidden + (hidden > 0));
        EXPECT_EQ(parsed["status"], lab.built ? "fail" : "error");
        EXPECT_FALSE(parsed["tests"][0]["message"].get<std::string>().empty());
        total += size;
    }
    EXPECT_LT(total, 1024u * 1024) << "all the labs' variables together";
}

}  // namespace
