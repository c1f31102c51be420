// A grading run's totals, what students may see of it, and its points in hundredths.
#include "results/course_result.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace grader {

double CourseResult::score() const {
    double total = 0;
    for (const auto& lab : labs)
        total += lab.score();
    return hundredths(total);
}

int CourseResult::not_run() const {
    int count = 0;
    for (const auto& lab : labs)
        count += lab.not_run();
    return count;
}

double CourseResult::max_score() const {
    double total = 0;
    for (const auto& lab : labs)
        total += lab.max_score();
    return hundredths(total);
}

CourseResult shown_to_students(const CourseResult& result) {
    CourseResult shown = result;
    for (auto& lab : shown.labs)
        std::erase_if(lab.tests, [](const TestResult& t) { return t.spec.hidden; });
    return shown;
}

std::string reported_message(const TestResult& t) {
    std::string needs = needs_sentence(t.needs);
    if (needs.empty())
        return t.message;
    return t.message.empty() ? needs : needs + "\n" + t.message;
}

int hidden_test_count(const LabResult& lab) {
    return static_cast<int>(std::count_if(lab.lab.tests.begin(), lab.lab.tests.end(),
                                          [](const TestSpec& t) { return t.hidden; }));
}

std::string points_text(double points) {
    std::string text = fmt::format("{:.2f}", hundredths(points));
    text.erase(text.find_last_not_of('0') + 1);  // "2.50" -> "2.5", "3.00" -> "3."
    if (text.back() == '.')
        text.pop_back();
    return text == "-0" ? "0" : text;
}

// Each counted test's exact share of @p total_cents, in whole hundredths: its share rounded
// down, then one more hundredth to each of the largest remainders (the first declared on a
// tie) until the shares add up to @p total_cents. A share within a millionth of a whole
// number is that number (1 point is 100 hundredths, not 99.99999999999999).
static std::vector<long long> apportion(const std::vector<double>& shares, long long total_cents) {
    std::vector<long long> cents(shares.size());
    std::vector<std::pair<double, std::size_t>> remainders;
    long long given = 0;
    for (std::size_t i = 0; i < shares.size(); ++i) {
        double nearest = std::round(shares[i]);
        cents[i] = std::abs(shares[i] - nearest) < 1e-6 ? static_cast<long long>(nearest)
                                                        : static_cast<long long>(shares[i]);
        remainders.emplace_back(shares[i] - static_cast<double>(cents[i]), i);
        given += cents[i];
    }
    std::stable_sort(remainders.begin(), remainders.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t k = 0; given < total_cents && k < remainders.size(); ++k, ++given)
        ++cents[remainders[k].second];
    return cents;
}

void scale_points(CourseResult& result, double max) {
    double exact = 0;  // the counted tests' points as lab.json gives them
    for (const auto& lab : result.labs) {
        for (const auto& t : lab.tests)
            exact += t.verdict == Verdict::skipped ? 0.0 : t.spec.points;
    }
    result.scale = max > 0 ? max : 0;
    double total = max > 0 ? max : exact;
    double factor = exact > 0 ? total / exact : 1;
    std::vector<double> shares;
    for (const auto& lab : result.labs) {
        for (const auto& t : lab.tests) {
            if (t.verdict != Verdict::skipped)
                shares.push_back(t.spec.points * factor * 100);
        }
    }
    auto cents = apportion(shares, std::llround(total * 100));
    std::size_t next = 0;
    for (auto& lab : result.labs) {
        for (auto& t : lab.tests) {
            double points = t.verdict == Verdict::skipped
                                ? hundredths(t.spec.points * factor)
                                : static_cast<double>(cents[next++]) / 100;
            // A pass earns the test's points; anything else its share of them.
            t.score = t.score == t.spec.points ? points : hundredths(t.score * factor);
            t.spec.points = points;
        }
        for (auto& spec : lab.lab.tests) {
            auto graded =
                std::find_if(lab.tests.begin(), lab.tests.end(),
                             [&](const TestResult& t) { return t.spec.name == spec.name; });
            spec.points =
                graded != lab.tests.end() ? graded->spec.points : hundredths(spec.points * factor);
        }
    }
}

}  // namespace grader
