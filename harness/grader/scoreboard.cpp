// The console scoreboard and the Markdown summary: what a student reads after `make`.
#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "course/todo.hpp"
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

static std::string indent(const std::string& text, const std::string& prefix) {
    std::string out = prefix;
    for (char c : text) {
        out += c;
        if (c == '\n')
            out += prefix;
    }
    return out;
}

// Where a stub's todo() said its task is to be written ("labs/01-process/process.cpp:42"),
// from the test's message ("" when the test did not reach a todo()).
static std::string todo_location(const TestResult& t) {
    static const std::string kMarker =
        std::string(course::kNotImplementedWords) + ": write it at its TODO in ";
    auto at = t.message.find(kMarker);
    if (t.verdict != Verdict::fail || at == std::string::npos)
        return "";
    auto start = at + kMarker.size();
    return t.message.substr(start, t.message.find_first_of("\n )\"", start) - start);
}

// The task's tests that did not pass (hidden ones too, for an instructor's result).
static std::vector<const TestResult*> failures_of(const LabResult& lab, int task) {
    std::vector<const TestResult*> failed;
    for (const auto& t : lab.tests) {
        if (t.spec.task == task && t.verdict != Verdict::pass && t.verdict != Verdict::skipped)
            failed.push_back(&t);
    }
    return failed;
}

// The first of @p failed that reached a stub's todo(), or nullptr.
static const TestResult* first_todo(const std::vector<const TestResult*>& failed) {
    for (const auto* t : failed) {
        if (!todo_location(*t).empty())
            return t;
    }
    return nullptr;
}

// Not started: nothing passes, and most failures are a stub's todo() (the others are
// what a todo() in a child process or in a lab this one builds on looks like).
static bool not_started(const LabResult& lab, int task,
                        const std::vector<const TestResult*>& failed) {
    auto todos = std::count_if(failed.begin(), failed.end(),
                               [](const TestResult* t) { return !todo_location(*t).empty(); });
    return todos > 0 && 2 * static_cast<std::size_t>(todos) >= failed.size() &&
           lab.task_score(task).first == 0;
}

// Not started: at its baseline, and every task that fails is not started.
static bool lab_not_started(const LabResult& lab) {
    if (!lab.built || lab.score() != lab.lab.baseline)
        return false;
    bool any = false;
    for (const auto& task : lab.lab.tasks) {
        auto failed = failures_of(lab, task.number);
        if (failed.empty())
            continue;
        if (!not_started(lab, task.number, failed))
            return false;
        any = true;
    }
    return any;
}

static std::string lesson_of(const LabResult& lab, const TaskSpec& task) {
    return "lessons/" + lab.lab.lesson + "#" + task.section;
}

// One failed test: its verdict, then its message cut at style.failure_lines; a message
// the test before it in the lab gave too (@p previous: the lab's inspection refusing every
// test, say) is said once.
static std::string describe_failure(const TestResult& t, const ScoreboardStyle& style,
                                    std::string& previous) {
    std::string mark = t.verdict == Verdict::skipped ? "–" : "✗";
    std::string text = fmt::format("    {} {}{}  [{}]\n", mark, t.spec.name,
                                   t.spec.hidden ? " (hidden)" : "", to_string(t.verdict));
    if (t.verdict == Verdict::compile_error)
        return text;
    if (!t.message.empty() && t.message == previous && style.failure_lines > 0)
        return text + "        (the same as above)\n";
    previous = t.message;
    std::string message = console_safe(t.message);
    std::string shown =
        style.failure_lines > 0 ? first_lines(message, style.failure_lines) : message;
    std::string timeline = console_safe(t.timeline);
    if (!timeline.empty())
        shown +=
            "\n" + (style.failure_lines > 0 ? first_lines(timeline, kTimelineLines) : timeline);
    bool cut = shown != message + (timeline.empty() ? "" : "\n" + timeline);
    if (cut)
        shown += fmt::format("\n(the rest: make grade LAB={} TEST={})", t.lab, t.spec.name);
    return text + indent(shown, "        ") + "\n";
}

