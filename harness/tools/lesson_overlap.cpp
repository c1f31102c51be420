// lesson-overlap: fails when the code a lesson shows carries over to a lab's task by
// renaming. Lessons teach the idea on a problem of their own; the lab asks for the code.
//
//   lesson-overlap --root COURSE_ROOT [--min-lines 4] [--min-tokens 10]
//   lesson-overlap --shapes FILE      what the comparison sees of FILE
//
// Lesson code is every ```cpp block of lessons/*.md and every lessons/code/ source. Task
// code is every definition of a solution's files (lab.json "sources") but those its stub
// gives as they are: the functions whose stub is a TODO, and the helpers the solution
// adds to write them. Both are cut into statements and shaped (code_shape.hpp: names are
// N, values V), so that renaming changes nothing. Reported: a run of --min-lines
// substantive lines of the same shape, in order, with at most one other line between two
// of them on either side; and the whole of a task shorter than that, when its body has
// --min-tokens tokens or more (a one-line predicate is an answer too).
//
// Exit 0: nothing shared; 1: shared runs, each listed with both places; 2: an error.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "code_shape.hpp"
#include "labmeta/lab.hpp"

namespace fs = std::filesystem;

namespace {

/// A piece of code and its shaped lines: a lesson's block or file, or one task definition.
struct Unit {
    std::string where;  ///< The file, relative to the course root.
    std::string what;   ///< For task code: "may_be_parent (Task 3)"; empty for lessons.
    int task = 0;       ///< For task code: the task, or 0 for a helper the solution adds.
    std::vector<std::string> source;  ///< The file's lines, to quote.
    std::vector<shape::Line> lines;   ///< The substantive ones only.
};

struct Settings {
    fs::path root = ".";
    fs::path shapes;  ///< Print this file's definitions and shaped lines instead.
    std::size_t min_lines = 4;
    std::size_t min_tokens = 10;
};

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + path.string());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

std::string trim(const std::string& text) {
    std::size_t start = text.find_first_not_of(" \t"), end = text.find_last_not_of(" \t\r");
    return start == std::string::npos ? "" : text.substr(start, end - start + 1);
}

std::vector<shape::Line> substantive_lines(const std::vector<shape::Token>& code, std::size_t begin,
                                           std::size_t end) {
    std::vector<shape::Line> kept;
    for (shape::Line& line : shape::shaped_lines(code, begin, end)) {
        if (line.substantive)
            kept.push_back(std::move(line));
    }
    return kept;
}

Unit lesson_unit(const std::string& where, const std::vector<std::string>& source,
                 const std::string& text, int first_line) {
    std::vector<shape::Token> code = shape::code_only(shape::lex(text, first_line));
    return {where, "", 0, source, substantive_lines(code, 0, code.size())};
}

