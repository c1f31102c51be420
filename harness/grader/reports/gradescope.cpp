// The hosted platforms' result files.
//
// Gradescope's results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
// top-level score, execution_time, output, output_format, visibility, stdout_visibility;
// one entry per test with score, max_score, name, number, output, output_format,
// visibility (lab.json's, per lab and per test), status. Outputs are Markdown ("md"), compiler
// messages in code blocks: as the default HTML, `std::vector<int>` would lose its `<int>`.
//
// GitHub Classroom's runner result, as classroom-resources/autograding-command-grader
// writes it and autograding-grading-reporter reads it: version, status, max_score, tests.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "reports/platform_text.hpp"
#include "reports/reports.hpp"

namespace grader {

using nlohmann::json;

// @p text as a Markdown code block, its fence longer than any run of backticks inside, so
// that `std::vector<int>` or `*p` in a compiler message shows as written.
static std::string fenced(const std::string& text) {
    std::size_t longest = 0, run = 0;
    for (char c : text) {
        run = c == '`' ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    std::string fence(std::max<std::size_t>(3, longest + 1), '`');
    return fence + "text\n" + text + "\n" + fence + "\n";
}

// A failed test's output for Gradescope, in Markdown: the verdict, the message as code,
// the lesson to re-read.
static std::string gradescope_output(const TestResult& t) {
    if (t.verdict == Verdict::pass)
        return "";
    std::string text =
        "**" + to_string(t.verdict) + "**\n\n" + fenced(first_lines(reported_message(t), 20));
    if (!t.timeline.empty())
        text += "\n" + fenced(first_lines(t.timeline, kTimelineLines));
    if (!t.lesson.empty())
        text += "\nRe-read: `" + t.lesson + "`\n";
    return text;
}

// When Gradescope shows students @p t's result: lab.json's visibility (the test's own, else
// its lab's), and never for a hidden test.
static std::string visibility_of(const TestResult& t) {
    return t.spec.hidden ? "hidden" : t.spec.visibility;
}

// Gradescope's tests[] for @p lab: its visible tests numbered NN.1, NN.2, ... in lab.json's
// order, then its hidden ones numbered after them, so that no number tells where a hidden
// test sits among the visible ones. Hidden: never shown to students, counted in the score.
static void add_gradescope_tests(const LabResult& lab, json& tests) {
    int index = 0;
    for (bool hidden : {false, true}) {
        for (const auto& t : lab.tests) {
            if (t.spec.hidden != hidden)
                continue;
            tests.push_back({{"score", t.score},
                             {"max_score", t.verdict == Verdict::skipped ? 0.0 : t.spec.points},
                             {"name", "Lab " + lab.lab.id + " · " + t.spec.name},
                             {"number", lab.lab.id + "." + std::to_string(++index)},
                             {"output", gradescope_output(t)},
                             {"output_format", "md"},
                             {"status", t.verdict == Verdict::pass ? "passed" : "failed"},
                             {"visibility", visibility_of(t)}});
        }
    }
}

// The tests of @p lab whose results Gradescope does not show at once, by when it shows
// them, as lines of the overview ("" when there are none).
static std::string held_back(const LabResult& lab) {
    int hidden = 0, after_due_date = 0, after_published = 0;
    for (const auto& t : lab.tests) {
        std::string when = visibility_of(t);
        hidden += when == "hidden";
        after_due_date += when == "after_due_date";
        after_published += when == "after_published";
    }
    std::string text;
    if (hidden > 0) {
        text += fmt::format(
            "  - and {} hidden test(s), not in this total: they count in your score, "
            "shown once the grades are published\n",
            hidden);
    }
    if (after_due_date > 0)
        text += fmt::format("  - and {} test(s) shown after the due date, not in this total\n",
                            after_due_date);
    if (after_published > 0) {
        text += fmt::format(
            "  - and {} test(s) shown once the grades are published, not in this total\n",
            after_published);
    }
    return text;
}

void write_gradescope_results(const CourseResult& full, const std::string& path) {
    json tests = json::array();
    for (const auto& lab : full.labs)
        add_gradescope_tests(lab, tests);
    // The overview is visible: its totals count only the tests students see at once.
    CourseResult result = full;
    for (auto& lab : result.labs)
        std::erase_if(lab.tests, [](const TestResult& t) { return visibility_of(t) != "visible"; });
    std::string overview = result.submission + "## Scores\n\n";
    for (std::size_t i = 0; i < result.labs.size(); ++i) {
        const auto& lab = result.labs[i];
        overview += "- **Lab " + lab.lab.id + "** (" + lab.lab.title +
                    "): " + points_text(lab.score()) + " / " + points_text(lab.max_score()) + "\n";
        const auto& whole = full.labs[i];
        overview += held_back(whole);
        if (whole.compile_failed())
            overview +=
                "\nLab " + lab.lab.id + " does not compile:\n\n" + fenced(lab.build_error) + "\n";
        if (int missed = whole.not_run(); missed > 0) {  // tells nothing of a result
            overview += fmt::format(
                "  - {} test(s) stopped by the deadline (the run's {:g} s, shared "
                "between the labs)\n",
                missed, result.deadline_seconds);
        }
        if (lab.flagged())
            overview += "  - flagged for the instructor's review: " + lab.flag_reason() + "\n";
    }
    json results = {
        {"score", full.score()},   {"execution_time", static_cast<int>(result.seconds + 0.5)},
        {"output", overview},      {"output_format", "md"},
        {"visibility", "visible"}, {"stdout_visibility", "hidden"},
        {"tests", tests}};
    write_json(results, path);
}

// A lab's hidden tests, for Classroom (whose reporter shows every entry to the student):
// one entry, their points together, which the total shows anyway; no test's own result.
static void add_classroom_hidden(const LabResult& lab, json& tests, bool& all_passed) {
    double score = 0, available = 0;
    int count = 0;
    for (const auto& t : lab.tests) {
        if (!t.spec.hidden)
            continue;
        ++count;
        score += t.score;
        available += t.verdict == Verdict::skipped ? 0.0 : t.spec.points;
    }
    if (count == 0)
        return;
    score = hundredths(score);
    available = hundredths(available);
    all_passed = all_passed && score == available;
    tests.push_back({{"name", fmt::format("Lab {} · {} hidden test(s)", lab.lab.id, count)},
                     {"status", score == available ? "pass" : "fail"},
                     {"score", score},
                     {"message", ""},
                     {"test_code", ""},
                     {"filename", ""},
                     {"line_no", 0},
                     {"duration", 0}});
}

// One runner's result for @p labs, each visible test's message cut at @p message_cap bytes.
static json classroom_runner(const std::vector<const LabResult*>& labs, std::size_t message_cap) {
    json tests = json::array();
    bool all_passed = true, any_ran = false;
    double max_score = 0;
    for (const auto* lab : labs) {
        max_score += lab->max_score();
        for (const auto& t : lab->tests) {
            any_ran = any_ran || t.verdict != Verdict::compile_error;
            if (t.spec.hidden)
                continue;
            all_passed =
                all_passed && (t.verdict == Verdict::pass || t.verdict == Verdict::skipped);
            bool ok = t.verdict == Verdict::pass;
            tests.push_back(
                {{"name", "Lab " + lab->lab.id + " · " + t.spec.name},
                 {"status", ok ? "pass" : (t.verdict == Verdict::fail ? "fail" : "error")},
                 {"score", t.score},
                 {"message", cut_text(student_output(t), message_cap)},
                 {"test_code", ""},
                 {"filename", lab->lab.slug},
                 {"line_no", 0},
                 {"duration", static_cast<int>(t.seconds * 1000 + 0.5)}});
        }
        add_classroom_hidden(*lab, tests, all_passed);
    }
    // "error": nothing could run (every lab failed to compile), as the reporter defines it.
    std::string status = all_passed ? "pass" : (any_ran ? "fail" : "error");
    return {
        {"version", 1}, {"status", status}, {"max_score", hundredths(max_score)}, {"tests", tests}};
}

// Makes the sum of @p values, added left to right in doubles, @p total exactly (the double
// nearest a number of hundredths), by moving the last non-zero value by the rounding the sum
// gathered on its way: a few units in its last place. Nothing changes when the sum is exact
// already, or when no such move makes it so.
static void land_sum_on(const std::vector<json*>& values, double total) {
    double sum = 0, before_last = 0;
    json* last = nullptr;
    for (auto* value : values) {
        double x = value->get<double>();
        if (x != 0) {
            last = value;
            before_last = sum;
        }
        sum += x;
    }
    if (last == nullptr || sum == total)
        return;
    double moved = total - before_last;  // the values after the last one are zeros
    if (before_last + moved == total && std::abs(moved - last->get<double>()) < 1e-9)
        *last = moved;
}

// Classroom's reporter adds every runner's max_score and every test's score in JavaScript's
// floating point, runners in the order the workflow names them (lab order), and its "Points
// X/Y" line, the one Classroom records, shows that sum: 29 tests of 3.44 or 3.45 points make
// 100.00000000000003 there, where every report says 100. The reporter shows no test's own
// score, so the last test that scores takes up that rounding (land_sum_on): first in each
// runner, whose sum its table shows, then in the last one for the whole sum, which comes
// first (a table row of the last runner may then show the rounding); the last runner's
// max_score likewise. With one runner (one lab graded) every sum it shows is exact.
static void land_classroom_sums(std::vector<json>& runners, double score, double max) {
    std::vector<json*> scores, maxima;
    for (auto& runner : runners) {
        if (runner["max_score"].get<double>() == 0)
            continue;  // the reporter skips such a runner's points
        maxima.push_back(&runner["max_score"]);
        std::vector<json*> own;
        double sum = 0;
        for (auto& test : runner["tests"]) {
            own.push_back(&test["score"]);
            sum += test["score"].get<double>();
        }
        land_sum_on(own, hundredths(sum));
        scores.insert(scores.end(), own.begin(), own.end());
    }
    land_sum_on(scores, score);
    land_sum_on(maxima, max);
}

void write_classroom_json(const CourseResult& result, const std::string& path,
                          const std::string& lab_id) {
    // The runners the workflow hands the reporter with this file's: one per lab
    // (classroom-NN.json), or one for the whole run (classroom.json).
    std::vector<std::vector<const LabResult*>> runners;
    std::size_t mine = result.labs.size();  // none: a lab this run did not grade
    for (const auto& lab : result.labs) {
        if (lab_id.empty() && !runners.empty()) {
            runners[0].push_back(&lab);
            continue;
        }
        if (lab_id.empty() || lab.lab.id == lab_id)
            mine = runners.size();
        runners.push_back({&lab});
    }
    if (mine == runners.size())
        runners.emplace_back();  // an empty runner, added last: it changes no sum
    // Messages shrink until the whole fits: escapes and U+FFFD can make text grow 6-fold.
    auto build = [&](std::size_t cap) {
        std::vector<json> results;
        for (const auto& labs : runners)
            results.push_back(classroom_runner(labs, cap));
        land_classroom_sums(results, result.score(), result.max_score());
        return results[mine];
    };
    std::string text = json_text_within(build, kClassroomMessageCap, kClassroomMaxBytes);
    std::ofstream(path) << text << "\n";
}

}  // namespace grader
