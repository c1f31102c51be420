/// @file
/// @brief Text a test printed, made safe where it is shown.
#pragma once

#include <cstddef>
#include <string>

namespace grader {

/// The length of the valid UTF-8 sequence at @p at of @p text, or 0 when it is not one
/// (overlong forms, surrogates and code points past U+10FFFF are not).
std::size_t utf8_length(const std::string& text, std::size_t at);

/// @p text as valid UTF-8 XML 1.0 character data: invalid UTF-8 bytes, the control
/// characters XML forbids (all below 0x20 but tab, newline, return) and the
/// non-characters U+FFFE and U+FFFF become U+FFFD.
std::string xml_safe(const std::string& text);

/// @p text for a terminal: every control character but newline and tab (ESC, CR, BS,
/// DEL, the C1 controls), and every byte that is not UTF-8, is shown escaped as `\xNN`,
/// so a test cannot clear the screen, move the cursor or print a fake score line.
std::string console_safe(const std::string& text);

}  // namespace grader
