// `grader check stubs` (labcheck.hpp): each stub still says, for every task, where its
// TODO is, and names only tasks its lab has.
#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include "code_shape.hpp"
#include "course_files.hpp"

namespace labcheck {

Findings check_stub_todos(const Course& course) {
    Findings findings;
    int stubs = 0;
    static const std::regex marker(R"(TODO: Task ([0-9]+))");
    static const std::regex todo_call(R"re("Task ([0-9]+)")re");
    for (const auto& lab : read_labs(course, findings)) {
        std::set<int> marked;
        for (const auto& source : lab.sources) {
            std::string path = (std::filesystem::path(lab.dir) / source).string();
            ++stubs;
            for (const auto& token : shape::lex(read_source(course, path, findings))) {
                bool comment = token.kind == shape::Kind::comment;
                if (!comment && token.kind != shape::Kind::literal)
                    continue;
                const std::regex& pattern = comment ? marker : todo_call;
                for (std::sregex_iterator it(token.text.begin(), token.text.end(), pattern), end;
                     it != end; ++it) {
                    int task = std::stoi((*it)[1]);
                    if (comment)
                        marked.insert(task);
                    if (lab.task(task) == nullptr)
                        findings.problems.push_back(
                            shown(course, path) + ":" + std::to_string(token.line) +
                            ": names Task " + std::to_string(task) + ", which " +
                            shown(course, lab.dir + "/lab.json") + " does not have");
                }
            }
        }
        for (const auto& task : lab.tasks) {
            if (!marked.count(task.number))
                findings.problems.push_back(shown(course, lab.dir) + ": no `TODO: Task " +
                                            std::to_string(task.number) + "` in its stub");
        }
    }
    findings.summary = std::to_string(stubs) +
                       " stub files say `TODO: Task N` for every task of their lab, and no other";
    return findings;
}

}  // namespace labcheck
