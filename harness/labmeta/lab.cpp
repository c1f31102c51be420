// lab.json, read once for every tool: the same rules as lab.schema.json (required keys,
// types, no unknown key), checked by hand so that each problem is one plain sentence
// naming the key, plus the rules a schema cannot state (uniqueness, cross references).
#include "labmeta/lab.hpp"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include "course/file.hpp"

namespace labmeta {

namespace fs = std::filesystem;
using nlohmann::json;

const TaskSpec* LabSpec::task(int number) const {
    for (const auto& t : tasks) {
        if (t.number == number)
            return &t;
    }
    return nullptr;
}

bool UsedTask::used_by(int number) const {
    return needed_by.empty() ||
           std::find(needed_by.begin(), needed_by.end(), number) != needed_by.end();
}

double LabSpec::max_score() const {
    double total = 0;
    for (const auto& t : tests)
        total += t.points;
    return total;
}

namespace {

// Problems are thrown as this and prefixed with the file's name by parse_lab_json.
struct Malformed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Old names, so that a lab.json written before a rename says what to write instead.
std::string renamed_hint(const std::string& where, const std::string& key) {
    if (where == "the lab" && key == "tests")
        return " (the lab's test sources are now \"test_files\"; \"tests\" lists test names "
               "inside each task)";
    if (where == "the lab" && key == "hidden_tests")
        return " (now \"hidden_test_files\")";
    return "";
}

void only_keys(const json& object, std::initializer_list<const char*> allowed,
               const std::string& where) {
    for (const auto& item : object.items()) {
        // Not a structured binding: clang before 16 cannot capture one in the lambda.
        const std::string& key = item.key();
        if (std::none_of(allowed.begin(), allowed.end(), [&](const char* k) { return key == k; }))
            throw Malformed(where + " has an unknown key \"" + key + "\"" +
                            renamed_hint(where, key));
    }
}

// @p where by value: a reference parameter bound to a temporary string would make
// g++ 14 see a dangling reference (-Wdangling-reference) in the returned one.
const json& member(const json& object, const char* key, std::string_view where) {
    auto it = object.find(key);
    if (it == object.end())
        throw Malformed(std::string(where) + " lacks \"" + key + "\"");
    return *it;
}

std::string text(const json& value, const std::string& what, bool allow_empty = false) {
    if (!value.is_string())
        throw Malformed(what + " must be a string");
    auto s = value.get<std::string>();
    if (s.empty() && !allow_empty)
        throw Malformed(what + " must not be empty");
    return s;
}

double number(const json& value, const std::string& what, double minimum, bool exclusive) {
    if (!value.is_number())
        throw Malformed(what + " must be a number");
    double n = value.get<double>();
    if (n < minimum || (exclusive && n == minimum))
        throw Malformed(what + " must be " + (exclusive ? "more than " : "at least ") +
                        json(minimum).dump());
    return n;
}

// A file name inside the lab's folder: no folder part, so nothing outside can be named.
std::string file_name(const json& value, const std::string& what) {
    auto name = text(value, what);
    if (name.find('/') != std::string::npos || name == "." || name == "..")
        throw Malformed(what + " must be a file name in the lab's folder, not \"" + name + "\"");
    return name;
}

std::vector<std::string> file_list(const json& object, const char* key, bool required) {
    if (!object.contains(key)) {
        if (required)
            throw Malformed(std::string("the lab lacks \"") + key + "\"");
        return {};
    }
    const json& list = object.at(key);
    if (!list.is_array() || (required && list.empty()))
        throw Malformed(std::string("\"") + key + "\" must be a" + (required ? " non-empty" : "n") +
                        " array of file names");
    std::vector<std::string> names;
    for (const auto& entry : list) {
        auto name = file_name(entry, std::string("an entry of \"") + key + "\"");
        if (std::find(names.begin(), names.end(), name) != names.end())
            throw Malformed(std::string("\"") + key + "\" lists " + name + " twice");
        names.push_back(name);
    }
    return names;
}

// Gradescope's visibility of a result (its autograder specification, "Controlling test case
// visibility").
std::string visibility(const json& value, const std::string& what) {
    auto v = text(value, what);
    for (const char* known : {"visible", "after_due_date", "after_published", "hidden"}) {
        if (v == known)
            return v;
    }
    throw Malformed(what +
                    " must be \"visible\", \"after_due_date\", \"after_published\" or "
                    "\"hidden\", not \"" +
                    v + "\"");
}

bool is_lab_id(const std::string& id) {
    return id.size() == 2 && std::isdigit(static_cast<unsigned char>(id[0])) &&
           std::isdigit(static_cast<unsigned char>(id[1]));
}

std::vector<ProgramSpec> parse_programs(const json& lab) {
    std::vector<ProgramSpec> programs;
    if (!lab.contains("programs"))
        return programs;
    if (!lab.at("programs").is_array())
        throw Malformed("\"programs\" must be an array");
    for (const auto& p : lab.at("programs")) {
        if (!p.is_object())
            throw Malformed("a program must be an object {\"source\", \"name\", \"aliases\"}");
        only_keys(p, {"source", "name", "aliases"}, "a program");
        ProgramSpec program;
        program.source = file_name(member(p, "source", "a program"), "a program's \"source\"");
        program.name = file_name(member(p, "name", "program " + program.source),
                                 "program " + program.source + "'s \"name\"");
        if (p.contains("aliases")) {
            if (!p.at("aliases").is_array())
                throw Malformed("program " + program.name + "'s \"aliases\" must be an array");
            for (const auto& alias : p.at("aliases"))
                program.aliases.push_back(file_name(alias, "an alias of program " + program.name));
        }
        programs.push_back(std::move(program));
    }
    return programs;
}

// A task's tests: names ("Suite.Test") or objects {name, points, hidden, may_skip,
// visibility}.
void parse_task_tests(const json& task_json, int task, double default_points, LabSpec& lab) {
    const std::string where = "task " + std::to_string(task);
    const json& entries = member(task_json, "tests", where);
    if (!entries.is_array() || entries.empty())
        throw Malformed(where + "'s \"tests\" must be a non-empty array of test names");
    for (const auto& entry : entries) {
        TestSpec test;
        test.task = task;
        test.points = default_points;
        test.visibility = lab.visibility;
        if (entry.is_string()) {
            test.name = text(entry, "a test name of " + where);
        } else if (entry.is_object()) {
            only_keys(entry, {"name", "points", "hidden", "may_skip", "visibility"},
                      "a test of " + where);
            test.name =
                text(member(entry, "name", "a test of " + where), "a test name of " + where);
            if (entry.contains("points"))
                test.points = number(entry.at("points"), "the points of " + test.name, 0, false);
            if (entry.contains("hidden")) {
                if (!entry.at("hidden").is_boolean())
                    throw Malformed("\"hidden\" of " + test.name + " must be true or false");
                test.hidden = entry.at("hidden").get<bool>();
            }
            if (entry.contains("may_skip"))
                test.may_skip = text(entry.at("may_skip"),
                                     "\"may_skip\" of " + test.name + " (the reason it may skip)");
            if (entry.contains("visibility"))
                test.visibility =
                    visibility(entry.at("visibility"), "\"visibility\" of " + test.name);
            if (test.hidden && entry.contains("visibility") && test.visibility != "hidden")
                throw Malformed("hidden test " + test.name + " cannot be \"visibility\": \"" +
                                test.visibility + "\" (its result is never shown to students)");
            if (test.hidden)
                test.visibility = "hidden";
        } else {
            throw Malformed(where + ": a test is a name or an object {\"name\": ...}");
        }
        for (const auto& other : lab.tests) {
            if (other.name == test.name)
                throw Malformed("test " + test.name + " is declared twice");
        }
        lab.tests.push_back(std::move(test));
    }
}

void parse_tasks(const json& j, LabSpec& lab) {
    const json& tasks = member(j, "tasks", "the lab");
    if (!tasks.is_array() || tasks.empty())
        throw Malformed("\"tasks\" must be a non-empty array");
    for (const auto& t : tasks) {
        if (!t.is_object())
            throw Malformed("a task must be an object");
        only_keys(t, {"task", "title", "section", "points_per_test", "tests"}, "a task");
        const json& number_json = member(t, "task", "a task");
        if (!number_json.is_number_integer() || number_json.get<int>() < 1)
            throw Malformed("a task's \"task\" must be a whole number from 1");
        TaskSpec task;
        task.number = number_json.get<int>();
        const std::string where = "task " + std::to_string(task.number);
        if (lab.task(task.number) != nullptr)
            throw Malformed(where + " is declared twice");
        task.title = text(member(t, "title", where), where + "'s \"title\"");
        task.section = text(member(t, "section", where), where + "'s \"section\"");
        double points = 1;
        if (t.contains("points_per_test"))
            points = number(t.at("points_per_test"), where + "'s \"points_per_test\"", 0, false);
        lab.tasks.push_back(task);
        parse_task_tests(t, task.number, points, lab);
    }
}

// A whole number from 1, for @p what.
int task_number(const json& value, const std::string& what) {
    if (!value.is_number_integer() || value.get<long long>() < 1 || value.get<long long>() > 1000)
        throw Malformed(what + " must be a task's number (a whole number from 1)");
    return value.get<int>();
}

// "uses": the tasks of the labs in "depends" that this lab builds on. Read after the
// tasks, whose numbers "needed_by" names.
void parse_uses(const json& j, LabSpec& lab) {
    if (!j.contains("uses"))
        return;
    if (!j.at("uses").is_array())
        throw Malformed("\"uses\" must be an array of {\"lab\", \"task\", \"what\"}");
    for (const auto& entry : j.at("uses")) {
        if (!entry.is_object())
            throw Malformed("an entry of \"uses\" must be an object {\"lab\", \"task\", \"what\"}");
        only_keys(entry, {"lab", "task", "what", "needed_by"}, "an entry of \"uses\"");
        UsedTask use;
        use.lab = text(member(entry, "lab", "an entry of \"uses\""), "the \"lab\" of a use");
        if (std::find(lab.depends.begin(), lab.depends.end(), use.lab) == lab.depends.end())
            throw Malformed("\"uses\" names Lab " + use.lab +
                            ", which is not among \"depends\" (the labs this one links)");
        use.task = task_number(member(entry, "task", "a use of Lab " + use.lab),
                               "the \"task\" of a use of Lab " + use.lab);
        const std::string where = "the use of Lab " + use.lab + " Task " + std::to_string(use.task);
        use.what = text(member(entry, "what", where), where + "'s \"what\"");
        for (const auto& other : lab.uses) {
            if (other.lab == use.lab && other.task == use.task)
                throw Malformed("\"uses\" lists Lab " + use.lab + " Task " +
                                std::to_string(use.task) + " twice");
        }
        if (entry.contains("needed_by")) {
            const json& by = entry.at("needed_by");
            if (!by.is_array() || by.empty())
                throw Malformed(where +
                                "'s \"needed_by\" must be a non-empty array of this "
                                "lab's task numbers");
            for (const auto& number : by) {
                int task = task_number(number, "an entry of " + where + "'s \"needed_by\"");
                if (lab.task(task) == nullptr)
                    throw Malformed(where + "'s \"needed_by\" names task " + std::to_string(task) +
                                    ", which this lab does not have");
                if (use.used_by(task) && !use.needed_by.empty())
                    throw Malformed(where + "'s \"needed_by\" lists task " + std::to_string(task) +
                                    " twice");
                use.needed_by.push_back(task);
            }
        }
        lab.uses.push_back(std::move(use));
    }
}

// "id", "title", "lesson" and "framework" (GoogleTest unless it says Catch2).
void parse_identity(const json& j, LabSpec& lab) {
    lab.id = text(member(j, "id", "the lab"), "\"id\"");
    if (!is_lab_id(lab.id))
        throw Malformed("\"id\" must be two digits (\"01\"), not \"" + lab.id + "\"");
    lab.title = text(member(j, "title", "the lab"), "\"title\"");
    lab.lesson = file_name(member(j, "lesson", "the lab"), "\"lesson\"");
    lab.framework = j.contains("framework") ? text(j.at("framework"), "\"framework\"") : "gtest";
    if (lab.framework != "gtest" && lab.framework != "catch2")
        throw Malformed("\"framework\" must be \"gtest\" or \"catch2\", not \"" + lab.framework +
                        "\"");
}

// "sources", "given" (none of the sources), "test_files" and "hidden_test_files" (each
// one of the test files).
void parse_files(const json& j, LabSpec& lab) {
    lab.sources = file_list(j, "sources", true);
    lab.given = file_list(j, "given", false);
    for (const auto& given : lab.given) {
        if (std::find(lab.sources.begin(), lab.sources.end(), given) != lab.sources.end())
            throw Malformed("given file " + given + " is also among \"sources\"");
    }
    lab.test_files = file_list(j, "test_files", true);
    lab.hidden_test_files = file_list(j, "hidden_test_files", false);
    for (const auto& hidden : lab.hidden_test_files) {
        if (std::find(lab.test_files.begin(), lab.test_files.end(), hidden) == lab.test_files.end())
            throw Malformed("hidden test file " + hidden + " is not among \"test_files\"");
    }
}

// "depends": other labs' ids.
void parse_depends(const json& j, LabSpec& lab) {
    if (!j.contains("depends"))
        return;
    if (!j.at("depends").is_array())
        throw Malformed("\"depends\" must be an array of lab ids");
    for (const auto& dep : j.at("depends")) {
        auto id = text(dep, "an entry of \"depends\"");
        if (!is_lab_id(id) || id == lab.id)
            throw Malformed("\"depends\" must list other labs' ids, not \"" + id + "\"");
        lab.depends.push_back(id);
    }
}

// "time_limit_seconds", "baseline" and "visibility", each optional.
void parse_grading(const json& j, LabSpec& lab) {
    if (j.contains("time_limit_seconds"))
        lab.time_limit = number(j.at("time_limit_seconds"), "\"time_limit_seconds\"", 0, true);
    if (j.contains("baseline"))
        lab.baseline = number(j.at("baseline"), "\"baseline\"", 0, false);
    if (j.contains("visibility"))
        lab.visibility = visibility(j.at("visibility"), "\"visibility\"");
}

LabSpec parse(const json& j, const std::string& dir) {
    if (!j.is_object())
        throw Malformed("the file must hold one JSON object");
    only_keys(j,
              {"id", "title", "lesson", "framework", "sources", "given", "test_files",
               "hidden_test_files", "programs", "depends", "uses", "time_limit_seconds", "baseline",
               "visibility", "tasks"},
              "the lab");
    LabSpec lab;
    lab.dir = dir;
    lab.slug = fs::path(dir).filename().string();
    parse_identity(j, lab);
    parse_files(j, lab);
    lab.programs = parse_programs(j);
    parse_depends(j, lab);
    parse_grading(j, lab);
    parse_tasks(j, lab);
    parse_uses(j, lab);
    bool any_hidden =
        std::any_of(lab.tests.begin(), lab.tests.end(), [](const TestSpec& t) { return t.hidden; });
    if (any_hidden && lab.hidden_test_files.empty())
        throw Malformed(
            "a hidden test needs its own file, listed in \"hidden_test_files\", for the "
            "student release to remove");
    return lab;
}

}  // namespace

LabSpec parse_lab_json(const std::string& text, const std::string& dir) {
    const std::string file = dir + "/lab.json";
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        throw std::runtime_error(file + ": not valid JSON: " + e.what());
    }
    try {
        return parse(j, dir);
    } catch (const Malformed& e) {
        throw std::runtime_error(file + ": " + e.what());
    } catch (const json::exception& e) {
        throw std::runtime_error(file + ": " + e.what());
    }
}

