// Diagnostics and the small text helpers every part of the weaver shares.
#include "diagnostics.hpp"

#include <algorithm>
#include <ostream>

namespace weave {

void Reporter::error(const std::string& file, int line, const std::string& message) {
    auto text = file + (line > 0 ? ":" + std::to_string(line) : "") + ": error: " + message;
    if (!seen_.insert(text).second)
        return;
    ++count_;
    out_ << text << '\n';
}

void Reporter::errors(const std::vector<Diagnostic>& found) {
    for (const auto& d : found)
        error(d.file, d.line, d.message);
}

void Reporter::note(const std::string& text) {
    out_ << text << '\n';
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines)
        text += line + '\n';
    return text;
}

std::string rstrip(std::string text) {
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
        text.pop_back();
    return text;
}

std::string short_diff(const std::vector<std::string>& expected,
                       const std::vector<std::string>& actual, std::size_t max_lines) {
    // Longest common subsequence table: blocks are short, quadratic is fine.
    const auto n = expected.size(), m = actual.size();
    std::vector<std::vector<std::size_t>> lcs(n + 1, std::vector<std::size_t>(m + 1, 0));
    for (std::size_t i = n; i-- > 0;)
        for (std::size_t j = m; j-- > 0;)
            lcs[i][j] = expected[i] == actual[j] ? lcs[i + 1][j + 1] + 1
                                                 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    std::string out;
    std::size_t shown = 0, i = 0, j = 0;
    auto emit = [&](char sign, const std::string& line) {
        if (shown++ < max_lines)
            out += std::string("    ") + sign + ' ' + line + '\n';
    };
    while (i < n || j < m) {
        if (i < n && j < m && expected[i] == actual[j]) {
            ++i, ++j;
        } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
            emit('-', expected[i++]);
        } else {
            emit('+', actual[j++]);
        }
    }
    if (shown > max_lines)
        out += "    ... (" + std::to_string(shown - max_lines) + " more)\n";
    return out;
}

}  // namespace weave
