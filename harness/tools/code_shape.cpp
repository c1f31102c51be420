// The shape of C++ code: lexing, namespace-scope definitions, shaped lines (code_shape.hpp).
// Good enough for the course's own clang-formatted sources, not for C++ at large: no
// preprocessor, no parser, and `<` is never taken for a bracket.
#include "code_shape.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>
#include <set>
#include <utility>

namespace shape {

namespace {

using WordSet = std::set<std::string, std::less<>>;

// The words of @p text, separated by spaces.
WordSet word_set(std::string_view text) {
    WordSet words;
    for (std::size_t start = 0; start < text.size();) {
        std::size_t end = std::min(text.find(' ', start), text.size());
        if (end > start)
            words.emplace(text.substr(start, end - start));
        start = end + 1;
    }
    return words;
}

const WordSet kKeywords = word_set(
    "alignas alignof and asm auto bool break case catch char char8_t char16_t char32_t class "
    "co_await co_return co_yield concept const consteval constexpr constinit const_cast "
    "continue decltype default delete do double dynamic_cast else enum explicit export "
    "extern false final float for friend goto if inline int long mutable namespace new "
    "noexcept not nullptr operator or override private protected public register "
    "reinterpret_cast requires return short signed sizeof static static_assert static_cast "
    "struct switch template this thread_local throw true try typedef typeid typename union "
    "unsigned using virtual void volatile wchar_t while");

// Built-in type names: shaped as N, like the names of other types.
const WordSet kTypeKeywords = word_set(
    "auto bool char char8_t char16_t char32_t double float int long short signed unsigned "
    "void wchar_t");

// Specifiers that change how code is linked or checked, not what it does.
const WordSet kDropped = word_set(
    "static inline explicit constexpr consteval virtual override final noexcept register "
    "thread_local");

// Longest first, so that the longest operator wins.
const std::array<std::string_view, 27> kOperators = {
    "<<=", ">>=", "...", "->*", "<=>", "::", "->", "++", "--", "<<", ">>", "<=", ">=", "==",
    "!=",  "&&",  "||",  "+=",  "-=",  "*=", "/=", "%=", "&=", "|=", "^=", ".*", "##"};

bool ident_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}

bool ident_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Reads the quoted literal at @p i (after any prefix): "...", '...' or R"d(...)d".
std::size_t skip_quoted(std::string_view text, std::size_t i, bool raw) {
    if (raw) {
        std::size_t open = text.find('(', i);
        if (open == std::string_view::npos)
            return text.size();
        std::string close = ")" + std::string(text.substr(i + 1, open - i - 1)) + "\"";
        std::size_t end = text.find(close, open);
        return end == std::string_view::npos ? text.size() : end + close.size();
    }
    char quote = text[i];
    for (++i; i < text.size() && text[i] != quote && text[i] != '\n'; ++i) {
        if (text[i] == '\\')
            ++i;
    }
    return std::min(i + 1, text.size());
}

// A pp-number: digits, letters, '.', digit separators, and a sign after an exponent.
std::size_t skip_number(std::string_view text, std::size_t i) {
    for (++i; i < text.size(); ++i) {
        char c = text[i];
        bool sign = (c == '+' || c == '-') &&
                    std::string_view("eEpP").find(text[i - 1]) != std::string_view::npos;
        if (!ident_char(c) && c != '.' && c != '\'' && !sign)
            break;
    }
    return i;
}

// A preprocessor directive runs to the end of its line, and on after a backslash.
std::size_t skip_directive(std::string_view text, std::size_t i) {
    while (i < text.size() && text[i] != '\n') {
        if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '\n')
            ++i;
        ++i;
    }
    return i;
}

std::size_t operator_length(std::string_view text, std::size_t i) {
    for (std::string_view op : kOperators) {
        if (text.substr(i, op.size()) == op)
            return op.size();
    }
    return 1;
}

