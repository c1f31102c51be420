// The lessons as Doxygen pages. Lessons are written for GitHub's Markdown; Doxygen needs
// page ids, explicit anchors and `@ref` links, and reads `@` and `\` as commands.
#include "doxygen.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string_view>

#include "codeblocks.hpp"
#include "diagnostics.hpp"
#include "labmeta/lab.hpp"

namespace weave {

namespace fs = std::filesystem;

std::string page_id(const std::string& lesson_file_name) {
    return "lesson-" + fs::path(lesson_file_name).stem().string();
}

std::string github_slug(const std::string& heading) {
    std::string slug;
    for (char c : heading) {
        auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) != 0 || c == '_' || c == '-' || u >= 0x80)
            slug += static_cast<char>(std::tolower(u));
        else if (c == ' ')
            slug += '-';
    }
    return slug;
}

namespace {

struct Heading {
    std::size_t line = 0;
    int level = 0;
    std::string text, anchor;  // anchor: the GitHub slug, made unique within the page
};

bool is_fence(const std::string& line) {
    auto start = line.find_first_not_of(' ');
    return start != std::string::npos && start <= 3 &&
           (line.compare(start, 3, "```") == 0 || line.compare(start, 3, "~~~") == 0);
}

/// The headings outside fenced blocks, with GitHub's unique slugs (`x`, `x-1`, ...).
std::vector<Heading> headings(const std::vector<std::string>& lines) {
    std::vector<Heading> found;
    std::map<std::string, int> used;
    bool fenced = false;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (is_fence(lines[i]))
            fenced = !fenced;
        if (fenced || !lines[i].starts_with("#"))
            continue;
        auto level = lines[i].find_first_not_of('#');
        if (level == std::string::npos || level > 6 || lines[i][level] != ' ')
            continue;
        auto text = rstrip(lines[i].substr(level + 1));
        auto slug = github_slug(text);
        auto count = used[slug]++;
        found.push_back({i, static_cast<int>(level), text,
                         count == 0 ? slug : slug + "-" + std::to_string(count)});
    }
    return found;
}

struct Pages {
    std::vector<std::string> lessons;  // file names, in order
    std::map<std::string, std::string> titles;
};

Pages course_pages(const fs::path& root) {
    Pages pages;
    for (const auto& path : lesson_paths(root)) {
        auto name = fs::path(path).filename().string();
        pages.lessons.push_back(name);
        auto found = headings(split_lines(read_text(root / path)));
        pages.titles[name] = found.empty() ? name : found.front().text;
    }
    return pages;
}

const std::set<std::string>& html_tags() {
    static const std::set<std::string> tags{
        "a",   "b",     "br", "code", "del", "details", "div",  "em",     "i",   "img",
        "kbd", "li",    "ol", "p",    "pre", "s",       "span", "strong", "sub", "summary",
        "sup", "table", "td", "th",   "tr",  "tt",      "u",    "ul"};
    return tags;
}

/// Escapes what Doxygen would read as a command in prose: `\`, `@`, and `<` that does
/// not open an HTML tag. Code spans are left alone.
std::string escape_prose(const std::string& line) {
    std::string out;
    bool in_code = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (c == '`')
            in_code = !in_code;
        const bool markdown_escape =
            c == '\\' && i + 1 < line.size() &&
            std::string_view("`*_{}[]()#+-.!<>|~").find(line[i + 1]) != std::string_view::npos;
        if (!in_code && !markdown_escape && (c == '\\' || c == '@')) {
            out += '\\';
        } else if (!in_code && c == '<' && line.compare(i, 4, "<!--") != 0) {
            std::size_t end = i + 1 + (i + 1 < line.size() && line[i + 1] == '/');
            std::size_t word = end;
            while (word < line.size() && std::isalpha(static_cast<unsigned char>(line[word])))
                ++word;
            if (html_tags().count(line.substr(end, word - end)) == 0) {
                out += "&lt;";
                continue;
            }
        }
        out += c;
    }
    return out;
}

/// Rewrites Markdown links for Doxygen: to other lessons and to headings as `@ref`; to
/// files outside the site as plain text naming the file.
std::string rewrite_links(const std::string& line, const std::string& page,
                          const std::set<std::string>& lessons) {
    static const std::regex link(R"((!?)\[([^\]]*)\]\(([^)\s]+)\))");
    std::string out;
    auto begin = std::sregex_iterator(line.begin(), line.end(), link);
    std::size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
        const auto& m = *it;
        out += line.substr(last, static_cast<std::size_t>(m.position()) - last);
        last = static_cast<std::size_t>(m.position() + m.length());
        std::string text = m[2], target = m[3];
        auto hash = target.find('#');
        auto file = target.substr(0, hash);
        auto anchor = hash == std::string::npos ? "" : target.substr(hash + 1);
        if (file.starts_with("./"))
            file.erase(0, 2);
        if (m[1] == "!" || target.find("://") != std::string::npos ||
            target.starts_with("mailto:")) {
            out += m.str();
        } else if (file.empty() || lessons.count(file) != 0) {
            auto id = file.empty() ? page : page_id(file);
            out += "[" + text + "](@ref " + (anchor.empty() ? id : id + "-" + anchor) + ")";
        } else {
            out += text == file || text == "`" + file + "`" ? "`" + file + "`"
                                                            : text + " (`" + file + "`)";
        }
    }
    return out + line.substr(last);
}

