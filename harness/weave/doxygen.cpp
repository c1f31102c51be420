// The lessons as Doxygen pages. Lessons are written for GitHub's Markdown; Doxygen needs
// page ids, explicit anchors and `@ref` links, and misreads some Markdown (inline.cpp
// converts the prose). Lab contracts get links back to their lessons (site.cpp).
#include "doxygen.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "codeblocks.hpp"
#include "diagnostics.hpp"
#include "inline.hpp"
#include "labmeta/lab.hpp"
#include "site.hpp"

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

/// The marker comment's body on @p line (`code: x`, `session`, `diagram: x`), or "".
std::string marker_body(const std::string& line) {
    static const std::regex marker(R"(^\s{0,3}<!--\s*(.*?)\s*-->\s*$)");
    std::smatch m;
    return std::regex_match(line, m, marker) ? m[1].str() : "";
}

/// What a marker comment shows: a code block's caption (`code: FILE#TAG` names FILE), a
/// diagram (`diagram: NAME`, docs/diagrams/NAME.dot); others (sessions) show nothing.
std::string marker_line(const std::string& body) {
    auto argument = [&](std::size_t length) {
        auto value = body.substr(length);
        value.erase(0, value.find_first_not_of(' '));
        return value;
    };
    if (body.starts_with("code:"))
        return "<div class=\"weave-source\">" + argument(5).substr(0, argument(5).find('#')) +
               "</div>";
    if (body.starts_with("diagram:"))
        return "\\dotfile " + argument(8) + ".dot";
    return "";
}

/// Whether @p line starts a Markdown block of its own inside a run of text lines: a list
/// item, a table row, a quotation. A code span never crosses into it.
bool starts_block(const std::string& line) {
    static const std::regex start(R"(^\s*([-*+]|\d+[.)]|\||>)(\s|$))");
    return std::regex_search(line, start);
}

/// Writes Markdown links for Doxygen: to other lessons and to headings as `@ref`; to
/// files outside the site as plain text naming the file; images and URLs unchanged.
LinkWriter lesson_links(const std::string& page, const std::set<std::string>& lessons) {
    return [page, lessons](const std::string& text, const std::string& target, bool image) {
        auto hash = target.find('#');
        auto file = target.substr(0, hash);
        auto anchor = hash == std::string::npos ? "" : target.substr(hash + 1);
        if (file.starts_with("./"))
            file.erase(0, 2);
        if (image || target.find("://") != std::string::npos || target.starts_with("mailto:"))
            return std::string(image ? "!" : "") + "[" + text + "](" + target + ")";
        if (file.empty() || lessons.count(file) != 0) {
            auto id = file.empty() ? page : page_id(file);
            return "[" + text + "](@ref " + (anchor.empty() ? id : id + "-" + anchor) + ")";
        }
        auto plain = [](const std::string& t, const std::string&, bool) { return t; };
        if (text == code_element(file) || text == doxygen_inline(file, plain))
            return code_element(file);
        return text + " (" + code_element(file) + ")";
    };
}

/// The lines of a lesson's prose, converted a paragraph at a time (code spans may
/// cross lines); the number of lines stays the same.
class Prose {
  public:
    Prose(std::vector<std::string>& out, LinkWriter links) : out_(out), links_(std::move(links)) {}
    void add(const std::string& line) {
        if (starts_block(line))
            flush();
        paragraph_ += (paragraph_.empty() ? "" : "\n") + line;
        open_ = true;
    }
    void flush() {
        if (open_) {
            auto converted = doxygen_inline(paragraph_, links_);
            std::size_t start = 0;
            for (auto end = converted.find('\n'); end != std::string::npos;
                 start = end + 1, end = converted.find('\n', start))
                out_.push_back(converted.substr(start, end - start));
            out_.push_back(converted.substr(start));
        }
        paragraph_.clear();
        open_ = false;
    }
    std::string heading(const std::string& text) const {
        return doxygen_inline(text, links_, true);
    }

  private:
    std::vector<std::string>& out_;
    LinkWriter links_;
    std::string paragraph_;
    bool open_ = false;
};

std::string lesson_page(const fs::path& root, const fs::path& file) {
    const auto site = load_site(root);
    const auto name = file.filename().string();
    const auto page = page_id(name);
    auto lines = split_lines(read_text(file));
    std::map<std::size_t, Heading> heading_at;
    for (const auto& h : headings(lines))
        heading_at[h.line] = h;
    std::vector<std::string> out;
    Prose prose(out, lesson_links(page, {site.lessons.begin(), site.lessons.end()}));
    bool fenced = false, titled = false;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto& line = lines[i];
        auto body = fenced || is_fence(line) ? "" : marker_body(line);
        auto h = fenced ? heading_at.end() : heading_at.find(i);
        if (is_fence(line) || fenced || h != heading_at.end() || !body.empty() ||
            rstrip(line).empty())
            prose.flush();
        if (is_fence(line) || fenced) {
            fenced = fenced != is_fence(line);
            out.push_back(line);
        } else if (h != heading_at.end()) {
            const bool title = !titled && h->second.level == 1;
            out.push_back(std::string(static_cast<std::size_t>(h->second.level), '#') + " " +
                          prose.heading(h->second.text) + " {#" +
                          (title ? page : page + "-" + h->second.anchor) + "}");
            if (title)
                out.push_back(lesson_navigation(site, name, "top") + "\n\n[TOC]");
            titled = titled || title;
        } else if (!body.empty() || rstrip(line).empty()) {
            out.push_back(marker_line(body));
        } else {
            prose.add(line);
        }
    }
    prose.flush();
    return join_lines(out) + "\n" + lesson_lab_card(site, name) + "\n\n" +
           lesson_navigation(site, name, "bottom") + "\n";
}

std::string lab_list(const Site& site) {
    std::string list;
    for (const auto& lab : site.labs) {
        list += "- **Lab " + lab.spec.id + ": " + lab.spec.title + "**";
        std::string contracts;
        for (const auto& header : lab.contracts)
            contracts += (contracts.empty() ? "" : ", ") + std::string("@ref ") + header + " \"" +
                         fs::path(header).filename().string() + "\"";
        if (!contracts.empty())
            list += ": the contract " + contracts;
        if (site.titles.count(lab.spec.lesson) != 0)
            list += ", taught in @ref " + page_id(lab.spec.lesson);
        list += "\n";
        for (const auto& task : lab.spec.tasks)
            list += "  " + std::to_string(task.number) + ". " + task.title + "\n";
    }
    return list;
}

std::string main_page(const fs::path& root, const fs::path& file) {
    const auto site = load_site(root);
    std::string out;
    for (const auto& line : split_lines(read_text(file))) {
        auto body = marker_body(line);
        if (body == "lessons") {
            for (const auto& lesson : site.lessons)
                out += "- @subpage " + page_id(lesson) + "\n";
        } else if (body == "labs") {
            out += lab_list(site);
        } else {
            out += line + "\n";
        }
    }
    return out;
}

}  // namespace

std::string first_heading(const std::vector<std::string>& lines) {
    auto found = headings(lines);
    return found.empty() ? "" : found.front().text;
}

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
    if (relative.starts_with("labs/") && file.extension() == ".hpp")
        return contract_header(load_site(root), relative, read_text(absolute));
    return read_text(absolute);
}

}  // namespace weave