// The kind of the token that starts at @p i (not a space, not a directive), and its end.
std::pair<Kind, std::size_t> next_token(std::string_view text, std::size_t i) {
    static const WordSet literal_prefixes = word_set("R u8 u U L u8R uR UR LR");
    char c = text[i];
    if (text.substr(i, 2) == "//")
        return {Kind::comment, std::min(text.find('\n', i), text.size())};
    if (text.substr(i, 2) == "/*") {
        std::size_t end = text.find("*/", i + 2);
        return {Kind::comment, end == std::string_view::npos ? text.size() : end + 2};
    }
    if (ident_start(c)) {
        std::size_t end = i;
        while (end < text.size() && ident_char(text[end]))
            ++end;
        std::string_view word = text.substr(i, end - i);
        if (literal_prefixes.count(word) && end < text.size() &&
            (text[end] == '"' || text[end] == '\''))
            return {Kind::literal, skip_quoted(text, end, word.back() == 'R')};
        return {kKeywords.count(word) ? Kind::keyword : Kind::identifier, end};
    }
    bool digit =
        std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1])));
    if (digit)
        return {Kind::literal, skip_number(text, i)};
    if (c == '"' || c == '\'')
        return {Kind::literal, skip_quoted(text, i, false)};
    return {Kind::punct, i + operator_length(text, i)};
}

}  // namespace

std::vector<Token> lex(std::string_view text, int first_line) {
    std::vector<Token> tokens;
    int line = first_line;
    bool line_start = true;  // only spaces since the last newline: '#' starts a directive
    for (std::size_t i = 0, end; i < text.size(); i = end) {
        end = i + 1;
        if (text[i] == '#' && line_start) {
            end = skip_directive(text, i);
        } else if (!std::isspace(static_cast<unsigned char>(text[i]))) {
            auto [kind, token_end] = next_token(text, i);
            tokens.push_back({kind, std::string(text.substr(i, token_end - i)), line});
            end = token_end;
            line_start = false;
        }
        line += static_cast<int>(std::count(text.begin() + i, text.begin() + end, '\n'));
        line_start = line_start || text[i] == '\n';
    }
    return tokens;
}

std::vector<Token> code_only(const std::vector<Token>& tokens) {
    std::vector<Token> code;
    for (const Token& t : tokens) {
        if (t.kind != Kind::comment)
            code.push_back(t);
    }
    return code;
}

namespace {

bool is(const Token& t, std::string_view text) {
    return (t.kind == Kind::punct || t.kind == Kind::keyword) && t.text == text;
}

bool opens(const Token& t) {
    return is(t, "(") || is(t, "[") || is(t, "{");
}

bool closes(const Token& t) {
    return is(t, ")") || is(t, "]") || is(t, "}");
}

// The index after the bracket that closes the one at @p i (any of (), [], {}).
std::size_t skip_balanced(const std::vector<Token>& code, std::size_t i) {
    int depth = 0;
    for (; i < code.size(); ++i) {
        if (opens(code[i]))
            ++depth;
        else if (closes(code[i]) && --depth == 0)
            return i + 1;
    }
    return code.size();
}

// The first '(' of code[begin, end), or end.
std::size_t first_paren(const std::vector<Token>& code, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
        if (is(code[i], "("))
            return i;
    }
    return end;
}

enum class Head { scope, function, type, initializer };

// What the '{' after code[begin, end) opens, at namespace scope.
Head classify(const std::vector<Token>& code, std::size_t begin, std::size_t end) {
    if (begin == end || is(code[begin], "namespace") ||
        (is(code[begin], "inline") && begin + 1 < end && is(code[begin + 1], "namespace")) ||
        (is(code[begin], "extern") && end - begin == 2 && code[begin + 1].kind == Kind::literal))
        return Head::scope;
    std::size_t first = begin;
    if (is(code[first], "template")) {  // template <...>: skip the angle brackets
        int depth = 0;
        for (; first < end; ++first) {
            if (is(code[first], "<"))
                ++depth;
            else if (is(code[first], ">") && --depth == 0)
                break;
        }
        ++first;
    }
    std::size_t paren = first_paren(code, first, end);
    bool type_key = first < end && (is(code[first], "class") || is(code[first], "struct") ||
                                    is(code[first], "union") || is(code[first], "enum"));
    if (type_key && paren == end)
        return Head::type;
    for (std::size_t i = first; i < paren; ++i) {
        if (is(code[i], "="))
            return Head::initializer;
    }
    return paren == end ? Head::initializer : Head::function;
}

