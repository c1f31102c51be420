// Grades the hostile "submissions" (hostile_tests.cpp) exactly as the grader grades a lab,
// with every protection apply_protections() turns on, and checks the guarantees of
// harness/README.md, "The sandbox": each test gets its expected verdict (expected.json)
// with a plain message, ends within its time limit + 1 s, the report is complete and
// valid, and no process the grading started is left alive.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "course/file.hpp"
#include "course_result.hpp"
#include "harness/testsupport.hpp"
#include "hsys/proc.hpp"
#include "hsys/temp_dir.hpp"
#include "protections.hpp"

namespace {

using nlohmann::json;

struct Expectation {
    std::string test;
    std::string verdict;
    std::string words;     // the message must hold them ("" for none)
    std::string may_skip;  // why it may skip itself (expected.json "may_skip"), or ""
};

// The expected verdicts; without namespaces, with the fallback's differences.
std::vector<Expectation> load_expectations(double& time_limit, bool isolated) {
    json root = json::parse(course::read_file(HOSTILE_EXPECTED));
    time_limit = root.at("time_limit").get<double>();
    json overrides = json::object();
    if (!isolated)
        overrides.update(root.at("fallback"));
    if (!isolated && ::geteuid() != 0 && ::access(COURSE_SOURCE_DIR, W_OK) == 0) {
        overrides.update(root.at("fallback_writable_course"));
    }
    std::vector<Expectation> expected;
    for (const auto& row : root.at("tests")) {
        // Explicit get<>() throughout: json converts implicitly in some versions only.
        auto test = row.at(0).get<std::string>();
        auto usual = row.at(1).get<std::string>();
        std::string verdict = overrides.value(test, usual);
        std::string words = row.size() > 2 ? row.at(2).get<std::string>() : "";
        std::string may_skip = root.at("may_skip").value(test, "");
        expected.push_back({test, verdict, verdict == usual ? words : "", may_skip});
    }
    return expected;
}

grader::LabSpec hostile_lab(const std::vector<Expectation>& expected, double time_limit) {
    grader::LabSpec lab;
    lab.id = "98";
    lab.slug = "98-hostile";
    lab.title = "Hostile submissions";
    lab.lesson = "98-hostile.md";
    lab.framework = "gtest";
    lab.time_limit = time_limit;
    lab.tasks = {{1, "Survive", "survive"}};
    for (const auto& e : expected)
        lab.tests.push_back({e.test, 1, 1, false, e.may_skip});
    lab.student = {"hostile_tests", HOSTILE_TESTS};
    return lab;
}

// Every live process whose executable is the hostile test program, from a /proc scan.
std::vector<pid_t> hostile_processes() {
    std::vector<pid_t> found;
    auto program = std::filesystem::weakly_canonical(HOSTILE_TESTS).string();
    for (pid_t pid : hsys::list_pids()) {
        char exe[4096] = {};
        std::string link = "/proc/" + std::to_string(pid) + "/exe";
        if (::readlink(link.c_str(), exe, sizeof exe - 1) <= 0)
            continue;  // ended since the scan, or not ours to inspect
        if (program == exe)
            found.push_back(pid);
    }
    return found;
}

TEST(HostileSuite, EveryHazardGetsItsVerdictAndNothingSurvives) {
    grader::GradeOptions options;
    options.build = false;
    options.source_dir = COURSE_SOURCE_DIR;
    grader::CourseResult course;
    course.protections = grader::apply_protections(options.limits);
    double time_limit = 0;
    auto expected = load_expectations(time_limit, options.limits.isolate);
    for (const auto& p : course.protections)
        std::cout << "  protection: " << p << "\n";
    auto start = std::chrono::steady_clock::now();
    course.labs.push_back(grader::grade_lab(hostile_lab(expected, time_limit), options));
    course.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto& results = course.labs[0].tests;
    ASSERT_EQ(results.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const auto& r = results[i];
        std::printf("  %-42s %-19s %5.2f s  %s\n", expected[i].test.c_str(),
                    grader::to_string(r.verdict).c_str(), r.seconds,
                    r.message.substr(0, r.message.find('\n')).c_str());
        EXPECT_EQ(grader::to_string(r.verdict), expected[i].verdict)
            << expected[i].test << ": " << r.message << "\n--- output:\n"
            << r.output.substr(0, 2000);
        EXPECT_NE(r.message.find(expected[i].words), std::string::npos)
            << expected[i].test << ": the message should say " << expected[i].words << ": "
            << r.message;
        if (r.verdict != grader::Verdict::pass) {
            EXPECT_FALSE(r.message.empty()) << expected[i].test << " has no message";
        }
        EXPECT_LE(r.seconds, time_limit + 1) << expected[i].test << " ran past its limit + 1 s";
    }
    std::printf("  %zu tests graded in %.1f s\n", results.size(), course.seconds);
    // The report: written to a file, complete, valid JSON, a verdict for every test.
    hsys::TempDir dir("hostile-report");
    grader::write_report_json(course, (dir.path() / "report.json").string());
    json report = json::parse(course::read_file((dir.path() / "report.json").string()));
    ASSERT_EQ(report.at("tests").size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(report["tests"][i].at("verdict").get<std::string>(), expected[i].verdict)
            << expected[i].test;
    }
    EXPECT_FALSE(report.at("protections").empty());
    // Nothing survives: no child of ours, no process running the hostile program.
    EXPECT_TRUE(harness::children_of(::getpid()).empty()) << "the grader left a child";
    EXPECT_TRUE(hostile_processes().empty()) << "a hostile process survived the grading";
    if (!options.limits.isolate) {
        std::error_code ignored;  // the fallback's shared /tmp keeps the poison
        std::filesystem::remove("/tmp/hostile-poison", ignored);
    }
}

}  // namespace
