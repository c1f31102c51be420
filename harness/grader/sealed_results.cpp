#include "sealed_results.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

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

std::vector<std::string> sealed_test_command(const std::string& framework,
                                             const std::string& executable,
                                             const std::string& test) {
    // The test main adds its canary itself: its name is never on the command line.
    if (framework == "catch2") {
        // Catch2 selects test cases by name (lab.json holds the TEST_CASE's exact name);
        // in declaration order the canary, registered by the test main, runs last.
        return {executable, catch2_test_spec(test), "--order", "decl"};
    }
    return {executable, "--gtest_filter=" + test, "--gtest_color=no"};
}

namespace {

// The state of one run's records as they are read in order.
struct Reading {
    explicit Reading(const std::string& test_name) : test(test_name) {}

    const std::string& test;
    FrameworkResult result;
    bool canary_reported = false;
    bool canary_failed = false;

    // Applies one record; @returns a problem, or "" when the record fits.
    std::string apply(const json& record) {
        std::string kind = record.value("kind", "");
        std::string name = record.value("test", "");
        if (result.ended)
            return "a record came after the end of the run";
        if (kind == "begin") {
            if (name != test)
                return "a test the grader did not ask for ran (" + name + ")";
            if (result.began)
                return "the test ran twice (is there a second test of the same name?)";
            result.began = true;
            return "";
        }
        if (kind == "result") {
            if (name != test || !result.began || result.found)
                return "a result came for a test that was not running (" + name + ")";
            std::string outcome = record.value("outcome", "");
            if (outcome != "pass" && outcome != "fail" && outcome != "skip")
                return "a result has no outcome";
            result.found = true;
            result.passed = outcome == "pass";
            result.skipped = outcome == "skip";
            result.message = record.value("message", "");
            return "";
        }
        if (kind == "canary") {
            // After the graded test's result (or with none: no test of that name ran).
            if ((result.began && !result.found) || canary_reported)
                return "the canary's result came out of turn";
            canary_reported = true;
            canary_failed = record.value("failed", false);
            return "";
        }
        if (kind == "end") {
            result.ended = true;
            result.end_code = record.value("exit_code", -1);
            if (!canary_reported)
                return "the run ended without its canary test";
            if (!canary_failed) {
                return "the canary test, which must fail, passed: something in the test's "
                       "process is hiding failures";
            }
            return "";
        }
        return "a record of an unknown kind (" + kind + ")";
    }
};

}  // namespace

FrameworkResult read_sealed_result(const std::string& stream, std::size_t stream_bytes,
                                   std::size_t cap, const harness::channel::Secret& secret,
                                   const std::string& test) {
    Reading reading(test);
    reading.result.sealed = true;
    if (stream_bytes > cap) {
        reading.result.integrity =
            fmt::format("{} bytes came on the result channel, more than the {} a test sends",
                        stream_bytes, cap);
        return reading.result;
    }
    auto opened = harness::channel::open(secret, stream);
    for (const auto& payload : opened.payloads) {
        json record = json::parse(payload, nullptr, false);
        std::string problem =
            record.is_object() ? reading.apply(record) : "a sealed record is not a JSON object";
        if (!problem.empty()) {
            reading.result.integrity = problem;
            return reading.result;
        }
    }
    if (!opened.problem.empty())
        reading.result.integrity = opened.problem;
    return reading.result;
}

}  // namespace grader
