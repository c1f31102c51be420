// The links that make the docs site read like a book: previous / next between lessons,
// each lesson to its lab's contract and the contract back to its lesson, each task to
// the section that teaches it. All of it comes from the lesson order and lab.json, so a
// new lesson or lab is linked without anyone writing a link.
#include "site.hpp"

#include <algorithm>
#include <regex>

#include "codeblocks.hpp"
#include "diagnostics.hpp"
#include "doxygen.hpp"
#include "inline.hpp"

namespace weave {

namespace fs = std::filesystem;

namespace {

/// Text for inside a Doxygen `@ref target "text"`: converted, and without straight quotes.
std::string ref_text(const std::string& text) {
    auto converted = doxygen_inline(
        text, [](const std::string& t, const std::string&, bool) { return t; }, true);
    std::string out;
    for (char c : converted)
        out += c == '"' ? std::string("&quot;") : std::string(1, c);
    return out;
}

std::string ref(const std::string& target, const std::string& text) {
    return "@ref " + target + " \"" + ref_text(text) + "\"";
}

/// The headers of @p dir that the lab's stub sources include (`#include "x.hpp"`).
std::vector<std::string> contract_headers(const fs::path& root, const labmeta::LabSpec& lab) {
    static const std::regex include(R"re(^\s*#\s*include\s*"([^"/]+\.hpp)")re");
    std::vector<std::string> found;
    for (const auto& source : lab.sources) {
        for (const auto& line : split_lines(read_text(root / "labs" / lab.slug / source))) {
            std::smatch m;
            if (!std::regex_search(line, m, include) ||
                !fs::is_regular_file(root / "labs" / lab.slug / m[1].str()))
                continue;
            auto header = "labs/" + lab.slug + "/" + m[1].str();
            if (std::find(found.begin(), found.end(), header) == found.end())
                found.push_back(header);
        }
    }
    return found;
}

std::string header_name(const std::string& header) {
    return fs::path(header).filename().string();
}

std::string contract_list(const SiteLab& lab) {
    std::string list;
    for (const auto& header : lab.contracts)
        list += (list.empty() ? "" : ", ") + ref(header, header_name(header));
    return list;
}

}  // namespace

const SiteLab* Site::lab_of(const std::string& lesson) const {
    for (const auto& lab : labs)
        if (lab.spec.lesson == lesson)
            return &lab;
    return nullptr;
}

const SiteLab* Site::lab_of_header(const std::string& header) const {
    for (const auto& lab : labs)
        if (std::find(lab.contracts.begin(), lab.contracts.end(), header) != lab.contracts.end())
            return &lab;
    return nullptr;
}

Site load_site(const fs::path& root) {
    Site site;
    for (const auto& path : lesson_paths(root)) {
        auto name = fs::path(path).filename().string();
        site.lessons.push_back(name);
        auto title = first_heading(split_lines(read_text(root / path)));
        site.titles[name] = title.empty() ? name : title;
    }
    for (const auto& dir : labmeta::lab_dirs(root / "labs")) {
        try {
            auto spec = labmeta::load_lab(dir);
            auto contracts = contract_headers(root, spec);
            site.labs.push_back({std::move(spec), std::move(contracts)});
        } catch (const std::exception&) {
            continue;  // a broken lab.json is the build's to report, not the docs'
        }
    }
    return site;
}

std::string lesson_navigation(const Site& site, const std::string& lesson,
                              const std::string& where) {
    auto at = std::find(site.lessons.begin(), site.lessons.end(), lesson);
    if (at == site.lessons.end())
        return "";
    std::string nav = "<div class=\"course-nav course-nav-" + where + "\">";
    if (at != site.lessons.begin())
        nav += "<span class=\"course-nav-prev\">" +
               ref(page_id(*(at - 1)), "← " + site.titles.at(*(at - 1))) + "</span>";
    if (const auto* lab = site.lab_of(lesson); lab != nullptr && !lab->contracts.empty())
        nav += "<span class=\"course-nav-lab\">Lab " + lab->spec.id + ": " + contract_list(*lab) +
               "</span>";
    if (at + 1 != site.lessons.end())
        nav += "<span class=\"course-nav-next\">" +
               ref(page_id(*(at + 1)), site.titles.at(*(at + 1)) + " →") + "</span>";
    return nav + "</div>";
}

std::string lesson_lab_card(const Site& site, const std::string& lesson) {
    const auto* lab = site.lab_of(lesson);
    if (lab == nullptr)
        return "";
    std::vector<std::string> card{"<div class=\"course-lab\">",
                                  "<div class=\"course-lab-title\">Lab " + lab->spec.id + ": " +
                                      ref_text(lab->spec.title) + "</div>"};
    if (!lab->contracts.empty())
        card.push_back("<div>The contract: " + contract_list(*lab) + ", in <code>labs/" +
                       lab->spec.slug +
                       "/</code>. The tasks, and where this lesson "
                       "teaches each:</div>");
    card.push_back("<ol>");
    for (const auto& task : lab->spec.tasks)
        card.push_back("<li>" + ref(page_id(lesson) + "-" + task.section, task.title) + "</li>");
    card.push_back("</ol>");
    card.push_back("<div>Check your work with <code>make grade LAB=" + lab->spec.id +
                   "</code>.</div>");
    card.push_back("</div>");
    return join_lines(card);
}

std::string contract_header(const Site& site, const std::string& header, const std::string& text) {
    const auto* lab = site.lab_of_header(header);
    if (lab == nullptr ||
        std::find(site.lessons.begin(), site.lessons.end(), lab->spec.lesson) == site.lessons.end())
        return text;
    const auto& lesson = lab->spec.lesson;
    auto lines = split_lines(text);
    auto brief = std::find_if(lines.begin(), lines.end(), [](const std::string& line) {
        return !line.starts_with("///") || line.find("@brief") != std::string::npos;
    });
    if (brief != lines.end() && brief->starts_with("///")) {
        // The brief ends at the comment's first empty line: the link goes on its last line.
        while (brief + 1 != lines.end() && (brief + 1)->starts_with("/// ") &&
               !rstrip((brief + 1)->substr(3)).empty() &&
               (brief + 1)->find('@') == std::string::npos)
            ++brief;
        // JAVADOC_AUTOBRIEF ends a brief at its first ". ": ".\ " does not end it.
        auto& line = *brief;
        line = rstrip(line) + (rstrip(line).ends_with(".") ? "\\" : "") + " Taught in " +
               ref(page_id(lesson), site.titles.at(lesson)) + ".";
    }
    std::string card;
    for (const auto& line : split_lines(lesson_lab_card(site, lesson)))
        card += "/// " + line + "\n";
    return join_lines(lines) + "\n/// @file\n" + card +
           "/// <div class=\"course-nav course-nav-contract\"><span class=\"course-nav-prev\">" +
           ref(page_id(lesson), "← " + site.titles.at(lesson)) + "</span></div>\n";
}

}  // namespace weave
