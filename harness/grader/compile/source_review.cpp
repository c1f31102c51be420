#include "compile/source_review.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <cstring>
#include <sstream>
#include <system_error>

#include "hsys/io.hpp"

namespace grader {
namespace {

struct ReviewRule {
    const char* needle;
    const char* what;
};

// Each needle is matched case-sensitively anywhere on a line, comments included: a note
// is a place to look, not a verdict.
constexpr std::array kRules = {
    ReviewRule{"testing::", "reaches into the test framework (GoogleTest)"},
    ReviewRule{"gtest", "reaches into the test framework (GoogleTest)"},
    ReviewRule{"TestPartResult", "reaches into the test framework's results"},
    ReviewRule{"UnitTest", "reaches into the test framework (GoogleTest)"},
    ReviewRule{"Catch::", "reaches into the test framework (Catch2)"},
    ReviewRule{"catch2", "reaches into the test framework (Catch2)"},
    ReviewRule{"harness::channel", "refers to the grader's result channel"},
    ReviewRule{"result_channel", "refers to the grader's result channel"},
    ReviewRule{"COURSE_RESULT", "refers to the grader's result channel"},
    ReviewRule{"CourseCanary", "refers to the grader's canary test"},
    ReviewRule{"preinit_array", "runs code before main()"},
    ReviewRule{"init_array", "runs code before main()"},
    ReviewRule{"fini_array", "runs code after exit()"},
    ReviewRule{"constructor)", "runs code before main() (a constructor attribute)"},
    ReviewRule{"destructor)", "runs code after exit() (a destructor attribute)"},
    ReviewRule{"gnu::constructor", "runs code before main() (a constructor attribute)"},
    ReviewRule{"gnu::destructor", "runs code after exit() (a destructor attribute)"},
    ReviewRule{"atexit", "runs code after the test's end (atexit)"},
    ReviewRule{"on_exit", "runs code after the test's end (on_exit)"},
    ReviewRule{".incbin", "embeds a file at build time (.incbin)"},
    ReviewRule{"__asm__", "inline assembly"},
    ReviewRule{"solutions/", "names the reference solutions"},
    ReviewRule{"_tests_ref", "names the reference's test program"},
    ReviewRule{"_hidden_test", "names the hidden tests (their program, sources or objects)"},
    ReviewRule{"process_vm_", "reads or writes another process's memory"},
    ReviewRule{"/proc/self/mem", "reads or writes its own memory through /proc"},
    ReviewRule{"dlopen", "loads code at run time"},
    ReviewRule{"dlsym", "looks up symbols at run time"},
    ReviewRule{"dl_iterate_phdr", "walks the program's own loaded code"},
    ReviewRule{"/proc/self/maps", "reads the layout of its own memory"},
    ReviewRule{"/proc/self/exe", "reads its own program file"},
    ReviewRule{"lab.json", "reads the lab's metadata"},
    ReviewRule{"ifunc", "chooses a function at load time (IFUNC)"},
    ReviewRule{"symver", "renames a symbol's version (.symver)"},
    ReviewRule{"__asm", "inline assembly"},
    ReviewRule{"cxxabi", "reaches into the C++ runtime (cxxabi.h)"},
    ReviewRule{"__cxa_", "reaches into the C++ runtime's exceptions"},
    ReviewRule{"__builtin_frame_address", "walks its callers' stack frames"},
    ReviewRule{"__builtin_return_address", "walks its callers' stack frames"},
};

std::string trimmed(const std::string& line) {
    auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos)
        return "";
    auto text = line.substr(first);
    return text.size() > 160 ? text.substr(0, 160) + "..." : text;
}

bool is_word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// `asm` as a word (asm(...), asm volatile, asm goto), not inside "plasma".
bool mentions_asm(const std::string& line) {
    for (auto at = line.find("asm"); at != std::string::npos; at = line.find("asm", at + 1)) {
        bool starts = at == 0 || !is_word_char(line[at - 1]);
        bool ends = at + 3 >= line.size() || !is_word_char(line[at + 3]);
        if (starts && ends)
            return true;
    }
    return false;
}

// An #include of an absolute path or of one that climbs out with "..".
bool includes_from_outside(const std::string& line) {
    auto hash = line.find_first_not_of(" \t");
    if (hash == std::string::npos || line[hash] != '#')
        return false;
    auto word = line.find_first_not_of(" \t", hash + 1);
    if (word == std::string::npos || line.compare(word, 7, "include") != 0)
        return false;
    auto open = line.find_first_of("\"<", word + 7);
    if (open == std::string::npos)
        return line.find("..") != std::string::npos;  // a macro-built path: look anyway
    return line[open + 1] == '/' || line.find("..", open) != std::string::npos;
}

// The logical lines of @p text as the compiler reads them (translation phase 2): a line
// that ends with a backslash is spliced to the next, so `test\<newline>ing::` reads as
// `testing::`. Each comes with the number of its first physical line.
std::vector<std::pair<int, std::string>> spliced_lines(const std::string& text) {
    std::vector<std::pair<int, std::string>> logical;
    std::istringstream lines(text);
    std::string line, joined;
    int first = 0;
    bool continuing = false;
    for (int number = 1; std::getline(lines, line); ++number) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (!continuing)
            first = number;
        continuing = !line.empty() && line.back() == '\\';
        if (continuing) {
            line.pop_back();
            joined += line;
            continue;
        }
        logical.emplace_back(first, joined + line);
        joined.clear();
    }
    if (continuing)
        logical.emplace_back(first, joined);
    return logical;
}

}  // namespace

