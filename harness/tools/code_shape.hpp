// The shape of C++ code, names and values aside: what lesson-overlap compares. A light
// lexer (no preprocessor, no parser), the namespace-scope definitions of a source file,
// and its statements as "shaped lines", in which every name is N and every value is V.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace shape {

/// What a token is; comments are kept (a stub's `TODO: Task N` is one), preprocessor
/// lines are dropped.
enum class Kind { identifier, keyword, literal, punct, comment };

/// One token and the line (1-based, in the file) where it starts.
struct Token {
    Kind kind;
    std::string text;
    int line;
};

/// The tokens of @p text, whose first line is line @p first_line of its file.
std::vector<Token> lex(std::string_view text, int first_line = 1);

/// @p tokens without the comments.
std::vector<Token> code_only(const std::vector<Token>& tokens);

/// A definition at namespace scope: a function, or a class, struct, union or enum.
struct Definition {
    std::string name;    ///< As written before the parameters: "Envp::Envp", "parse_block".
    std::size_t begin;   ///< Its first code token (the return type, `template`, ...).
    std::size_t end;     ///< One past its closing brace.
    int first_line = 0;  ///< The line of its first token.
    int task = 0;        ///< N of a `TODO: Task N` above it or a todo("Task N") in it; else 0.
};

/// The definitions of @p tokens (a whole file, comments included) at namespace scope, in
/// order, with their task numbers. Indices are into code_only(@p tokens).
std::vector<Definition> definitions(const std::vector<Token>& tokens);

/// One statement (or block opening, or closing brace) of code, shaped: identifiers and
/// the names of built-in types become N, literals (and true, false, nullptr) V, `->` is
/// `.`, `a::b` is one name; attributes and specifiers that do not change what the code
/// does (static, inline, explicit, constexpr, noexcept, ...) are dropped.
struct Line {
    std::string shape;   ///< The shaped tokens, separated by spaces.
    int first = 0;       ///< The first source line it spans.
    int last = 0;        ///< The last one.
    std::size_t size{};  ///< How many shaped tokens.
    bool substantive{};  ///< False for braces and punctuation alone, `else`, `public:`.
};

/// The shaped lines of code tokens [@p begin, @p end) of @p code.
std::vector<Line> shaped_lines(const std::vector<Token>& code, std::size_t begin, std::size_t end);

}  // namespace shape
