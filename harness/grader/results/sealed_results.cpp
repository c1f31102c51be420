#include "results/sealed_results.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "results/text_safety.hpp"

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

// What a sealed record's fields may hold: the channel's records are authentic (sealed with
// the run's key), but the process that sealed them runs the student's code, so each field
// is checked for its type, range and size before it is read. The table below is the whole
// schema: a field is added or dropped here, in one line.
enum class FieldType { string, integer, boolean };

struct FieldRule {
    const char* name;
    FieldType type;
    std::int64_t min = 0;                    // integer: the smallest value allowed
    std::int64_t max = 0;                    // integer: the largest; string: the most bytes
    std::vector<std::string_view> one_of{};  // string: the only values allowed (none: any)
    bool optional = false;                   // may be left out
};

struct KindRule {
    std::string_view kind;
    std::vector<FieldRule> fields;  // no other field allowed (but "kind")
};

// A test's name: GoogleTest's "Suite.Name" or a Catch2 test case's name, a few KiB at most.
constexpr std::int64_t kMaxName = 4096;
constexpr std::int64_t kMaxMessage = harness::channel::kMaxPayload;
// A failed test's process timeline (harness/src/testsupport/process_timeline.hpp).
constexpr std::int64_t kMaxTimeline = 16 * 1024;

const std::vector<KindRule>& record_kinds() {
    static const std::vector<KindRule> kinds = {
        {"begin", {{"test", FieldType::string, 0, kMaxName}}},
        {"result",
         {{"test", FieldType::string, 0, kMaxName},
          {"outcome", FieldType::string, 0, 4, {"pass", "fail", "skip"}},
          {"message", FieldType::string, 0, kMaxMessage, {}, true},
          {"timeline", FieldType::string, 0, kMaxTimeline, {}, true}}},
        {"canary", {{"failed", FieldType::boolean}}},
        {"tampered", {{"reason", FieldType::string, 0, 1024}}},
        {"end", {{"exit_code", FieldType::integer, 0, 255}}},
    };
    return kinds;
}

// Why @p value cannot be field @p rule ("" when it can).
std::string field_problem(const FieldRule& rule, const json& value) {
    std::string what = fmt::format("its field \"{}\"", rule.name);
    switch (rule.type) {
        case FieldType::boolean:
            return value.is_boolean() ? "" : what + " is not true or false";
        case FieldType::integer:
            if (!value.is_number_integer())
                return what + " is not an integer";
            if (value.is_number_unsigned()
                    ? value.get<std::uint64_t>() > static_cast<std::uint64_t>(rule.max)
                    : value.get<std::int64_t>() < rule.min || value.get<std::int64_t>() > rule.max)
                return fmt::format("{} is not between {} and {}", what, rule.min, rule.max);
            return "";
        case FieldType::string:
            if (!value.is_string())
                return what + " is not a string";
            const auto& text = value.get_ref<const std::string&>();
            if (text.size() > static_cast<std::size_t>(rule.max))
                return fmt::format("{} is longer than {} bytes", what, rule.max);
            if (!rule.one_of.empty() &&
                std::find(rule.one_of.begin(), rule.one_of.end(), text) == rule.one_of.end())
                return what + " is not one of the values a test sends";
            return "";
    }
    return what + " has no rule";
}

// Why @p record is not a record the test main sends ("" when it is one): a JSON object
// whose "kind" is in record_kinds(), with exactly that kind's fields, each as its rule says.
std::string record_problem(const json& record) {
    if (!record.is_object())
        return "a sealed record is not a JSON object";
    auto kind = record.find("kind");
    if (kind == record.end() || !kind->is_string())
        return "a sealed record has no kind";
    const auto& name = kind->get_ref<const std::string&>();
    const auto& kinds = record_kinds();
    auto rule =
        std::find_if(kinds.begin(), kinds.end(), [&](const KindRule& k) { return k.kind == name; });
    if (rule == kinds.end())
        return "a sealed record is of an unknown kind";
    std::size_t known = 1;  // "kind"
    for (const auto& field : rule->fields) {
        auto value = record.find(field.name);
        known += value != record.end();
        std::string problem;
        if (value == record.end() && !field.optional)
            problem = fmt::format("its field \"{}\" is missing", field.name);
        else if (value != record.end())
            problem = field_problem(field, *value);
        if (!problem.empty())
            return "a sealed \"" + name + "\" record is malformed: " + problem;
    }
    if (record.size() != known)
        return "a sealed \"" + name + "\" record has a field the test main never sends";
    return "";
}