std::vector<ReviewNote> review_text(const std::string& file, const std::string& text) {
    std::vector<ReviewNote> notes;
    for (const auto& [number, line] : spliced_lines(text)) {
        // One note a line: the first reason found.
        std::string what;
        if (includes_from_outside(line))
            what = "includes a file from outside the lab (an absolute path or \"..\")";
        for (std::size_t i = 0; what.empty() && i < kRules.size(); ++i) {
            if (line.find(kRules[i].needle) != std::string::npos)
                what = kRules[i].what;
        }
        if (what.empty() && mentions_asm(line))
            what = "inline assembly";
        if (!what.empty())
            notes.push_back({file, number, what, trimmed(line)});
    }
    return notes;
}

// @p text without its white space and line splices, and the line each kept byte is on:
// `course::todo ( "Task" " 1" )` reads as `course::todo("Task""1")` there.
std::pair<std::string, std::vector<int>> without_spaces(const std::string& text) {
    std::string kept;
    std::vector<int> lines;
    int line = 1;
    for (std::size_t at = 0; at < text.size(); ++at) {
        char c = text[at];
        if (c == '\n')
            ++line;
        bool splice = c == '\\' && at + 1 < text.size() && text[at + 1] == '\n';
        if (splice || std::isspace(static_cast<unsigned char>(c)))
            continue;
        kept.push_back(c);
        lines.push_back(line);
    }
    return {kept, lines};
}

std::vector<TodoCall> todo_calls(const LabSpec& lab, const std::string& dir) {
    constexpr std::size_t kCap = 1 << 20;
    std::vector<TodoCall> calls;
    for (const auto& file : lab.sources) {
        std::string text;
        try {
            text = hsys::read_file_bounded(dir + "/" + file, kCap);
        } catch (const std::system_error&) {
            continue;  // review_sources() says so
        }
        auto [kept, lines] = without_spaces(text);
        auto first = calls.size();
        for (const auto& task : lab.tasks) {
            std::string number = std::to_string(task.number);
            for (const std::string& call :
                 {"todo(\"Task" + number + "\"", "todo(\"Task\"\"" + number + "\""}) {
                for (auto at = kept.find(call); at != std::string::npos;
                     at = kept.find(call, at + 1)) {
                    calls.push_back({file, lines[at], task.number, call});
                }
            }
        }
        std::stable_sort(calls.begin() + static_cast<std::ptrdiff_t>(first), calls.end(),
                         [](const TodoCall& a, const TodoCall& b) { return a.line < b.line; });
    }
    return calls;
}

std::vector<ReviewNote> todos_of_passing_tasks(const LabSpec& lab, const std::string& dir,
                                               const std::vector<int>& passing_tasks) {
    std::vector<ReviewNote> notes;
    for (const auto& call : todo_calls(lab, dir)) {
        if (std::find(passing_tasks.begin(), passing_tasks.end(), call.task) !=
            passing_tasks.end()) {
            notes.push_back({call.file, call.line,
                             "Task " + std::to_string(call.task) +
                                 " passes every test while its stub's todo() is still here",
                             call.text});
        }
    }
    return notes;
}

std::vector<ReviewNote> review_sources(const LabSpec& lab, const std::string& dir) {
    constexpr std::size_t kCap = 1 << 20;
    std::vector<ReviewNote> notes;
    for (const auto& file : lab.sources) {
        std::string text;
        bool truncated = false;
        try {
            text = hsys::read_file_bounded(dir + "/" + file, kCap, &truncated);
        } catch (const std::system_error&) {
            notes.push_back({file, 0, "is not a regular file the grader can read", ""});
            continue;
        }
        if (truncated)
            notes.push_back({file, 0, "is larger than 1 MiB: only its first MiB was read", ""});
        auto found = review_text(file, text);
        notes.insert(notes.end(), found.begin(), found.end());
    }
    return notes;
}

}  // namespace grader