static void print_task(const LabResult& lab, const TaskSpec& task, std::ostream& out,
                       const ScoreboardStyle& style, std::string& previous) {
    bool graded = std::any_of(lab.tests.begin(), lab.tests.end(),
                              [&](const TestResult& t) { return t.spec.task == task.number; });
    if (!graded)
        return;  // none of its tests was graded (make grade TEST=...)
    auto [score, max_score] = lab.task_score(task.number);
    auto failed = failures_of(lab, task.number);
    std::string mark = score == max_score ? "✓" : "✗";
    out << fmt::format("  {} Task {}: {:<48} {:>5} / {}\n", mark, task.number, task.title,
                       points_text(score), points_text(max_score));
    if (style.failure_lines > 0 && not_started(lab, task.number, failed)) {
        out << "      not started: its TODO is at " << todo_location(*first_todo(failed)) << "\n";
        return;
    }
    for (const auto& t : lab.tests) {
        if (t.spec.task == task.number && t.verdict != Verdict::pass)
            out << describe_failure(t, style, previous);
    }
    if (!failed.empty())
        out << "      → re-read " << lesson_of(lab, task) << "\n";
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

// The compiler's warnings in the student's code: a few, briefly; the log has them all.
static void print_warnings(const LabResult& lab, std::ostream& out) {
    constexpr std::size_t kShown = 3;
    if (lab.warnings.empty())
        return;
    out << fmt::format("  ⚠ {} compiler warning{} in your code:\n", lab.warnings.size(),
                       lab.warnings.size() == 1 ? "" : "s");
    for (std::size_t i = 0; i < lab.warnings.size() && i < kShown; ++i)
        out << "      " << console_safe(lab.warnings[i]) << "\n";
    if (lab.warnings.size() > kShown)
        out << fmt::format("      ... and {} more ({})\n", lab.warnings.size() - kShown,
                           lab.build_log);
}

// Students learn that a lab has hidden tests, never how they did: the totals shown leave
// them out (harness/README.md, "Hidden tests").
static void print_hidden_note(const LabResult& lab, std::ostream& out) {
    if (int hidden = hidden_test_count(lab); hidden > 0) {
        out << fmt::format("  + {} hidden test{}: graded apart, not in these totals\n", hidden,
                           hidden == 1 ? "" : "s");
    }
}

void print_next_step(const CourseResult& full, std::ostream& out) {
    CourseResult result = shown_to_students(full);  // a hidden failure is no next step
    for (const auto& lab : result.labs) {
        if (lab.compile_failed()) {
            out << fmt::format(
                "\nNext: make Lab {} compile (its first error is above), then: "
                "make grade LAB={}\n",
                lab.lab.id, lab.lab.id);
            return;
        }
        for (const auto& task : lab.lab.tasks) {
            auto failed = failures_of(lab, task.number);
            if (failed.empty())
                continue;
            out << fmt::format("\nNext: Lab {}, Task {} ({})\n", lab.lab.id, task.number,
                               task.title);
            if (not_started(lab, task.number, failed)) {
                out << "  write it at its TODO in " << todo_location(*first_todo(failed)) << "\n";
            } else if (!failed.front()->spec.hidden) {
                out << "  make " << failed.front()->spec.name << " pass (its failure is above)\n";
            }
            out << "  read " << lesson_of(lab, task) << "\n"
                << fmt::format("  then check it: make grade LAB={}\n", lab.lab.id);
            return;
        }
    }
    if (!result.labs.empty())
        out << "\nEvery lab graded here passes: well done.\n";
}

void print_scoreboard(const CourseResult& full, std::ostream& out, const ScoreboardStyle& style) {
    CourseResult shown = style.show_hidden ? CourseResult{} : shown_to_students(full);
    const CourseResult& result = style.show_hidden ? full : shown;
    out << fmt::format("\n== Scoreboard ({} code) ==\n", to_string(result.flavor));
    for (const auto& lab : result.labs) {
        std::string line = fmt::format("Lab {}: {:<53} {:>5} / {}", lab.lab.id, lab.lab.title,
                                       points_text(lab.score()), points_text(lab.max_score()));
        if (style.failure_lines > 0 && lab_not_started(lab) && !lab.flagged()) {
            out << "\n" << line << "   not started\n";
            print_warnings(lab, out);
            continue;
        }
        out << "\n" << line << "\n";
        if (lab.flagged())
            print_flag(lab, out);
        print_warnings(lab, out);
        if (!lab.built && !lab.compile_failed()) {
            out << "  ✗ not graded: " << lab.build_error << "\n";
            continue;
        }
        bool distrusted = std::any_of(lab.tests.begin(), lab.tests.end(), [](const TestResult& t) {
            return t.verdict == Verdict::integrity;
        });
        if (!lab.built && !distrusted) {
            out << "  ✗ does not compile:\n"
                << indent(console_safe(lab.build_error), "      ") << "\n";
            if (!lab.build_log.empty())
                out << "      (full log: " << lab.build_log << ")\n";
            continue;
        }
        std::string previous;
        for (const auto& task : lab.lab.tasks)
            print_task(lab, task, out, style, previous);
        if (!style.show_hidden)
            print_hidden_note(lab, out);
    }
    out << fmt::format("\nTotal: {} / {}   ({:.1f} s)\n", points_text(result.score()),
                       points_text(result.max_score()), result.seconds);
    if (int missed = result.not_run(); missed > 0) {
        out << fmt::format(
            "{} test(s) stopped by the deadline: the run's {:g} s are shared between the labs "
            "(each the time left divided between the labs left). A test that times out uses up "
            "its lab's share: fix those first.\n",
            missed, result.deadline_seconds);
    }
}

std::string markdown_summary(const CourseResult& full) {
    CourseResult result = shown_to_students(full);  // GitHub shows it to the student
    std::string md = fmt::format("## Lab scores ({} code): {} / {}\n\n", to_string(result.flavor),
                                 points_text(result.score()), points_text(result.max_score()));
    md += "| Lab | Title | Score | Failed tests |\n|---|---|---|---|\n";
    for (const auto& lab : result.labs) {
        std::string failed;
        for (const auto& t : lab.tests) {
            if (t.verdict == Verdict::pass)
                continue;
            failed += (failed.empty() ? "" : ", ") +
                      fmt::format("`{}` ({})", t.spec.name, to_string(t.verdict));
        }
        md += fmt::format("| {} | {} | {} / {} | {} |\n", lab.lab.id, lab.lab.title,
                          points_text(lab.score()), points_text(lab.max_score()),
                          failed.empty() ? "—" : failed);
    }
    for (const auto& lab : result.labs) {
        if (int hidden = hidden_test_count(lab); hidden > 0)
            md += fmt::format("\nLab {}: + {} hidden test(s), graded apart, not in these totals.\n",
                              lab.lab.id, hidden);
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
