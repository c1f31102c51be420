// Text from a test made safe for each place it is shown: XML, and the terminal.
#include "results/text_safety.hpp"

#include <fmt/format.h>

namespace grader {

// The length of the valid UTF-8 sequence at @p at, or 0 when it is not one.
std::size_t utf8_length(const std::string& text, std::size_t at) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char lead = byte(at);
    std::size_t length = lead < 0x80                    ? 1
                         : lead >= 0xC2 && lead <= 0xDF ? 2
                         : lead >= 0xE0 && lead <= 0xEF ? 3
                         : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                        : 0;
    if (length == 0 || at + length > text.size())
        return 0;
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(at + i) & 0xC0) != 0x80)
            return 0;
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8 either.
    if (length == 3 &&
        ((lead == 0xE0 && byte(at + 1) < 0xA0) || (lead == 0xED && byte(at + 1) >= 0xA0))) {
        return 0;
    }
    if (length == 4 &&
        ((lead == 0xF0 && byte(at + 1) < 0x90) || (lead == 0xF4 && byte(at + 1) >= 0x90))) {
        return 0;
    }
    return length;
}

// U+FFFE and U+FFFF: valid UTF-8, but not characters XML allows.
static bool is_xml_noncharacter(const std::string& text, std::size_t at, std::size_t length) {
    return length == 3 && static_cast<unsigned char>(text[at]) == 0xEF &&
           static_cast<unsigned char>(text[at + 1]) == 0xBF &&
           static_cast<unsigned char>(text[at + 2]) >= 0xBE;
}

std::string xml_safe(const std::string& text) {
    static const std::string replacement = "\xEF\xBF\xBD";  // U+FFFD
    std::string safe;
    safe.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        unsigned char c = static_cast<unsigned char>(text[at]);
        std::size_t length = utf8_length(text, at);
        bool forbidden = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
                         (length != 0 && is_xml_noncharacter(text, at, length));
        if (length == 0 || forbidden) {
            safe += replacement;
            at += length == 0 ? 1 : length;
        } else {
            safe.append(text, at, length);
            at += length;
        }
    }
    return safe;
}

std::string console_safe(const std::string& text) {
    std::string safe;
    safe.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        unsigned char c = static_cast<unsigned char>(text[at]);
        std::size_t length = utf8_length(text, at);
        // C0 controls (ESC starts every terminal escape) and DEL; C1 controls (U+0080 to
        // U+009F, which some terminals obey as escapes too); bytes that are not UTF-8.
        bool control =
            (c < 0x20 && c != '\n' && c != '\t') || c == 0x7F ||
            (length == 2 && c == 0xC2 && static_cast<unsigned char>(text[at + 1]) < 0xA0);
        if (length == 0 || control) {
            for (std::size_t i = 0; i < (length == 0 ? 1 : length); ++i)
                safe += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[at + i]));
            at += length == 0 ? 1 : length;
        } else {
            safe.append(text, at, length);
            at += length;
        }
    }
    return safe;
}

}  // namespace grader
