// Re-running the lessons' sessions and comparing what they print with what they promise.
#include "sessions.hpp"

#include <optional>

#include "codeblocks.hpp"
#include "pattern.hpp"

namespace weave {

namespace {

std::string indent_block(const std::vector<std::string>& lines) {
    if (lines.empty())
        return "      (nothing)\n";
    std::string text;
    const std::size_t limit = 30;
    for (std::size_t i = 0; i < lines.size() && i < limit; ++i)
        text += "      " + lines[i] + "\n";
    if (lines.size() > limit)
        text += "      ... (" + std::to_string(lines.size() - limit) + " more lines)\n";
    return text;
}

/// Compiles a command's expected lines; reports bad placeholders.
std::optional<std::vector<LinePattern>> compile_expected(const Lesson& lesson,
                                                         const Command& command,
                                                         Reporter& reporter) {
    std::vector<LinePattern> patterns;
    for (std::size_t k = 0; k < command.expected.size(); ++k) {
        std::string error;
        auto pattern = compile_line(command.expected[k], error);
        if (!pattern) {
            reporter.error(lesson.path, static_cast<int>(command.line + k) + 2, error);
            return std::nullopt;
        }
        patterns.push_back(std::move(*pattern));
    }
    return patterns;
}

void report_run_problems(const Lesson& lesson, const Session& session, const SessionRun& run,
                         const SessionSetup& setup, Reporter& reporter) {
    const int line = static_cast<int>(session.marker) + 1;
    if (run.timed_out)
        reporter.error(
            lesson.path, line,
            "session killed after its " + std::to_string(setup.timeout.count()) + " ms time limit");
    if (run.outputs.size() < session.commands.size()) {
        const auto& command = session.commands[run.outputs.size()];
        reporter.error(lesson.path, static_cast<int>(command.line) + 1,
                       "session stopped during `" + command.text +
                           "` (it exited the shell or hung); it printed:\n" +
                           indent_block(split_lines(run.unfinished_output)));
    }
    for (const auto& process : run.left_behind)
        reporter.error(lesson.path, line, "session left a process running (killed it): " + process);
}

/// Compares (or rewrites) one session; returns whether the lesson changed.
bool check_session(Lesson& lesson, const Session& session, const SessionSetup& setup, bool write,
                   Reporter& reporter) {
    std::vector<std::string> commands;
    for (const auto& command : session.commands)
        commands.push_back(command.text);
    auto run = run_session(commands, setup, session.terminal);
    report_run_problems(lesson, session, run, setup, reporter);
    std::vector<std::string> rewritten;
    bool changed = false;
    for (std::size_t i = 0; i < session.commands.size(); ++i) {
        const auto& command = session.commands[i];
        rewritten.push_back("$ " + command.text);
        auto patterns = compile_expected(lesson, command, reporter);
        if (!patterns || i >= run.outputs.size()) {
            rewritten.insert(rewritten.end(), command.expected.begin(), command.expected.end());
            continue;
        }
        const auto& actual = run.outputs[i];
        if (lines_match(*patterns, actual)) {
            rewritten.insert(rewritten.end(), command.expected.begin(), command.expected.end());
        } else if (write) {
            auto updated = realign(*patterns, actual);
            rewritten.insert(rewritten.end(), updated.begin(), updated.end());
            changed = true;
        } else {
            reporter.error(lesson.path, static_cast<int>(command.line) + 1,
                           "session output differs for `$ " + command.text + "`\n    expected:\n" +
                               indent_block(command.expected) + "    actual:\n" +
                               indent_block(actual) +
                               "    (fix the lesson, or run `weave --write-sessions` and review)");
        }
    }
    if (changed && !run.timed_out)
        lesson.replace(session.fence, rewritten);
    return changed && !run.timed_out;
}

}  // namespace

void check_sessions(const std::filesystem::path& root, std::vector<Lesson>& lessons,
                    const SessionSetup& setup, bool write, Reporter& reporter) {
    for (auto& lesson : lessons) {
        bool changed = false;
        for (std::size_t k = 0; k < lesson.sessions.size(); ++k) {
            if (check_session(lesson, lesson.sessions[k], setup, write, reporter)) {
                changed = true;
                reparse(lesson);  // later sessions moved
            }
        }
        if (changed && save_lesson(root, lesson))
            reporter.note("rewrote sessions in " + lesson.path);
    }
}

}  // namespace weave