// The name before the parameters (or after class/struct/...): identifiers, '::', '~'.
std::string definition_name(const std::vector<Token>& code, std::size_t begin, std::size_t end,
                            Head head) {
    if (head == Head::type) {
        for (std::size_t i = begin; i < end; ++i) {
            if (code[i].kind == Kind::identifier)
                return code[i].text;
        }
        return "(anonymous)";
    }
    std::size_t i = first_paren(code, begin, end);
    std::string name;
    if (i >= begin + 2 && is(code[i - 2], "operator")) {  // operator==, operator<<
        name = "operator" + code[i - 1].text;
        i -= 2;
    }
    if (name.empty() && i > begin && code[i - 1].kind == Kind::identifier)
        name = code[--i].text;
    if (i > begin && is(code[i - 1], "~"))
        name = code[--i].text + name;  // a destructor
    while (i >= begin + 2 && is(code[i - 1], "::") && code[i - 2].kind == Kind::identifier) {
        name = code[i - 2].text + "::" + name;  // Class::member
        i -= 2;
    }
    return name;
}

// A '{' in a constructor's initializer list (`a_{x}`) initializes a member: it follows a
// name (or `>`), where the body's '{' follows ')' or '}'.
bool member_initializer(const std::vector<Token>& code, std::size_t head, std::size_t brace) {
    std::size_t paren = first_paren(code, head, brace);
    if (paren == brace)
        return false;
    std::size_t after = skip_balanced(code, paren);
    bool init_list = false;
    for (std::size_t i = after; i < brace; ++i)
        init_list = init_list || is(code[i], ":");
    return init_list && (code[brace - 1].kind == Kind::identifier || is(code[brace - 1], ">"));
}

// The task of a stub definition: todo("Task N") in its body, or "TODO: Task N" in the
// comment lines right above it.
int task_number(const std::vector<Token>& tokens, const std::vector<Token>& code,
                const Definition& d) {
    static const std::regex task(R"(Task ([0-9]+))");
    std::smatch m;
    for (std::size_t i = d.begin; i + 2 < d.end; ++i) {
        if (code[i].text == "todo" && is(code[i + 1], "(") && code[i + 2].kind == Kind::literal &&
            std::regex_search(code[i + 2].text, m, task))
            return std::stoi(m[1]);
    }
    std::string above;  // the comments on the lines just above the definition
    int line = d.first_line - 1;
    for (auto it = tokens.rbegin(); it != tokens.rend(); ++it) {
        if (it->line >= d.first_line)
            continue;
        if (it->kind != Kind::comment || it->line < line)
            break;
        above = it->text + "\n" + above;
        line = it->line - 1;
    }
    if (above.find("TODO:") != std::string::npos && std::regex_search(above, m, task))
        return std::stoi(m[1]);
    return 0;
}

}  // namespace

std::vector<Definition> definitions(const std::vector<Token>& tokens) {
    std::vector<Token> code = code_only(tokens);
    std::vector<Definition> found;
    std::size_t start = 0, i = 0;
    while (i < code.size()) {
        if (is(code[i], ";") || is(code[i], "}")) {
            start = ++i;
        } else if (is(code[i], "(") || is(code[i], "[")) {
            i = skip_balanced(code, i);
        } else if (is(code[i], "{")) {
            Head head = classify(code, start, i);
            if (head == Head::scope) {
                start = ++i;
            } else if (head == Head::initializer || member_initializer(code, start, i)) {
                i = skip_balanced(code, i);
            } else {
                std::size_t end = skip_balanced(code, i);
                Definition d{definition_name(code, start, i, head), start, end, code[start].line};
                d.task = task_number(tokens, code, d);
                found.push_back(d);
                start = i = end;
            }
        } else {
            ++i;
        }
    }
    return found;
}