std::string navigation(const Pages& pages, const std::string& name) {
    auto at = std::find(pages.lessons.begin(), pages.lessons.end(), name);
    std::string nav = "\n<hr>\n";
    if (at != pages.lessons.begin())
        nav += "Previous: @ref " + page_id(*(at - 1)) + " \"" + pages.titles.at(*(at - 1)) + "\"";
    if (at != pages.lessons.begin() && at + 1 != pages.lessons.end())
        nav += " &middot; ";
    if (at != pages.lessons.end() && at + 1 != pages.lessons.end())
        nav += "Next: @ref " + page_id(*(at + 1)) + " \"" + pages.titles.at(*(at + 1)) + "\"";
    return nav + "\n";
}

/// The marker comment's body on @p line (`code: x`, `session`, `diagram: x`), or "".
std::string marker_body(const std::string& line) {
    static const std::regex marker(R"(^\s{0,3}<!--\s*(.*?)\s*-->\s*$)");
    std::smatch m;
    return std::regex_match(line, m, marker) ? m[1].str() : "";
}

std::string lesson_page(const fs::path& root, const fs::path& file) {
    auto pages = course_pages(root);
    const auto name = file.filename().string();
    const auto page = page_id(name);
    const std::set<std::string> lessons(pages.lessons.begin(), pages.lessons.end());
    auto lines = split_lines(read_text(file));
    auto found = headings(lines);
    std::map<std::size_t, Heading> heading_at;
    for (const auto& h : found)
        heading_at[h.line] = h;
    std::vector<std::string> out;
    bool fenced = false, titled = false;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto& line = lines[i];
        if (is_fence(line)) {
            fenced = !fenced;
            out.push_back(line);
            continue;
        }
        if (fenced) {
            out.push_back(line);
            continue;
        }
        auto body = marker_body(line);
        if (auto h = heading_at.find(i); h != heading_at.end()) {
            const bool title = !titled && h->second.level == 1;
            out.push_back(std::string(static_cast<std::size_t>(h->second.level), '#') + " " +
                          escape_prose(h->second.text) + " {#" +
                          (title ? page : page + "-" + h->second.anchor) + "}");
            if (title)
                out.push_back("\n[TOC]");
            titled = titled || title;
        } else if (body.starts_with("code:")) {
            auto spec = body.substr(5);
            spec.erase(0, spec.find_first_not_of(' '));
            out.push_back("<div class=\"weave-source\">" + spec.substr(0, spec.find('#')) +
                          "</div>");
        } else if (body.starts_with("diagram:")) {
            auto diagram = body.substr(8);
            diagram.erase(0, diagram.find_first_not_of(' '));
            out.push_back("\\dotfile " + diagram + ".dot");
        } else if (!body.empty()) {
            out.push_back("");  // other comments (sessions) show nothing
        } else {
            out.push_back(rewrite_links(escape_prose(line), page, lessons));
        }
    }
    return join_lines(out) + navigation(pages, name);
}

std::string lab_list(const fs::path& root) {
    std::string list;
    for (const auto& dir : labmeta::lab_dirs(root / "labs")) {
        labmeta::LabSpec lab;
        try {
            lab = labmeta::load_lab(dir);
        } catch (const std::exception&) {
            continue;  // a broken lab.json is the build's to report, not the docs'
        }
        list += "- **Lab " + lab.id + ": " + lab.title + "** (`labs/" + lab.slug + "/`)";
        if (fs::exists(root / "lessons" / lab.lesson))
            list += ", taught in @ref " + page_id(lab.lesson);
        list += "\n";
        for (const auto& task : lab.tasks)
            list += "  " + std::to_string(task.number) + ". " + task.title + "\n";
    }
    return list;
}

std::string main_page(const fs::path& root, const fs::path& file) {
    auto pages = course_pages(root);
    std::string out;
    for (const auto& line : split_lines(read_text(file))) {
        auto body = marker_body(line);
        if (body == "lessons") {
            for (const auto& lesson : pages.lessons)
                out += "- @subpage " + page_id(lesson) + "\n";
        } else if (body == "labs") {
            out += lab_list(root);
        } else {
            out += line + "\n";
        }
    }
    return out;
}

}  // namespace

std::vector<std::string> heading_anchors(const std::vector<std::string>& lines) {
    std::vector<std::string> anchors;
    for (const auto& h : headings(lines))
        anchors.push_back(h.anchor);
    return anchors;
}

void check_lab_sections(const fs::path& root, Reporter& reporter) {
    for (const auto& dir : labmeta::lab_dirs(root / "labs")) {
        auto where = fs::relative(dir / "lab.json", root).generic_string();
        labmeta::LabSpec lab;
        try {
            lab = labmeta::load_lab(dir);
        } catch (const std::exception& bad) {
            reporter.error(where, 0, bad.what());
            continue;
        }
        auto lesson = "lessons/" + lab.lesson;
        if (!fs::is_regular_file(root / lesson))
            continue;  // lesson not written yet
        auto anchors = heading_anchors(split_lines(read_text(root / lesson)));
        for (const auto& task : lab.tasks) {
            if (std::find(anchors.begin(), anchors.end(), task.section) == anchors.end())
                reporter.error(where, 0,
                               "task " + std::to_string(task.number) + " section '" + task.section +
                                   "' is not a heading of " + lesson);
        }
    }
}

std::string doxygen_page(const fs::path& root, const fs::path& file) {
    auto absolute = fs::weakly_canonical(file);
    auto relative = fs::relative(absolute, fs::canonical(root)).generic_string();
    if (relative.starts_with("lessons/") && file.extension() == ".md" &&
        relative.find('/', 8) == std::string::npos)
        return lesson_page(root, absolute);
    if (relative == "docs/mainpage.md")
        return main_page(root, absolute);
    return read_text(absolute);
}

}  // namespace weave