LabSpec load_lab(const fs::path& dir) {
    std::string text;
    try {
        text = course::read_file((dir / "lab.json").string());
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot read " + (dir / "lab.json").string() + ": " + e.what());
    }
    return parse_lab_json(text, dir.string());
}

std::vector<fs::path> lab_dirs(const fs::path& labs_dir) {
    std::vector<fs::path> dirs;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(labs_dir, error)) {
        auto name = entry.path().filename().string();
        if (name.size() > 3 && std::isdigit(static_cast<unsigned char>(name[0])) &&
            std::isdigit(static_cast<unsigned char>(name[1])) && name[2] == '-' &&
            fs::is_regular_file(entry.path() / "lab.json"))
            dirs.push_back(entry.path());
    }
    std::sort(dirs.begin(), dirs.end());
    return dirs;
}

void check_uses(const std::vector<LabSpec>& labs) {
    for (const auto& lab : labs) {
        for (const auto& use : lab.uses) {
            auto used = std::find_if(labs.begin(), labs.end(),
                                     [&](const LabSpec& other) { return other.id == use.lab; });
            std::string problem;
            if (used == labs.end())
                problem = "there is no Lab " + use.lab;
            else if (used->task(use.task) == nullptr)
                problem = "Lab " + use.lab + " has no task " + std::to_string(use.task);
            if (!problem.empty())
                throw std::runtime_error(lab.dir + "/lab.json: \"uses\" names Lab " + use.lab +
                                         " Task " + std::to_string(use.task) + ", but " + problem);
        }
    }
}

std::vector<std::string> labs_built_on(const std::vector<LabSpec>& labs, const std::string& id) {
    std::set<std::string> affected = {id};
    // A lab builds on one that comes before it, but a pass per lab needs no such order.
    for (std::size_t pass = 0; pass < labs.size(); ++pass) {
        for (const auto& lab : labs) {
            bool builds_on =
                std::any_of(lab.depends.begin(), lab.depends.end(),
                            [&](const std::string& dep) { return affected.count(dep); });
            if (builds_on)
                affected.insert(lab.id);
        }
    }
    std::vector<std::string> ordered;
    for (const auto& lab : labs) {
        if (affected.count(lab.id))
            ordered.push_back(lab.id);
    }
    return ordered;
}

std::vector<LabSpec> discover_labs(const fs::path& labs_dir) {
    std::vector<LabSpec> labs;
    for (const auto& dir : lab_dirs(labs_dir))
        labs.push_back(load_lab(dir));
    check_uses(labs);
    return labs;
}

}  // namespace labmeta