/// The ```cpp blocks of a lesson, and the whole of each lessons/code/ source.
std::vector<Unit> lesson_units(const fs::path& root) {
    std::vector<Unit> units;
    std::vector<fs::path> files;
    for (const char* dir : {"lessons", "lessons/code"}) {
        if (fs::is_directory(root / dir)) {
            for (const auto& entry : fs::directory_iterator(root / dir))
                files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
        std::string where = fs::relative(file, root).generic_string();
        std::string text = read_text(file);
        std::vector<std::string> source = split_lines(text);
        auto ext = file.extension();
        if (ext == ".cpp" || ext == ".hpp" || ext == ".h" || ext == ".cc") {
            units.push_back(lesson_unit(where, source, text, 1));
            continue;
        }
        if (ext != ".md")
            continue;
        for (std::size_t i = 0; i < source.size(); ++i) {
            if (trim(source[i]) != "```cpp" && trim(source[i]) != "```c++")
                continue;
            std::string block;
            std::size_t first = i + 1;
            for (++i; i < source.size() && trim(source[i]) != "```"; ++i)
                block += source[i] + "\n";
            units.push_back(lesson_unit(where, source, block, static_cast<int>(first) + 1));
        }
    }
    return units;
}

/// The task code of one solution file, given its stub: every definition but those the
/// stub has and does not mark as a task (code given as it is).
void add_task_units(const fs::path& root, const fs::path& stub, const fs::path& solution,
                    std::vector<Unit>& units) {
    std::map<std::string, int> stub_tasks;  // name -> task number (0: given as it is)
    for (const shape::Definition& d : shape::definitions(shape::lex(read_text(stub))))
        stub_tasks[d.name] = std::max(stub_tasks[d.name], d.task);
    std::string text = read_text(solution);
    std::vector<shape::Token> tokens = shape::lex(text);
    std::vector<shape::Token> code = shape::code_only(tokens);
    std::vector<std::string> source = split_lines(text);
    for (const shape::Definition& d : shape::definitions(tokens)) {
        auto task = stub_tasks.find(d.name);
        if (task != stub_tasks.end() && task->second == 0)
            continue;
        std::string what =
            d.name + (task == stub_tasks.end() ? " (a helper of the tasks)"
                                               : " (Task " + std::to_string(task->second) + ")");
        units.push_back({fs::relative(solution, root).generic_string(), what,
                         task == stub_tasks.end() ? 0 : task->second, source,
                         substantive_lines(code, d.begin, d.end)});
    }
}

std::vector<Unit> task_units(const fs::path& root) {
    std::vector<Unit> units;
    for (const labmeta::LabSpec& lab : labmeta::discover_labs(root / "labs")) {
        for (const std::string& source : lab.sources) {
            fs::path solution = root / "solutions" / lab.slug / source;
            if (fs::exists(solution))
                add_task_units(root, root / "labs" / lab.slug / source, solution, units);
        }
    }
    return units;
}

/// Matched lines, as pairs of indices (lesson line, task line), in order.
using Run = std::vector<std::pair<std::size_t, std::size_t>>;

/// The longest chains of equal shapes, allowing one unmatched line between two matched
/// ones on either side; each matched pair belongs to one reported chain at most.
std::vector<Run> shared_runs(const Unit& lesson, const Unit& task, std::size_t min_length) {
    std::size_t n = lesson.lines.size(), m = task.lines.size();
    std::vector<std::vector<std::size_t>> length(n, std::vector<std::size_t>(m, 0));
    std::vector<std::vector<std::pair<std::size_t, std::size_t>>> previous(
        n, std::vector<std::pair<std::size_t, std::size_t>>(m, {n, m}));
    std::vector<std::pair<std::size_t, std::pair<std::size_t, std::size_t>>> ends;
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < m; ++j) {
            if (lesson.lines[i].shape != task.lines[j].shape)
                continue;
            length[i][j] = 1;
            for (std::size_t di = 1; di <= 2 && di <= i; ++di) {
                for (std::size_t dj = 1; dj <= 2 && dj <= j; ++dj) {
                    if (length[i - di][j - dj] + 1 > length[i][j]) {
                        length[i][j] = length[i - di][j - dj] + 1;
                        previous[i][j] = {i - di, j - dj};
                    }
                }
            }
            if (length[i][j] >= min_length)
                ends.push_back({length[i][j], {i, j}});
        }
    }
    std::sort(ends.begin(), ends.end(), [](const auto& a, const auto& b) { return a > b; });
    std::vector<std::vector<bool>> used(n, std::vector<bool>(m, false));
    std::vector<Run> runs;
    for (const auto& [size, end] : ends) {
        Run run;
        for (auto at = end; at.first < n; at = previous[at.first][at.second])
            run.insert(run.begin(), at);
        bool fresh = std::none_of(run.begin(), run.end(),
                                  [&](const auto& p) { return used[p.first][p.second]; });
        if (!fresh)
            continue;
        for (const auto& p : run)
            used[p.first][p.second] = true;
        runs.push_back(run);
    }
    return runs;
}

/// A task whose lines are too few for a run of min_lines, but whose body says enough. (A
/// helper that short is an idiom, such as a deleter, rather than an answer.)
bool short_task_worth_a_check(const Unit& task, const Settings& settings) {
    if (task.task == 0 || task.lines.empty() || task.lines.size() >= settings.min_lines)
        return false;
    std::size_t body_tokens = 0;
    for (std::size_t j = 1; j < task.lines.size(); ++j)
        body_tokens += task.lines[j].size;
    return body_tokens >= settings.min_tokens;
}

