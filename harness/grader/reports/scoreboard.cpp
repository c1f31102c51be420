// The console scoreboard and the Markdown summary: what a student reads after `make`.
#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "course/todo_words.hpp"  // not todo.hpp: clang 14 (the fuzz build) lacks source_location
#include "reports/reports.hpp"

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

// What the task's failed tests need first (note_needs()), each once, the first to do first.
static std::vector<NeededTask> needs_of(const std::vector<const TestResult*>& failed) {
    std::vector<NeededTask> needs;
    for (const auto* t : failed) {
        for (const auto& need : t->needs) {
            bool known = std::any_of(needs.begin(), needs.end(), [&](const NeededTask& n) {
                return n.lab == need.lab && n.task == need.task;
            });
            if (!known)
                needs.push_back(need);
        }
    }
    std::stable_sort(needs.begin(), needs.end(), [](const NeededTask& a, const NeededTask& b) {
        return a.lab != b.lab ? a.lab < b.lab : a.task < b.task;
    });
    return needs;
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
    auto needs = needs_of(failed);
    if (!needs.empty())
        out << "      " << needs_sentence(needs) << "\n";
    if (style.failure_lines > 0 && not_started(lab, task.number, failed)) {
        if (needs.empty())
            out << "      not started: its TODO is at " << todo_location(*first_todo(failed))
                << "\n";
        return;
    }
    for (const auto& t : lab.tests) {
        if (t.spec.task == task.number && t.verdict != Verdict::pass)
            out << describe_failure(t, style, previous);
    }
    if (!failed.empty())
        out << "      → re-read " << lesson_of(lab, task) << "\n";
}

