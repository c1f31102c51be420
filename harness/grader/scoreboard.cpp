// The console scoreboard and the Markdown summary: what a student reads after `make`.
#include <fmt/format.h>

#include <sstream>

#include "course_result.hpp"

namespace grader {

std::string first_lines(const std::string& text, int max_lines) {
    std::istringstream lines(text);
    std::string line, kept;
    for (int n = 0; std::getline(lines, line); ++n) {
        if (n == max_lines)
            return kept + "\n…";
        kept += (n ? "\n" : "") + line;
    }
    return kept;
}

static std::string points(double value) {
    return fmt::format("{:g}", value);
}

static std::string indent(const std::string& text, const std::string& prefix) {
    std::string out = prefix;
    for (char c : text) {
        out += c;
        if (c == '\n')
            out += prefix;
    }
    return out;
}

static void print_task(const LabResult& lab, const TaskSpec& task, std::ostream& out,
                       bool show_hidden) {
    auto [score, max_score] = lab.task_score(task.number);
    std::string failures;
    std::string lesson;
    int hidden = 0, hidden_failed = 0;
    for (const auto& t : lab.tests) {
        if (t.spec.task != task.number)
            continue;
        hidden += t.spec.hidden;
        hidden_failed += t.spec.hidden && t.verdict != Verdict::pass;
        if (t.verdict == Verdict::pass || (t.spec.hidden && !show_hidden))
            continue;
        std::string mark = t.verdict == Verdict::skipped ? "–" : "✗";
        failures += fmt::format("    {} {}{}  [{}]\n", mark, t.spec.name,
                                t.spec.hidden ? " (hidden)" : "", to_string(t.verdict));
        if (t.verdict != Verdict::compile_error) {
            failures += indent(console_safe(first_lines(t.message, 4)), "        ") + "\n";
        }
        if (!t.lesson.empty())
            lesson = t.lesson;
    }
    std::string mark = score == max_score ? "✓" : "✗";
    out << fmt::format("  {} Task {}: {:<48} {:>5} / {}\n", mark, task.number, task.title,
                       points(score), points(max_score));
    out << failures;
    // Students see that hidden tests exist and count, never which one failed or why.
    if (hidden > 0 && !show_hidden) {
        out << fmt::format("    + {} hidden test{} ({} not passed)\n", hidden,
                           hidden == 1 ? "" : "s", hidden_failed);
    }
    if (!lesson.empty())
        out << "      → re-read " << lesson << "\n";
}

// A lab an instructor should look at: why, and the first lines worth a look.
static void print_flag(const LabResult& lab, std::ostream& out) {
    out << "  ⚠ flagged for review: " << lab.flag_reason() << "\n";
    std::size_t shown = 0;
    for (const auto& note : lab.review) {
        if (shown++ == 5) {
            out << fmt::format("      ... and {} more (report.json)\n", lab.review.size() - 5);
            break;
        }
        out << fmt::format("      {}:{}: {}\n", note.file, note.line, note.what);
    }
}

void print_scoreboard(const CourseResult& result, std::ostream& out, bool show_hidden) {
    out << fmt::format("\n== Scoreboard ({} code) ==\n", to_string(result.flavor));
    for (const auto& lab : result.labs) {
        out << fmt::format("\nLab {}: {:<53} {:>5} / {}\n", lab.lab.id, lab.lab.title,
                           points(lab.score()), points(lab.max_score()));
        if (lab.flagged())
            print_flag(lab, out);
        if (!lab.built && !lab.compile_failed()) {
            out << "  ✗ not graded: " << lab.build_error << "\n";
            continue;
        }
        if (!lab.built) {
            out << "  ✗ does not compile:\n"
                << indent(console_safe(lab.build_error), "      ") << "\n";
            if (!lab.build_log.empty())
                out << "      (full log: " << lab.build_log << ")\n";
            continue;
        }
        for (const auto& task : lab.lab.tasks)
            print_task(lab, task, out, show_hidden);
    }
    out << fmt::format("\nTotal: {} / {}   ({:.1f} s)\n", points(result.score()),
                       points(result.max_score()), result.seconds);
    if (int missed = result.not_run(); missed > 0) {
        out << fmt::format(
            "{} test(s) not run: the run's deadline ({:g} s) was reached. Tests that time out "
            "use up the run's time: fix those first.\n",
            missed, result.deadline_seconds);
    }
}

std::string markdown_summary(const CourseResult& result) {
    std::string md = fmt::format("## Lab scores ({} code): {} / {}\n\n", to_string(result.flavor),
                                 points(result.score()), points(result.max_score()));
    md += "| Lab | Title | Score | Failed tests |\n|---|---|---|---|\n";
    for (const auto& lab : result.labs) {
        std::string failed;
        for (const auto& t : lab.tests) {
            if (t.verdict == Verdict::pass || t.spec.hidden)
                continue;
            failed += (failed.empty() ? "" : ", ") +
                      fmt::format("`{}` ({})", t.spec.name, to_string(t.verdict));
        }
        md += fmt::format("| {} | {} | {} / {} | {} |\n", lab.lab.id, lab.lab.title,
                          points(lab.score()), points(lab.max_score()),
                          failed.empty() ? "—" : failed);
    }
    std::string flagged;
    for (const auto& lab : result.labs) {
        if (lab.flagged())
            flagged += fmt::format("- Lab {}: {}\n", lab.lab.id, lab.flag_reason());
    }
    if (!flagged.empty())
        md += "\n### ⚠ Needs review\n\n" + flagged;
    return md;
}

}  // namespace grader