namespace {

// Whether the '{' at code[i], at depth 0 in its statement, opens a block (whose statements
// are lines of their own) rather than an initializer (`Child c{pid}`, `= {1, 2}`).
bool opens_block(const std::vector<Token>& code, std::size_t i,
                 const std::vector<const Token*>& line, bool after_initializer) {
    if (line.empty() || after_initializer)
        return true;  // a bare block, or a constructor's body after `a_{x}`
    const Token& prev = code[i - 1];
    for (std::string_view word :
         {")", "]", "else", "do", "try", "const", "noexcept", "override", "final", "mutable"}) {
        if (is(prev, word))
            return true;
    }
    for (std::string_view word :
         {"class", "struct", "union", "enum", "namespace", "extern", "template"}) {
        if (is(*line.front(), word))
            return true;
    }
    return false;
}

// `public:`, `case X:`, `default:` end a line.
bool ends_label(const std::vector<const Token*>& line) {
    const Token& first = *line.front();
    return is(*line.back(), ":") &&
           ((line.size() == 2 && (is(first, "public") || is(first, "private") ||
                                  is(first, "protected") || is(first, "default"))) ||
            is(first, "case"));
}

// `if (...)`, `else if (...)`, `for (...)`, `while (...)`, `switch (...)`, `catch (...)`.
bool control_head(const std::vector<const Token*>& line) {
    std::size_t first = line.size() > 1 && is(*line[0], "else") ? 1 : 0;
    for (std::string_view word : {"if", "for", "while", "switch", "catch"}) {
        if (is(*line[first], word))
            return true;
    }
    return false;
}

bool substantive(const std::vector<std::string>& shaped) {
    static const WordSet structural =
        word_set("else do try public private protected default namespace");
    for (const std::string& word : shaped) {
        bool name = std::isalpha(static_cast<unsigned char>(word[0])) || word[0] == '_';
        if (name && !structural.count(word))
            return true;  // N, V, or a keyword that does something (return, for, throw...)
    }
    return false;
}

// The shape of one line's tokens (see Line).
Line shape_line(const std::vector<const Token*>& tokens) {
    std::vector<std::string> out;
    bool qualify = false, type_word = false;  // after `N ::`; after a built-in type's name
    for (std::size_t k = 0; k < tokens.size(); ++k) {
        const Token& t = *tokens[k];
        bool was_type_word = std::exchange(type_word, false);
        bool was_qualify = std::exchange(qualify, false);
        if (is(t, "[") && k + 1 < tokens.size() && is(*tokens[k + 1], "[")) {
            while (k + 1 < tokens.size() && !(is(*tokens[k], "]") && is(*tokens[k + 1], "]")))
                ++k;  // an attribute, [[...]]
            ++k;
        } else if (t.kind == Kind::keyword && kDropped.count(t.text)) {
            continue;
        } else if (t.kind == Kind::literal || is(t, "true") || is(t, "false") || is(t, "nullptr")) {
            out.push_back("V");
        } else if (t.kind == Kind::identifier || kTypeKeywords.count(t.text)) {
            type_word = kTypeKeywords.count(t.text) > 0;
            if (!(was_qualify || (type_word && was_type_word)))
                out.push_back("N");
        } else if (is(t, "::")) {
            qualify = !out.empty() && out.back() == "N";  // `::x` alone is just x
        } else {
            out.push_back(is(t, "->") ? "." : t.text);
        }
    }
    Line line;
    for (const std::string& word : out)
        line.shape += (line.shape.empty() ? "" : " ") + word;
    line.first = tokens.front()->line;
    line.last = tokens.back()->line;
    line.size = out.size();
    line.substantive = substantive(out);
    return line;
}

}  // namespace

std::vector<Line> shaped_lines(const std::vector<Token>& code, std::size_t begin, std::size_t end) {
    std::vector<Line> lines;
    std::vector<const Token*> current;
    std::vector<bool> blocks;  // one per open '{': a block (true) or an initializer
    int depth = 0;             // open (, [ and initializer {
    bool initializer_closed = false;
    auto flush = [&] {
        if (!current.empty())
            lines.push_back(shape_line(current));
        current.clear();
    };
    for (std::size_t i = begin; i < end; ++i) {
        const Token& t = code[i];
        bool after_initializer = std::exchange(initializer_closed, false);
        bool block = is(t, "{") && depth == 0 && opens_block(code, i, current, after_initializer);
        if (is(t, "{"))
            blocks.push_back(block);
        if (block || (is(t, "}") && (blocks.empty() || blocks.back()))) {
            flush();  // block braces are structure: `if (x) {` and `if (x)` are alike
            if (is(t, "}") && !blocks.empty())
                blocks.pop_back();
            if (is(t, "}") && i + 1 < end && is(code[i + 1], ";"))
                ++i;
            continue;
        }
        current.push_back(&t);
        if (is(t, "(") || is(t, "[") || is(t, "{")) {
            ++depth;
        } else if (is(t, ")") || is(t, "]") || is(t, "}")) {
            depth = std::max(0, depth - 1);
            if (is(t, "}")) {
                blocks.pop_back();
                initializer_closed = true;
            }
            if (depth == 0 && is(t, ")") && control_head(current))
                flush();  // `if (x)`: its statement is a line of its own, braces or not
        } else if (depth == 0 && (is(t, ";") || ends_label(current))) {
            flush();
        }
    }
    flush();
    return lines;
}

}  // namespace shape
