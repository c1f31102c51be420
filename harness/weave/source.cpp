// Finding tagged regions in sources and cutting them out for the lessons.
#include "source.hpp"

#include <algorithm>
#include <cctype>

namespace weave {

namespace {

bool is_tag_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' || c == ':' ||
           c == '/' || c == '+' || c == '-';
}

bool is_blank(std::string_view line) {
    return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

}  // namespace

std::optional<Marker> parse_marker(std::string_view line) {
    auto start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos)
        return std::nullopt;
    line.remove_prefix(start);
    std::size_t prefix = line.starts_with("//") ? 2 : line.starts_with("#") ? 1 : 0;
    if (prefix == 0 || line.size() <= prefix || (line[prefix] != '>' && line[prefix] != '<'))
        return std::nullopt;
    Marker marker{line[prefix] == '>', {}};
    line.remove_prefix(prefix + 1);
    // At least one space, then the tag, then only trailing spaces.
    if (line.empty() || (line[0] != ' ' && line[0] != '\t'))
        return std::nullopt;
    line.remove_prefix(line.find_first_not_of(" \t") == std::string_view::npos
                           ? line.size()
                           : line.find_first_not_of(" \t"));
    std::size_t length = 0;
    while (length < line.size() && is_tag_char(line[length]))
        ++length;
    if (length == 0 || !is_blank(line.substr(length)))
        return std::nullopt;
    marker.tag = std::string(line.substr(0, length));
    return marker;
}

SourceFile scan_source(std::string path, const std::string& text) {
    SourceFile source{std::move(path), split_lines(text), {}, {}, {}};
    source.is_marker.assign(source.lines.size(), false);
    for (std::size_t i = 0; i < source.lines.size(); ++i) {
        auto marker = parse_marker(source.lines[i]);
        if (!marker)
            continue;
        source.is_marker[i] = true;
        const int line = static_cast<int>(i) + 1;
        auto found = source.tags.find(marker->tag);
        if (marker->opens && found != source.tags.end()) {
            source.problems.push_back({source.path, line,
                                       "tag '" + marker->tag + "' already defined at line " +
                                           std::to_string(found->second.open_line)});
        } else if (marker->opens) {
            source.tags[marker->tag] = TagSpan{line, 0};
        } else if (found == source.tags.end() || found->second.close_line != 0) {
            source.problems.push_back(
                {source.path, line, "'" + marker->tag + "' closed but never opened"});
        } else {
            found->second.close_line = line;
        }
    }
    for (const auto& [tag, span] : source.tags)
        if (span.close_line == 0)
            source.problems.push_back(
                {source.path, span.open_line, "tag '" + tag + "' is never closed"});
    return source;
}

std::vector<std::string> dedent(std::vector<std::string> lines) {
    std::optional<std::string> common;
    for (const auto& line : lines) {
        if (is_blank(line))
            continue;
        auto indent = line.substr(0, line.find_first_not_of(" \t"));
        if (!common) {
            common = indent;
        } else {
            auto mismatch =
                std::mismatch(common->begin(), common->end(), indent.begin(), indent.end());
            common->erase(mismatch.first, common->end());
        }
    }
    for (auto& line : lines) {
        if (is_blank(line))
            line.clear();
        else
            line.erase(0, common ? common->size() : 0);
    }
    return lines;
}

std::optional<std::vector<std::string>> region_lines(const SourceFile& source,
                                                     const std::string& tag) {
    std::size_t first = 0, last = source.lines.size();  // [first, last) of line indexes
    if (!tag.empty()) {
        auto found = source.tags.find(tag);
        if (found == source.tags.end() || found->second.close_line == 0)
            return std::nullopt;
        first = static_cast<std::size_t>(found->second.open_line);  // the line after it
        last = static_cast<std::size_t>(found->second.close_line) - 1;
    }
    std::vector<std::string> lines;
    for (std::size_t i = first; i < last; ++i)
        if (!source.is_marker[i])
            lines.push_back(rstrip(source.lines[i]));
    if (tag.empty())
        while (!lines.empty() && lines.back().empty())
            lines.pop_back();
    return dedent(std::move(lines));
}

}  // namespace weave
