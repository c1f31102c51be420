// What a failed test needs first (needs.hpp): the unfinished tasks of the labs its task uses.
#include "results/needs.hpp"

#include <algorithm>
#include <cctype>
#include <exception>

#include "compile/source_review.hpp"
#include "course/todo_words.hpp"  // not todo.hpp: clang 14 (the fuzz build) lacks source_location
#include "results/course_result.hpp"

namespace grader {

TodosLeft todos_left(const std::vector<LabSpec>& labs) {
    TodosLeft left;
    for (const auto& lab : labs) {
        for (const auto& call : todo_calls(lab, lab.dir)) {
            auto& where = left[lab.id][call.task];
            if (where.empty())
                where = "labs/" + lab.slug + "/" + call.file + ":" + std::to_string(call.line);
        }
    }
    return left;
}

namespace {

const LabResult* graded_lab(const CourseResult& result, const std::string& id) {
    for (const auto& lab : result.labs) {
        if (lab.lab.id == id)
            return &lab;
    }
    return nullptr;
}

const LabSpec* course_lab(const CourseResult& result, const std::string& id) {
    for (const auto& lab : result.course) {
        if (lab.id == id)
            return &lab;
    }
    const LabResult* graded = graded_lab(result, id);
    return graded ? &graded->lab : nullptr;
}

// A verdict a missing piece of another lab may cause: the test ran and did not pass.
bool may_be_blocked(Verdict verdict) {
    switch (verdict) {
        case Verdict::fail:
        case Verdict::timeout:
        case Verdict::crash:
        case Verdict::out_of_memory:
        case Verdict::too_many_processes:
        case Verdict::premature_exit:
            return true;
        default:
            return false;
    }
}

NeededTask needed(const LabSpec& lab, int task, const std::string& what) {
    const TaskSpec* spec = lab.task(task);
    NeededTask need;
    need.lab = lab.id;
    need.task = task;
    need.what = what.empty() && spec ? spec->title : what;
    need.lesson = "lessons/" + lab.lesson + (spec ? "#" + spec->section : "");
    return need;
}

// The task of another lab whose stub's todo() @p t's message says the test reached
// ("Task 3 is not implemented yet: write it at its TODO in labs/03-spawn/spawn.cpp:40"),
// when that lab and task exist; the message is the test's own words, so this can only add
// a note, never change a verdict.
bool reached_todo_of(const CourseResult& result, const TestResult& t, NeededTask& need) {
    static const std::string kWords =
        std::string(" ") + course::kNotImplementedWords + ": write it at its TODO in labs/";
    auto at = t.message.find(kWords);
    auto task_at = t.message.rfind("Task ", at);
    if (at == std::string::npos || task_at == std::string::npos || at - task_at > 8)
        return false;
    std::string number = t.message.substr(task_at + 5, at - task_at - 5);
    if (number.empty() || !std::all_of(number.begin(), number.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c));
        }))
        return false;
    auto slug_at = at + kWords.size();
    std::string slug = t.message.substr(slug_at, t.message.find('/', slug_at) - slug_at);
    for (const auto& lab : result.course) {
        if (lab.slug == slug && lab.id != t.lab && lab.task(std::stoi(number)) != nullptr) {
            need = needed(lab, std::stoi(number), "");
            return true;
        }
    }
    return false;
}

void add_need(std::vector<NeededTask>& needs, NeededTask need) {
    bool known = std::any_of(needs.begin(), needs.end(), [&](const NeededTask& n) {
        return n.lab == need.lab && n.task == need.task;
    });
    if (!known)
        needs.push_back(std::move(need));
}

// Lab order, then task order: the first one is what to do first.
void sort_needs(std::vector<NeededTask>& needs) {
    std::stable_sort(needs.begin(), needs.end(), [](const NeededTask& a, const NeededTask& b) {
        return a.lab != b.lab ? a.lab < b.lab : a.task < b.task;
    });
}

}  // namespace

bool unfinished(const CourseResult& result, const std::string& lab, int task) {
    if (const LabResult* graded = graded_lab(result, lab)) {
        bool judged = false, failed = false;
        for (const auto& t : graded->tests) {
            if (t.spec.task != task || t.spec.hidden || t.verdict == Verdict::not_run ||
                t.verdict == Verdict::compile_error || t.verdict == Verdict::integrity)
                continue;
            judged = true;
            failed = failed || (t.verdict != Verdict::pass && t.verdict != Verdict::skipped);
        }
        if (judged)
            return failed;
    }
    auto todos = result.todos.find(lab);
    return todos != result.todos.end() && todos->second.count(task) > 0;
}

void note_needs(CourseResult& result) {
    // Which used tasks are unfinished is decided before any note is added.
    std::vector<std::vector<NeededTask>> blocked;  // per lab, per its task (index task - 1)
    for (const auto& lab : result.labs) {
        blocked.emplace_back();
        for (const auto& use : lab.lab.uses) {
            const LabSpec* used = course_lab(result, use.lab);
            if (used != nullptr && unfinished(result, use.lab, use.task))
                blocked.back().push_back(needed(*used, use.task, use.what));
        }
    }
    for (std::size_t i = 0; i < result.labs.size(); ++i) {
        LabResult& lab = result.labs[i];
        for (auto& t : lab.tests) {
            if (!may_be_blocked(t.verdict))
                continue;
            for (const auto& use : lab.lab.uses) {
                if (!use.used_by(t.spec.task))
                    continue;
                for (const auto& need : blocked[i]) {
                    if (need.lab == use.lab && need.task == use.task)
                        add_need(t.needs, need);
                }
            }
            NeededTask reached;
            if (reached_todo_of(result, t, reached))
                add_need(t.needs, reached);
            sort_needs(t.needs);
        }
    }
}

std::string needs_sentence(const std::vector<NeededTask>& needs) {
    if (needs.empty())
        return "";
    const NeededTask& first = needs.front();
    std::string text = "needs Lab " + first.lab + " Task " + std::to_string(first.task) + " (" +
                       first.what + ") first: read " + first.lesson;
    if (needs.size() == 2) {
        return text + " (and Lab " + needs[1].lab + " Task " + std::to_string(needs[1].task) +
               ": " + needs[1].what + ")";
    }
    // More: the others by lab, without their words ("and Lab 03 Tasks 2, 3; Lab 04 Task 2").
    std::string others;
    for (std::size_t i = 1; i < needs.size(); ++i) {
        bool same_lab = i > 1 && needs[i].lab == needs[i - 1].lab;
        bool more_of_lab = i + 1 < needs.size() && needs[i + 1].lab == needs[i].lab;
        if (!same_lab)
            others +=
                (i > 1 ? "; Lab " : "Lab ") + needs[i].lab + (more_of_lab ? " Tasks " : " Task ");
        others += (same_lab ? ", " : "") + std::to_string(needs[i].task);
    }
    return needs.size() > 2 ? text + " (and " + others + ")" : text;
}

}  // namespace grader
