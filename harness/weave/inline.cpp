// A paragraph of GitHub Markdown as Doxygen renders it right. Doxygen's Markdown is not
// GitHub's: a code span holding a quote turns into a quotation, prose in straight double
// quotes is left unformatted, and `\ @ % # $ ::` are commands to it. Rather than asking
// lesson writers to avoid all that, the filter hands Doxygen HTML it cannot misread.
#include "inline.hpp"

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>
#include <string_view>
#include <utility>

namespace weave {

namespace {

bool is_word(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

std::size_t run_length(const std::string& text, std::size_t at, char c) {
    std::size_t end = at;
    while (end < text.size() && text[end] == c)
        ++end;
    return end - at;
}

/// Where the code span opened by @p length backticks at @p open closes: the index of a
/// run of exactly @p length backticks after it, or npos (then they are literal).
std::size_t closing_run(const std::string& text, std::size_t open, std::size_t length) {
    for (std::size_t at = open + length; at < text.size();) {
        if (text[at] != '`') {
            ++at;
            continue;
        }
        auto run = run_length(text, at, '`');
        if (run == length)
            return at;
        at += run;
    }
    return std::string::npos;
}

/// CommonMark: one space (or line end) is stripped from both ends of a code span whose
/// text starts and ends with one, unless it is all spaces.
std::string strip_code_padding(std::string code) {
    auto space = [](char c) { return c == ' ' || c == '\n'; };
    if (code.size() >= 2 && space(code.front()) && space(code.back()) &&
        code.find_first_not_of(" \n") != std::string::npos)
        code = code.substr(1, code.size() - 2);
    return code;
}

/// `\--` and `\---` keep dashes from becoming en and em dashes.
std::string escape_dashes(std::size_t count) {
    std::string out;
    for (; count >= 3; count -= 3)
        out += "\\---";
    return out + (count == 2 ? "\\--" : count == 1 ? "-" : "");
}

const std::set<std::string, std::less<>>& html_tags() {
    static const std::set<std::string, std::less<>> tags{
        "a",   "b",     "br", "code", "del", "details", "div",  "em",     "i",   "img",
        "kbd", "li",    "ol", "p",    "pre", "s",       "span", "strong", "sub", "summary",
        "sup", "table", "td", "th",   "tr",  "tt",      "u",    "ul"};
    return tags;
}

/// The name of the HTML tag opening at @p at (`<b`, `</b`), or "" when it is not one.
std::string tag_name(const std::string& text, std::size_t at) {
    std::size_t start = at + 1 + (at + 1 < text.size() && text[at + 1] == '/');
    std::size_t end = start;
    while (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end])) != 0)
        ++end;
    auto name = text.substr(start, end - start);
    return html_tags().count(name) != 0 ? name : "";
}

/// Whether a straight quote at @p at opens a quotation: at the start, after a space,
/// an opening bracket, a slash, a dash (ASCII, en or em).
bool opens_quote(const std::string& text, std::size_t at) {
    if (at == 0)
        return true;
    char before = text[at - 1];
    if (std::string_view(" \t\n([{/-").find(before) != std::string_view::npos)
        return true;
    return at >= 3 && text.compare(at - 3, 2, "\xE2\x80") == 0 &&
           (before == '\x93' || before == '\x94');  // – or —
}

class Converter {
  public:
    Converter(std::string text, const LinkWriter& links, bool heading)
        : text_(std::move(text)), links_(links), heading_(heading) {}

    std::string run() {
        while (at_ < text_.size()) {
            if (!code_span() && !html() && !link() && !emphasis())
                character();
        }
        return out_;
    }

  private:
    const std::string text_;
    const LinkWriter& links_;
    bool heading_;
    std::size_t at_ = 0;
    std::string out_;

    bool code_span() {
        if (text_[at_] != '`')
            return false;
        auto length = run_length(text_, at_, '`');
        auto close = closing_run(text_, at_, length);
        if (close == std::string::npos) {
            for (std::size_t i = 0; i < length; ++i)
                out_ += "\\`";
        } else {
            auto code = strip_code_padding(text_.substr(at_ + length, close - at_ - length));
            out_ += heading_ ? escape_code(code) : code_element(code);
        }
        at_ = close == std::string::npos ? at_ + length : close + length;
        return true;
    }

    /// HTML comments and known tags pass unchanged; the text of code, kbd, pre and tt
    /// elements too.
    bool html() {
        if (text_[at_] != '<')
            return false;
        std::size_t end = std::string::npos;
        if (text_.compare(at_, 4, "<!--") == 0) {
            end = text_.find("-->", at_);
            end = end == std::string::npos ? end : end + 3;
        } else if (auto name = tag_name(text_, at_); !name.empty()) {
            end = text_.find('>', at_);
            end = end == std::string::npos ? end : end + 1;
            if (end != std::string::npos && text_[at_ + 1] != '/' &&
                (name == "code" || name == "kbd" || name == "pre" || name == "tt")) {
                auto close = text_.find("</" + name, end);
                end = close == std::string::npos ? end : close;
            }
        }
        if (end == std::string::npos) {
            out_ += "&lt;";
            ++at_;
        } else {
            out_ += text_.substr(at_, end - at_);
            at_ = end;
        }
        return true;
    }

