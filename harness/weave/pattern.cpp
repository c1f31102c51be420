// Matching a program's output against a lesson's expected lines with placeholders.
#include "pattern.hpp"

#include <cctype>
#include <map>

#include "diagnostics.hpp"

namespace weave {

namespace {

bool is_digit(char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

/// True when @p text at @p pos has the shape @p shape ('9' = any digit, else itself).
bool has_shape(std::string_view text, std::size_t pos, std::string_view shape) {
    if (text.size() - pos < shape.size())
        return false;
    for (std::size_t i = 0; i < shape.size(); ++i)
        if (shape[i] == '9' ? !is_digit(text[pos + i]) : text[pos + i] != shape[i])
            return false;
    return true;
}

/// Every length the piece can match at @p pos, longest first.
std::vector<std::size_t> candidate_lengths(const Piece& piece, std::string_view text,
                                           std::size_t pos) {
    std::vector<std::size_t> lengths;
    auto run = [&](std::size_t from, auto accept) {
        std::size_t end = from;
        while (end < text.size() && accept(text[end]))
            ++end;
        return end - pos;
    };
    switch (piece.kind) {
        case Piece::Kind::literal:
            if (text.substr(pos).starts_with(piece.text))
                lengths.push_back(piece.text.size());
            break;
        case Piece::Kind::time:
            if (has_shape(text, pos, "99:99:99"))
                lengths.push_back(8);
            break;
        case Piece::Kind::date:
            if (has_shape(text, pos, "9999-99-99"))
                lengths.push_back(10);
            break;
        case Piece::Kind::pid:
            for (auto n = std::min<std::size_t>(run(pos, is_digit), 7); n >= 1; --n)
                lengths.push_back(n);
            break;
        case Piece::Kind::number: {
            auto sign = pos < text.size() && text[pos] == '-' ? 1u : 0u;
            for (auto n = run(pos + sign, is_digit); n > sign; --n)
                lengths.push_back(n);
            break;
        }
        case Piece::Kind::path:
            for (auto n = run(pos, [](char c) { return c != ' ' && c != '\t'; }); n >= 1; --n)
                lengths.push_back(n);
            break;
        case Piece::Kind::any:
            for (auto n = text.size() - pos + 1; n-- > 0;)
                lengths.push_back(n);
            break;
    }
    return lengths;
}

bool match_from(const std::vector<Piece>& pieces, std::size_t k, std::string_view text,
                std::size_t pos) {
    if (k == pieces.size())
        return pos == text.size();
    for (auto length : candidate_lengths(pieces[k], text, pos))
        if (match_from(pieces, k + 1, text, pos + length))
            return true;
    return false;
}

const std::map<std::string, Piece::Kind>& placeholder_kinds() {
    static const std::map<std::string, Piece::Kind> kinds{
        {"pid", Piece::Kind::pid},   {"n", Piece::Kind::number},  {"time", Piece::Kind::time},
        {"date", Piece::Kind::date}, {"path", Piece::Kind::path}, {"*", Piece::Kind::any}};
    return kinds;
}

}  // namespace

std::optional<LinePattern> compile_line(const std::string& line, std::string& error) {
    LinePattern pattern{rstrip(line), false, {}};
    const auto& text = pattern.source;
    if (text.find_first_not_of(' ') != std::string::npos &&
        text.substr(text.find_first_not_of(' ')) == "{{...}}") {
        pattern.many_lines = true;
        return pattern;
    }
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto open = text.find("{{", pos);
        auto close = open == std::string::npos ? open : text.find("}}", open + 2);
        if (close == std::string::npos) {
            pattern.pieces.push_back({Piece::Kind::literal, text.substr(pos)});
            break;
        }
        auto name = text.substr(open + 2, close - open - 2);
        auto kind = placeholder_kinds().find(name);
        if (kind == placeholder_kinds().end()) {
            error = name == "..." ? "{{...}} must be alone on its line"
                                  : "unknown placeholder {{" + name +
                                        "}} (use pid, n, time, date, path, *, ...)";
            return std::nullopt;
        }
        if (open > pos)
            pattern.pieces.push_back({Piece::Kind::literal, text.substr(pos, open - pos)});
        pattern.pieces.push_back({kind->second, {}});
        pos = close + 2;
    }
    return pattern;
}

bool line_matches(const LinePattern& pattern, std::string_view actual) {
    if (pattern.many_lines)
        return true;
    while (!actual.empty() && (actual.back() == ' ' || actual.back() == '\t'))
        actual.remove_suffix(1);
    return match_from(pattern.pieces, 0, actual, 0);
}

bool lines_match(const std::vector<LinePattern>& expected, const std::vector<std::string>& actual) {
    // can[i][j]: expected[i..] matches actual[j..]. Filled backwards, so {{...}} backtracks.
    const auto n = expected.size(), m = actual.size();
    std::vector<std::vector<char>> can(n + 1, std::vector<char>(m + 1, 0));
    can[n][m] = 1;
    for (auto i = n; i-- > 0;) {
        for (auto j = m + 1; j-- > 0;) {
            if (expected[i].many_lines)
                can[i][j] = can[i + 1][j] || (j < m && can[i][j + 1]);
            else
                can[i][j] = j < m && can[i + 1][j + 1] && line_matches(expected[i], actual[j]);
        }
    }
    return can[0][0] != 0;
}

std::vector<std::string> realign(const std::vector<LinePattern>& expected,
                                 const std::vector<std::string>& actual) {
    // best[i][j]: most pattern lines kept when aligning expected[i..] with actual[j..];
    // every actual line is matched, swallowed by {{...}}, or written literally.
    const auto n = expected.size(), m = actual.size();
    std::vector<std::vector<int>> best(n + 1, std::vector<int>(m + 1, 0));
    for (auto i = n + 1; i-- > 0;) {
        for (auto j = m + 1; j-- > 0;) {
            int value = 0;
            if (i < n && expected[i].many_lines) {
                value = best[i + 1][j] + 1;
                if (j < m)
                    value = std::max(value, best[i][j + 1]);
            } else if (i < n) {
                value = best[i + 1][j];
                if (j < m)
                    value = std::max(value, best[i][j + 1]);
                if (j < m && line_matches(expected[i], actual[j]))
                    value = std::max(value, best[i + 1][j + 1] + 1);
            } else if (j < m) {
                value = best[i][j + 1];
            }
            best[i][j] = value;
        }
    }
    std::vector<std::string> out;
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && expected[i].many_lines) {
            if (j < m && best[i][j] == best[i][j + 1]) {
                ++j;  // swallowed by {{...}}
            } else {
                out.push_back(expected[i++].source);
            }
        } else if (i < n && j < m && line_matches(expected[i], actual[j]) &&
                   best[i][j] == best[i + 1][j + 1] + 1) {
            out.push_back(expected[i++].source);
            ++j;
        } else if (i < n && best[i][j] == best[i + 1][j]) {
            ++i;  // an expected line that no longer appears
        } else {
            out.push_back(rstrip(actual[j++]));
        }
    }
    return out;
}

}  // namespace weave