// @p name as a message may quote it: its first 200 bytes, control characters escaped.
std::string shown_name(const std::string& name) {
    constexpr std::size_t kShown = 200;
    return console_safe(name.substr(0, kShown)) + (name.size() > kShown ? "..." : "");
}

// The state of one run's records as they are read in order.
struct Reading {
    explicit Reading(const std::string& test_name) : test(test_name) {}

    const std::string& test;
    FrameworkResult result;
    bool canary_reported = false;
    bool canary_failed = false;

    // Applies one record that record_problem() accepted; @returns a problem, or "" when
    // the record fits the run so far.
    std::string apply(const json& record) {
        const auto& kind = record.at("kind").get_ref<const std::string&>();
        std::string name = record.contains("test") ? record.at("test").get<std::string>() : "";
        if (result.ended)
            return "a record came after the end of the run";
        if (kind == "begin") {
            if (name != test)
                return "a test the grader did not ask for ran (" + shown_name(name) + ")";
            if (result.began)
                return "the test ran twice (is there a second test of the same name?)";
            result.began = true;
            return "";
        }
        if (kind == "result") {
            if (name != test || !result.began || result.found)
                return "a result came for a test that was not running (" + shown_name(name) + ")";
            const auto& outcome = record.at("outcome").get_ref<const std::string&>();
            result.found = true;
            result.passed = outcome == "pass";
            result.skipped = outcome == "skip";
            result.message = record.value("message", std::string());
            result.timeline = record.value("timeline", std::string());
            return "";
        }
        if (kind == "tampered")  // the test main saw lab code forge the framework's state
            return "the test main saw this: " +
                   shown_name(record.at("reason").get_ref<const std::string&>());
        if (kind == "canary") {
            // After the graded test's result (or with none: no test of that name ran).
            if ((result.began && !result.found) || canary_reported)
                return "the canary's result came out of turn";
            canary_reported = true;
            canary_failed = record.at("failed").get<bool>();
            return "";
        }
        // "end": record_problem() admits no other kind.
        result.ended = true;
        result.end_code = record.at("exit_code").get<int>();
        if (!canary_reported)
            return "the run ended without its canary test";
        if (!canary_failed) {
            return "the canary test, which must fail, passed: something in the test's "
                   "process is hiding failures";
        }
        return "";
    }
};

// read_sealed_result() without the guard against exceptions.
FrameworkResult read_records(const std::string& stream, std::size_t stream_bytes, std::size_t cap,
                             const harness::channel::Secret& secret, const std::string& test) {
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
        std::string problem = record_problem(record);
        if (problem.empty())
            problem = reading.apply(record);
        if (!problem.empty()) {
            reading.result.integrity = problem;
            return reading.result;
        }
    }
    if (!opened.problem.empty())
        reading.result.integrity = opened.problem;
    return reading.result;
}

}  // namespace

FrameworkResult read_sealed_result(const std::string& stream, std::size_t stream_bytes,
                                   std::size_t cap, const harness::channel::Secret& secret,
                                   const std::string& test) noexcept {
    try {
        return read_records(stream, stream_bytes, cap, secret, test);
    } catch (const std::exception& e) {  // out of memory, or a case the schema missed
        FrameworkResult failed;
        failed.sealed = true;
        failed.integrity =
            std::string("the result channel's records could not be read (") + e.what() + ")";
        return failed;
    }
}

}  // namespace grader