    bool link() {
        static const std::regex pattern(R"((!?)\[([^\]]*)\]\(([^)\s]+)\))");
        if (text_[at_] != '[' && text_[at_] != '!')
            return false;
        std::smatch m;
        auto from = text_.begin() + static_cast<std::ptrdiff_t>(at_);
        if (!std::regex_search(from, text_.end(), m, pattern,
                               std::regex_constants::match_continuous))
            return false;
        auto text = Converter(m[2].str(), links_, heading_).run();
        out_ += links_(text, m[3].str(), m[1].length() != 0);
        at_ += static_cast<std::size_t>(m.length());
        return true;
    }

    /// `**strong**`, `*emphasis*` (or with `_`) as HTML: Doxygen leaves emphasis that
    /// holds an HTML element, such as a converted code span, unrendered.
    bool emphasis() {
        char c = text_[at_];
        if (c != '*' && c != '_')
            return false;
        auto length = std::min<std::size_t>(run_length(text_, at_, c), 2);
        auto close = closing_delimiter(c, length);
        if (close == std::string::npos)
            return false;
        auto inner = Converter(text_.substr(at_ + length, close - at_ - length), links_, heading_);
        auto tag = length == 2 ? std::string("strong") : std::string("em");
        out_ += "<" + tag + ">" + inner.run() + "</" + tag + ">";
        at_ = close + length;
        return true;
    }

    /// Where the emphasis opened by @p length @p c at at_ closes (code spans skipped), or
    /// npos. It opens before a non-space (`_` not inside a word) and closes after one.
    std::size_t closing_delimiter(char c, std::size_t length) const {
        auto inside_word = [&](std::size_t i) { return i < text_.size() && is_word(text_[i]); };
        std::size_t start = at_ + length;
        if (start >= text_.size() || std::isspace(static_cast<unsigned char>(text_[start])) != 0 ||
            (c == '_' && at_ > 0 && inside_word(at_ - 1)))
            return std::string::npos;
        for (std::size_t i = start + 1; i < text_.size(); ++i) {
            if (text_[i] == '`') {
                auto run = run_length(text_, i, '`');
                auto end = closing_run(text_, i, run);
                i = end == std::string::npos ? i + run - 1 : end + run - 1;
            } else if (text_[i] == c) {
                auto run = run_length(text_, i, c);
                if (run == length && std::isspace(static_cast<unsigned char>(text_[i - 1])) == 0 &&
                    !(c == '_' && inside_word(i + run)))
                    return i;
                i += run - 1;
            }
        }
        return std::string::npos;
    }

    void character() {
        char c = text_[at_];
        char next = at_ + 1 < text_.size() ? text_[at_ + 1] : '\0';
        const bool markdown_escape =
            c == '\\' &&
            std::string_view("`*_{}[]()#+-.!<>|~\"").find(next) != std::string_view::npos &&
            next != '\0';
        if (markdown_escape) {
            out_ += text_.substr(at_, 2);
            at_ += 2;
            return;
        }
        if (c == '\\' || c == '@' || (c == '%' && is_word(next)))
            out_ += '\\';
        if (c == '"')
            out_ += opens_quote(text_, at_) ? "\u201C" : "\u201D";
        else if (c == '\'')
            out_ += opens_quote(text_, at_) ? "\u2018" : "\u2019";
        else
            out_ += c;
        ++at_;
    }
};

}  // namespace

std::string escape_code(const std::string& code) {
    std::string out;
    for (std::size_t i = 0; i < code.size(); ++i) {
        char c = code[i];
        const bool starts_word = i == 0 || !is_word(code[i - 1]);
        if (c == '-' && run_length(code, i, '-') >= 2) {
            auto count = run_length(code, i, '-');
            out += escape_dashes(count);
            i += count - 1;
        } else if (c == '~' && i + 1 < code.size() && code[i + 1] == '~') {
            out += "~<!---->";  // `~~` would strike through (&tilde; is another character)
        } else if (c == ':' && starts_word && i + 1 < code.size() && code[i + 1] == ':') {
            out += "\\::";  // `::name` would be an explicit link request
            ++i;
        } else if (std::isalpha(static_cast<unsigned char>(c)) != 0 && starts_word) {
            std::size_t end = i;
            while (end < code.size() && std::isalpha(static_cast<unsigned char>(code[end])) != 0)
                ++end;
            if (code.compare(end, 3, "://") == 0)
                out += '%';  // no automatic link: the URL is code
            out += c;
        } else {
            static const std::string_view entity_chars = "&<>\"'";
            static const std::string_view entities[] = {"&amp;", "&lt;", "&gt;", "&quot;",
                                                        "&apos;"};
            auto entity = entity_chars.find(c);
            if (entity != std::string_view::npos)
                out += entities[entity];
            else if (std::string_view("\\@`%#$*_").find(c) != std::string_view::npos)
                out += std::string("\\") + c;
            else
                out += c;
        }
    }
    return out;
}

std::string code_element(const std::string& code) {
    return "<code>" + escape_code(code) + "</code>";
}

std::string doxygen_inline(const std::string& text, const LinkWriter& links, bool heading) {
    return Converter(text, links, heading).run();
}

}  // namespace weave