std::string quote(const Unit& unit, const shape::Line& line) {
    std::string text;
    for (int k = line.first; k <= line.last && k <= static_cast<int>(unit.source.size()); ++k) {
        std::string part = unit.source[k - 1];
        std::size_t start = part.find_first_not_of(" \t");
        if (start != std::string::npos)
            text += (text.empty() ? "" : " ") + part.substr(start);
    }
    return text.size() > 96 ? text.substr(0, 93) + "..." : text;
}

void report(const Unit& lesson, const Unit& task, const Run& run, bool whole_task) {
    const shape::Line& lesson_first = lesson.lines[run.front().first];
    const shape::Line& task_first = task.lines[run.front().second];
    std::cout << lesson.where << ":" << lesson_first.first << " and " << task.where << ":"
              << task_first.first << ", " << task.what << ": "
              << (whole_task ? "the whole task, " : "") << run.size()
              << " lines of the same shape\n";
    int lesson_shown = 0, task_shown = 0;  // a line holding two statements is quoted once
    for (const auto& [i, j] : run) {
        if (std::exchange(lesson_shown, lesson.lines[i].first) != lesson.lines[i].first)
            std::cout << "  lesson   " << lesson.lines[i].first << ": "
                      << quote(lesson, lesson.lines[i]) << "\n";
        if (std::exchange(task_shown, task.lines[j].first) != task.lines[j].first)
            std::cout << "  solution " << task.lines[j].first << ": " << quote(task, task.lines[j])
                      << "\n";
    }
}

/// --shapes: what the comparison sees of one file, to understand a report.
int show_shapes(const fs::path& file) {
    std::vector<shape::Token> tokens = shape::lex(read_text(file));
    std::vector<shape::Token> code = shape::code_only(tokens);
    for (const shape::Definition& d : shape::definitions(tokens))
        std::cout << "definition " << d.name << " at line " << d.first_line
                  << (d.task ? " (Task " + std::to_string(d.task) + ")" : "") << "\n";
    for (const shape::Line& line : shape::shaped_lines(code, 0, code.size()))
        std::cout << line.first << (line.substantive ? ": " : "  ") << line.shape << "\n";
    return 0;
}

int run(const Settings& settings) {
    if (!settings.shapes.empty())
        return show_shapes(settings.shapes);
    std::vector<Unit> lessons = lesson_units(settings.root);
    std::vector<Unit> tasks = task_units(settings.root);
    std::size_t found = 0, lesson_lines = 0, task_lines = 0;
    for (const Unit& u : lessons)
        lesson_lines += u.lines.size();
    for (const Unit& task : tasks) {
        task_lines += task.lines.size();
        bool short_task = short_task_worth_a_check(task, settings);
        for (const Unit& lesson : lessons) {
            std::size_t min = short_task ? task.lines.size() : settings.min_lines;
            for (const Run& run : shared_runs(lesson, task, min)) {
                report(lesson, task, run, run.size() == task.lines.size());
                ++found;
            }
        }
    }
    if (found > 0) {
        std::cout << "lesson-overlap: " << found << " run(s) of lesson code with the shape of a "
                  << "solution's task code: show the idea on a problem of the lesson's own, "
                  << "whose code does not carry over by renaming (docs/STYLE.md)\n";
        return 1;
    }
    std::cout << "lesson-overlap: " << lessons.size() << " pieces of lesson code (" << lesson_lines
              << " lines) and " << tasks.size() << " task definitions (" << task_lines
              << " lines) share no run of " << settings.min_lines << " lines\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Settings settings;
    CLI::App app{"Lesson code that carries over to a lab's task by renaming"};
    app.add_option("--root", settings.root, "The course's root")->check(CLI::ExistingDirectory);
    app.add_option("--min-lines", settings.min_lines, "Report runs of at least this many lines");
    app.add_option("--min-tokens", settings.min_tokens,
                   "Report a shorter task whole when its body has this many tokens");
    app.add_option("--shapes", settings.shapes,
                   "Print a file's definitions and shaped lines (':' marks substantive ones)")
        ->check(CLI::ExistingFile);
    CLI11_PARSE(app, argc, argv);
    try {
        return run(settings);
    } catch (const std::exception& e) {
        std::cerr << "lesson-overlap: " << e.what() << "\n";
        return 2;
    }
}
