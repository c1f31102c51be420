// Reading the weaver's markers out of a lesson's Markdown.
#include "lesson.hpp"

#include <algorithm>
#include <optional>
#include <string_view>

namespace weave {

namespace {

/// The fence that opens at @p line (``` or ~~~, at most 3 spaces in), if any.
std::optional<Fence> opening_fence(const std::string& line, std::size_t index) {
    auto indent = line.find_first_not_of(' ');
    if (indent == std::string::npos || indent > 3)
        return std::nullopt;
    char c = line[indent];
    if (c != '`' && c != '~')
        return std::nullopt;
    auto run = line.find_first_not_of(c, indent);
    if (run == std::string::npos)
        run = line.size();
    if (run - indent < 3)
        return std::nullopt;
    auto info = rstrip(line.substr(run));
    info.erase(0, info.find_first_not_of(' ') == std::string::npos ? info.size()
                                                                   : info.find_first_not_of(' '));
    return Fence{index, 0, indent, info};
}

/// Finds where the fence opened by @p lines[fence.open] closes: the same run of fence
/// characters, at least as long, alone on its line.
bool find_close(const std::vector<std::string>& lines, Fence& fence) {
    const auto& open = lines[fence.open];
    const char c = open[fence.indent];
    const auto length = open.find_first_not_of(c, fence.indent) == std::string::npos
                            ? open.size() - fence.indent
                            : open.find_first_not_of(c, fence.indent) - fence.indent;
    for (auto i = fence.open + 1; i < lines.size(); ++i) {
        auto text = rstrip(lines[i]);
        auto start = text.find_first_not_of(' ');
        if (start == std::string::npos || start > 3)
            continue;
        if (text.find_first_not_of(c, start) == std::string::npos &&
            text.size() - start >= length) {
            fence.close = i;
            return true;
        }
    }
    return false;
}

/// The content of an HTML comment marker `<!-- WORD... -->` on @p line, or nothing.
std::optional<std::string> comment_body(const std::string& line) {
    auto text = rstrip(line);
    auto start = text.find_first_not_of(' ');
    if (start == std::string::npos || start > 3)
        return std::nullopt;
    std::string_view view(text);
    view.remove_prefix(start);
    if (!view.starts_with("<!--") || !view.ends_with("-->"))
        return std::nullopt;
    view = view.substr(4, view.size() - 7);
    while (!view.empty() && view.front() == ' ')
        view.remove_prefix(1);
    while (!view.empty() && view.back() == ' ')
        view.remove_suffix(1);
    return std::string(view);
}

void parse_session(Lesson& lesson, Session& session) {
    for (auto i = session.fence.open + 1; i < session.fence.close; ++i) {
        auto line = lesson.lines[i].substr(std::min(session.fence.indent, lesson.lines[i].size()));
        if (line == "$" || line.starts_with("$ ")) {
            session.commands.push_back({i, line.size() > 2 ? line.substr(2) : "", {}});
        } else if (session.commands.empty()) {
            if (!rstrip(line).empty())
                lesson.problems.push_back({lesson.path, static_cast<int>(i) + 1,
                                           "session output before its first `$ ` command"});
        } else {
            session.commands.back().expected.push_back(line);
        }
    }
    if (session.commands.empty())
        lesson.problems.push_back(
            {lesson.path, static_cast<int>(session.marker) + 1, "session without a `$ ` command"});
}

/// A `<!-- code: PATH[#TAG] -->` marker @p body at line @p i, its block @p fence.
void parse_code_marker(Lesson& lesson, const std::string& body, std::size_t i, const Fence& fence) {
    const int line = static_cast<int>(i) + 1;
    auto spec = body.substr(5);
    spec.erase(0, spec.find_first_not_of(' ') == std::string::npos ? spec.size()
                                                                   : spec.find_first_not_of(' '));
    auto hash = spec.find('#');
    CodeBlock block{i, spec.substr(0, hash), hash == std::string::npos ? "" : spec.substr(hash + 1),
                    fence};
    if (block.path.empty() || block.path.front() == '/' ||
        (hash != std::string::npos && block.tag.empty()))
        lesson.problems.push_back(
            {lesson.path, line,
             "bad code marker '" + spec + "': expected a relative PATH or PATH#TAG"});
    else
        lesson.code.push_back(std::move(block));
}

/// A `<!-- session[: pty] -->` marker @p body at line @p i, its block @p fence.
void parse_session_marker(Lesson& lesson, const std::string& body, std::size_t i,
                          const Fence& fence) {
    const int line = static_cast<int>(i) + 1;
    if (fence.info != "console")
        lesson.problems.push_back(
            {lesson.path, line + 1, "a session's block must be ```console, not ```" + fence.info});
    Session session{i, fence, {}};
    if (body != "session") {  // `session: OPTION`
        auto option = body.substr(body.find(':') + 1);
        option.erase(0, std::min(option.size(), option.find_first_not_of(' ')));
        if (option == "pty")
            session.terminal = true;
        else
            lesson.problems.push_back({lesson.path, line,
                                       "unknown session option '" + option +
                                           "': the markers are `<!-- session -->` and "
                                           "`<!-- session: pty -->`"});
    }
    parse_session(lesson, session);
    lesson.sessions.push_back(std::move(session));
}

/// Handles the marker @p body found at line @p i; returns the index to continue from.
std::size_t parse_marker(Lesson& lesson, const std::string& body, std::size_t i) {
    const int line = static_cast<int>(i) + 1;
    auto fence =
        i + 1 < lesson.lines.size() ? opening_fence(lesson.lines[i + 1], i + 1) : std::nullopt;
    if (!fence) {
        lesson.problems.push_back({lesson.path, line,
                                   "`<!-- " + body +
                                       " -->` must be directly followed by a "
                                       "fenced block (``` on the next line)"});
        return i + 1;
    }
    if (!find_close(lesson.lines, *fence)) {
        lesson.problems.push_back({lesson.path, line + 1, "fenced block is never closed"});
        return lesson.lines.size();
    }
    if (body.starts_with("code:"))
        parse_code_marker(lesson, body, i, *fence);
    else
        parse_session_marker(lesson, body, i, *fence);
    return fence->close + 1;
}

}  // namespace

std::vector<std::string> Lesson::content(const Fence& fence) const {
    std::vector<std::string> out;
    for (auto i = fence.open + 1; i < fence.close; ++i) {
        const auto& line = lines[i];
        auto strip = std::min(fence.indent, line.find_first_not_of(' ') == std::string::npos
                                                ? line.size()
                                                : line.find_first_not_of(' '));
        out.push_back(line.substr(strip));
    }
    return out;
}

long Lesson::replace(const Fence& fence, const std::vector<std::string>& content_lines) {
    std::vector<std::string> indented;
    for (const auto& line : content_lines)
        indented.push_back(line.empty() ? line : std::string(fence.indent, ' ') + line);
    const auto old_size = static_cast<long>(fence.close - fence.open - 1);
    lines.erase(lines.begin() + static_cast<long>(fence.open) + 1,
                lines.begin() + static_cast<long>(fence.close));
    lines.insert(lines.begin() + static_cast<long>(fence.open) + 1, indented.begin(),
                 indented.end());
    return static_cast<long>(indented.size()) - old_size;
}

Lesson parse_lesson(std::string path, const std::string& text) {
    Lesson lesson{std::move(path), split_lines(text), {}, {}, {}};
    reparse(lesson);
    return lesson;
}

void reparse(Lesson& lesson) {
    lesson.code.clear();
    lesson.sessions.clear();
    lesson.problems.clear();
    std::size_t i = 0;
    while (i < lesson.lines.size()) {
        if (auto fence = opening_fence(lesson.lines[i], i)) {
            // An unmarked block: skip it whole, markers inside it are only examples.
            i = find_close(lesson.lines, *fence) ? fence->close + 1 : lesson.lines.size();
            continue;
        }
        auto body = comment_body(lesson.lines[i]);
        if (body &&
            (body->starts_with("code:") || *body == "session" || body->starts_with("session:")))
            i = parse_marker(lesson, *body, i);
        else
            ++i;
    }
}

}  // namespace weave