// For a lab shown as not started: which of its tasks need other labs' unfinished tasks
// first ("Tasks 2, 3, 4: needs Lab 03 Task 1 (spawn) first: ..."), one line per need.
static void print_needs_of_lab(const LabResult& lab, std::ostream& out) {
    std::vector<std::pair<std::string, std::vector<int>>> lines;  // sentence, tasks
    for (const auto& task : lab.lab.tasks) {
        std::string sentence = needs_sentence(needs_of(failures_of(lab, task.number)));
        if (sentence.empty())
            continue;
        auto same = std::find_if(lines.begin(), lines.end(),
                                 [&](const auto& line) { return line.first == sentence; });
        if (same == lines.end())
            lines.push_back({sentence, {task.number}});
        else
            same->second.push_back(task.number);
    }
    for (const auto& [sentence, tasks] : lines) {
        std::string numbers;
        for (int task : tasks)
            numbers += (numbers.empty() ? "" : ", ") + std::to_string(task);
        out << fmt::format("  Task{} {}: {}\n", tasks.size() == 1 ? "" : "s", numbers, sentence);
    }
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

// The lab of the course with id @p id, graded here or not (nullptr when there is none).
static const LabSpec* spec_of(const CourseResult& result, const std::string& id) {
    for (const auto& lab : result.course) {
        if (lab.id == id)
            return &lab;
    }
    for (const auto& lab : result.labs) {
        if (lab.lab.id == id)
            return &lab.lab;
    }
    return nullptr;
}

static const LabResult* result_of(const CourseResult& result, const std::string& id) {
    for (const auto& lab : result.labs) {
        if (lab.lab.id == id)
            return &lab;
    }
    return nullptr;
}

// The lab whose folder @p lab's first compile error is in: a lab it builds on
// ("labs/03-spawn/spawn.cpp:12: error: ..." under Lab 04), or its own.
static const LabSpec& lab_of_error(const CourseResult& result, const LabResult& lab) {
    for (const auto& other : result.course) {
        if (other.id != lab.lab.id && lab.build_error.rfind("labs/" + other.slug + "/", 0) == 0)
            return other;
    }
    return lab.lab;
}

// A lab that does not compile comes first: nothing of it can be graded until it does.
static bool print_compile_step(const CourseResult& result, std::ostream& out) {
    for (const auto& lab : result.labs) {
        if (!lab.compile_failed())
            continue;
        const LabSpec& broken = lab_of_error(result, lab);
        if (broken.id == lab.lab.id) {
            out << fmt::format(
                "\nNext: make Lab {} compile (its first error is above), then: make grade "
                "LAB={}\n",
                lab.lab.id, lab.lab.id);
        } else {
            out << fmt::format(
                "\nNext: make Lab {0} compile: Lab {1}'s first error above is in Lab {0}, which "
                "Lab {1} builds on; then: make grade LAB={0}\n",
                broken.id, lab.lab.id);
        }
        return true;
    }
    return false;
}

// The way to start task @p task of @p lab: its TODO when a stub's todo() is still there
// (this run's failures, or its sources), else the first visible test of it that failed here.
static void print_how_to_start(const CourseResult& result, const LabSpec& lab, int task,
                               std::ostream& out) {
    if (const LabResult* graded = result_of(result, lab.id)) {
        auto failed = failures_of(*graded, task);
        if (not_started(*graded, task, failed)) {
            out << "  write it at its TODO in " << todo_location(*first_todo(failed)) << "\n";
            return;
        }
        if (!failed.empty() && !failed.front()->spec.hidden) {
            out << "  make " << failed.front()->spec.name << " pass (its failure is above)\n";
            return;
        }
    }
    auto todos = result.todos.find(lab.id);
    if (todos != result.todos.end() && todos->second.count(task) > 0)
        out << "  write it at its TODO in " << todos->second.at(task) << "\n";
}

// The next step for a task of @p lab that failed and needs @p need, another lab's
// unfinished task, first: that task.
static void print_needed_step(const CourseResult& result, const LabResult& lab,
                              const TaskSpec& task, const NeededTask& need, std::ostream& out) {
    const LabSpec* needed = spec_of(result, need.lab);
    const TaskSpec* needed_task = needed ? needed->task(need.task) : nullptr;
    out << fmt::format("\nNext: Lab {}, Task {} ({}): Lab {} Task {} needs it ({}) first\n",
                       need.lab, need.task, needed_task ? needed_task->title : need.what,
                       lab.lab.id, task.number, need.what);
    if (needed)
        print_how_to_start(result, *needed, need.task, out);
    out << "  read " << need.lesson << "\n"
        << fmt::format("  then check it: make grade LAB={}\n", need.lab);
}

// The first task of the labs graded here that does not pass, or what it needs first.
static bool print_failing_step(const CourseResult& result, std::ostream& out) {
    for (const auto& lab : result.labs) {
        for (const auto& task : lab.lab.tasks) {
            auto failed = failures_of(lab, task.number);
            if (failed.empty())
                continue;
            if (auto needs = needs_of(failed); !needs.empty()) {
                print_needed_step(result, lab, task, needs.front(), out);
                return true;
            }
            out << fmt::format("\nNext: Lab {}, Task {} ({})\n", lab.lab.id, task.number,
                               task.title);
            print_how_to_start(result, lab.lab, task.number, out);
            out << "  read " << lesson_of(lab, task) << "\n"
                << fmt::format("  then check it: make grade LAB={}\n", lab.lab.id);
            return true;
        }
    }
    return false;
}

// "Lab 04 passes", "Labs 03, 04 and 07 pass".
static std::string labs_pass(const CourseResult& result) {
    std::string ids;
    for (std::size_t i = 0; i < result.labs.size(); ++i) {
        ids += (i == 0 ? "" : i + 1 == result.labs.size() ? " and " : ", ") + result.labs[i].lab.id;
    }
    return result.labs.size() == 1 ? "Lab " + ids + " passes" : "Labs " + ids + " pass";
}

// Every lab graded here passes: "well done" only when that is every lab of the course; else
// the first task of another lab whose stub's todo() is still in its sources.
static void print_beyond_step(const CourseResult& result, std::ostream& out) {
    std::vector<const LabSpec*> others;
    for (const auto& lab : result.course) {
        if (result_of(result, lab.id) == nullptr)
            others.push_back(&lab);
    }
    if (others.empty()) {
        out << "\nEvery lab passes: well done.\n";
        return;
    }
    out << "\n" << labs_pass(result) << "; the other labs were not graded in this run.\n";
    for (const LabSpec* lab : others) {
        auto todos = result.todos.find(lab->id);
        if (todos == result.todos.end() || todos->second.empty())
            continue;
        auto [number, where] = *todos->second.begin();
        const TaskSpec* task = lab->task(number);
        out << fmt::format("Next: Lab {}, Task {} ({})\n", lab->id, number, task ? task->title : "")
            << "  write it at its TODO in " << where << "\n";
        if (task)
            out << "  read lessons/" << lab->lesson << "#" << task->section << "\n";
        out << fmt::format("  then check it: make grade LAB={}\n", lab->id);
        return;
    }
    out << "None of them has a TODO left: make grade grades every lab.\n";
}

void print_next_step(const CourseResult& full, std::ostream& out) {
    CourseResult result = shown_to_students(full);  // a hidden failure is no next step
    if (result.labs.empty() || print_compile_step(result, out) || print_failing_step(result, out))
        return;
    print_beyond_step(result, out);
}

void print_scoreboard_head(Flavor flavor, std::ostream& out) {
    out << fmt::format("\n== Scoreboard ({} code) ==\n", to_string(flavor));
}

void print_scoreboard_lab(const LabResult& graded, std::ostream& out,
                          const ScoreboardStyle& style) {
    LabResult shown = graded;
    if (!style.show_hidden)
        std::erase_if(shown.tests, [](const TestResult& t) { return t.spec.hidden; });
    const LabResult& lab = shown;
    std::string line = fmt::format("Lab {}: {:<53} {:>5} / {}", lab.lab.id, lab.lab.title,
                                   points_text(lab.score()), points_text(lab.max_score()));
    if (style.failure_lines > 0 && lab_not_started(lab) && !lab.flagged()) {
        out << "\n" << line << "   not started\n";
        print_needs_of_lab(lab, out);
        print_warnings(lab, out);
        return;
    }
    out << "\n" << line << "\n";
    if (lab.flagged())
        print_flag(lab, out);
    if (!lab.built && !lab.compile_failed()) {
        print_warnings(lab, out);
        out << "  ✗ not graded: " << lab.build_error << "\n";
        return;
    }
    bool distrusted = std::any_of(lab.tests.begin(), lab.tests.end(), [](const TestResult& t) {
        return t.verdict == Verdict::integrity;
    });
    if (!lab.built && !distrusted) {
        // The error first: the warnings that follow it are often its consequences (a
        // function that no longer returns, a variable left unused).
        out << "  ✗ does not compile:\n" << indent(console_safe(lab.build_error), "      ") << "\n";
        if (!lab.build_log.empty())
            out << "      (full log: " << lab.build_log << ")\n";
        print_warnings(lab, out);
        return;
    }
    print_warnings(lab, out);
    std::string previous;
    for (const auto& task : lab.lab.tasks)
        print_task(lab, task, out, style, previous);
    if (!style.show_hidden)
        print_hidden_note(lab, out);
}

void print_scoreboard_total(const CourseResult& full, std::ostream& out,
                            const ScoreboardStyle& style) {
    CourseResult shown = style.show_hidden ? CourseResult{} : shown_to_students(full);
    const CourseResult& result = style.show_hidden ? full : shown;
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

void print_scoreboard(const CourseResult& result, std::ostream& out, const ScoreboardStyle& style) {
    print_scoreboard_head(result.flavor, out);
    for (const auto& lab : result.labs)
        print_scoreboard_lab(lab, out, style);
    print_scoreboard_total(result, out, style);
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
            std::string needs;
            if (!t.needs.empty()) {
                needs = fmt::format(", needs Lab {} Task {} first", t.needs.front().lab,
                                    t.needs.front().task);
            }
            failed += (failed.empty() ? "" : ", ") +
                      fmt::format("`{}` ({}{})", t.spec.name, to_string(t.verdict), needs);
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
