#include "results/lab_result.hpp"

#include <cmath>

namespace grader {

std::string to_string(Flavor flavor) {
    return flavor == Flavor::student ? "student" : "reference";
}

double hundredths(double points) {
    return std::round(points * 100) / 100;
}

double LabResult::score() const {
    double total = 0;
    for (const auto& t : tests)
        total += t.score;
    return hundredths(total);
}

int LabResult::not_run() const {
    int count = 0;
    for (const auto& t : tests)
        count += t.verdict == Verdict::not_run;
    return count;
}

bool LabResult::compile_failed() const {
    return ungraded.empty() && !built && not_run() < static_cast<int>(tests.size());
}

bool LabResult::flagged() const {
    return !flag_reason().empty();
}

std::string LabResult::flag_reason() const {
    if (!ungraded.empty())
        return "not graded: " + ungraded;
    int untrusted = 0;
    for (const auto& t : tests)
        untrusted += t.verdict == Verdict::integrity;
    std::string reason;
    if (untrusted > 0)
        reason = std::to_string(untrusted) + " test result(s) could not be trusted (integrity)";
    if (!review.empty()) {
        reason += (reason.empty() ? "" : "; ") + std::to_string(review.size()) +
                  " note(s) on the sources or the compiled code need review";
    }
    std::string leftovers;
    for (const auto& t : tests) {
        if (!t.leftover.empty())
            leftovers += (leftovers.empty() ? "" : ", ") + t.spec.name + " (" + t.leftover + ")";
    }
    if (!leftovers.empty()) {
        reason += (reason.empty() ? "" : "; ") +
                  std::string(
                      "the grader could not remove at once what these tests left in "
                      "their scratch folders: ") +
                  leftovers;
    }
    return reason;
}

std::pair<double, double> LabResult::task_score(int task) const {
    double earned = 0, available = 0;
    for (const auto& t : tests) {
        if (t.spec.task != task)
            continue;
        earned += t.score;
        if (t.verdict != Verdict::skipped)
            available += t.spec.points;
    }
    return {hundredths(earned), hundredths(available)};
}

double LabResult::max_score() const {
    double total = 0;
    for (const auto& t : tests) {
        if (t.verdict != Verdict::skipped)
            total += t.spec.points;
    }
    return hundredths(total);
}

}  // namespace grader
