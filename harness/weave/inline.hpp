/// @file
/// @brief A paragraph of GitHub Markdown as Doxygen renders it right: code spans, quotes,
/// characters Doxygen reads as commands.
#pragma once

#include <functional>
#include <string>

namespace weave {

/// Turns a Markdown link into what Doxygen should read: gets the link's text (already
/// converted), its target, and whether it is an image (`![alt](src)`).
using LinkWriter =
    std::function<std::string(const std::string& text, const std::string& target, bool image)>;

/// The text of code span @p code as Doxygen shows it verbatim: every character Doxygen
/// would read as a command, an entity, Markdown, a quote or a link escaped.
std::string escape_code(const std::string& code);

/// @p code as an HTML code element Doxygen renders verbatim (`<code>` + escape_code).
std::string code_element(const std::string& code);

/// One paragraph of Markdown prose (its lines joined by '\n', kept in the result so
/// that line numbers stay) as Doxygen should read it. Doxygen's own Markdown breaks on
/// code spans holding quotes (`'x'` becomes a quotation, `"` starts unformatted text),
/// on `"` in prose, and reads `\`, `@`, `%`, `#`, `<` as commands; so:
///  - code spans (any number of backticks, across lines) become `<code>` elements with
///    their text escaped (escape_code); in a heading (@p heading) just the escaped
///    text, since Doxygen shows HTML in headings as text;
///  - straight quotes in prose become typographic ones (“ ” ‘ ’);
///  - `\` and `@` are escaped (not Markdown escapes such as `\*`), `<` that does not
///    open a known HTML tag becomes `&lt;`; HTML tags and comments pass unchanged;
///  - links and images (`[text](target)`) go through @p links with their text converted.
std::string doxygen_inline(const std::string& text, const LinkWriter& links, bool heading = false);

}  // namespace weave
