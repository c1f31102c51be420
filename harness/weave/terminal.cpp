// A small terminal: enough of xterm's rules to show what a progress bar, a shell and the
// lessons' programs leave on the screen, and nothing that depends on how fast they wrote.
#include "terminal.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace weave {

namespace {

struct Range {
    char32_t first, last;
};

// Code points that add to the glyph before them: combining marks, joiners, selectors.
constexpr Range kZeroWidth[] = {{0x0300, 0x036F}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},
                                {0x200B, 0x200F}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
                                {0xFE20, 0xFE2F}};
// Code points a terminal draws two columns wide: East Asian wide and full-width, emoji.
constexpr Range kWide[] = {{0x1100, 0x115F},   {0x2E80, 0x303E},   {0x3041, 0x33FF},
                           {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
                           {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE30, 0xFE4F},
                           {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x1F300, 0x1F64F},
                           {0x1F680, 0x1F6FF}, {0x1F900, 0x1F9FF}, {0x20000, 0x3FFFD}};

template <std::size_t N>
bool in(const Range (&ranges)[N], char32_t c) {
    return std::any_of(std::begin(ranges), std::end(ranges),
                       [c](const Range& r) { return c >= r.first && c <= r.last; });
}

int width_of(char32_t c) {
    return in(kZeroWidth, c) ? 0 : in(kWide, c) ? 2 : 1;
}

// The code point that starts at @p at and its length in bytes; an invalid or cut sequence
// is one byte of U+FFFD.
std::pair<char32_t, std::size_t> decode(std::string_view bytes, std::size_t at) {
    const auto lead = static_cast<unsigned char>(bytes[at]);
    const std::size_t length = lead < 0x80       ? 1
                               : lead >> 5 == 6  ? 2
                               : lead >> 4 == 14 ? 3
                               : lead >> 3 == 30 ? 4
                                                 : 0;
    if (length == 0 || at + length > bytes.size())
        return {0xFFFD, 1};
    char32_t c = length == 1 ? lead : lead & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) {
        const auto next = static_cast<unsigned char>(bytes[at + k]);
        if (next >> 6 != 2)
            return {0xFFFD, 1};
        c = c << 6 | (next & 0x3F);
    }
    return {c, length};
}

// The numbers of a CSI sequence's parameters ("2;5" -> {2, 5}); a missing one is 0.
std::vector<std::size_t> numbers(std::string_view params) {
    std::vector<std::size_t> out;
    for (std::size_t from = 0; from <= params.size();) {
        auto to = std::min(params.find(';', from), params.size());
        std::size_t value = 0;
        std::from_chars(params.data() + from, params.data() + to, value);
        out.push_back(std::min<std::size_t>(value, 100'000));
        from = to + 1;
    }
    return out;
}

}  // namespace

Screen::Screen(std::size_t columns, std::size_t rows)
    : columns_(std::max<std::size_t>(columns, 2)), height_(std::max<std::size_t>(rows, 1)) {}

Screen::Row& Screen::row(std::size_t index) {
    // A lesson's session shows a screenful or two; a runaway one is refused, not stored.
    constexpr std::size_t kMaxRows = 10'000;
    if (index >= kMaxRows)
        throw std::length_error("a terminal session wrote more than " + std::to_string(kMaxRows) +
                                " lines");
    while (rows_.size() <= index)
        rows_.emplace_back(columns_, " ");
    return rows_[index];
}

std::size_t Screen::top() const {
    const std::size_t used = std::max(rows_.size(), cursor_row_ + 1);
    return used > height_ ? used - height_ : 0;
}

void Screen::move_to(std::size_t row, std::size_t col) {
    cursor_row_ = row;
    cursor_col_ = std::min(col, columns_ - 1);
    wrap_pending_ = false;
}

void Screen::newline() {
    move_to(cursor_row_ + 1, 0);
}

void Screen::put(const std::string& glyph, int width) {
    if (width == 0) {  // joins the glyph before it, if any
        Row& r = row(cursor_row_);
        std::size_t at = wrap_pending_ ? cursor_col_ : cursor_col_ - (cursor_col_ > 0);
        while (at > 0 && r[at].empty())
            --at;
        r[at] += glyph;
        return;
    }
    if (wrap_pending_ || cursor_col_ + width > columns_)
        newline();
    Row& r = row(cursor_row_);
    // Writing over half of a wide glyph blanks its other half.
    for (std::size_t k : {cursor_col_, cursor_col_ + width - 1}) {
        if (r[k].empty() && k > 0)
            r[k - 1] = " ";
        else if (k + 1 < columns_ && r[k + 1].empty())
            r[k + 1] = " ";
    }
    r[cursor_col_] = glyph;
    if (width == 2)
        r[cursor_col_ + 1].clear();
    cursor_col_ += width;
    if (cursor_col_ >= columns_) {
        cursor_col_ = columns_ - 1;
        wrap_pending_ = true;
    }
}

void Screen::control(unsigned char c) {
    switch (c) {
        case '\r':
            move_to(cursor_row_, 0);
            break;
        case '\n':
        case '\v':
        case '\f':
            move_to(cursor_row_ + 1, cursor_col_);
            break;
        case '\b':
            move_to(cursor_row_, cursor_col_ > 0 ? cursor_col_ - 1 : 0);
            break;
        case '\t':
            move_to(cursor_row_, (cursor_col_ / 8 + 1) * 8);
            break;
        default:  // BEL, NUL and the rest draw nothing
            break;
    }
}

void Screen::erase_in_line(int how) {
    Row& r = row(cursor_row_);
    const std::size_t from = how == 0 ? cursor_col_ : 0;
    const std::size_t to = how == 1 ? cursor_col_ + 1 : columns_;
    if (from > 0 && r[from].empty())
        r[from - 1] = " ";  // a wide glyph cut in two goes whole
    std::fill(r.begin() + static_cast<long>(from), r.begin() + static_cast<long>(to), " ");
    if (to < columns_ && r[to].empty())
        r[to] = " ";
}

void Screen::erase_in_display(int how) {
    erase_in_line(how == 0 ? 0 : how == 1 ? 1 : 2);
    const std::size_t first = how == 0 ? cursor_row_ + 1 : top();
    const std::size_t last = how == 1 ? cursor_row_ : rows_.size();
    for (std::size_t k = first; k < last && k < rows_.size(); ++k)
        std::fill(rows_[k].begin(), rows_[k].end(), " ");
}

void Screen::csi(std::string_view params, char command) {
    if (!params.empty() &&
        (params[0] == '?' || params[0] == '>' || params[0] == '<' || params[0] == '='))
        return;  // private modes: the cursor's look, the keypad... nothing drawn
    const auto p = numbers(params);
    const std::size_t n = std::max<std::size_t>(p[0], 1);
    const std::size_t bottom = std::max(top() + height_ - 1, cursor_row_);
    switch (command) {
        case 'A':
            move_to(std::max(top(), cursor_row_ >= n ? cursor_row_ - n : 0), cursor_col_);
            break;
        case 'B':
            move_to(std::min(cursor_row_ + n, bottom), cursor_col_);
            break;
        case 'C':
            move_to(cursor_row_, cursor_col_ + n);
            break;
        case 'D':
            move_to(cursor_row_, cursor_col_ >= n ? cursor_col_ - n : 0);
            break;
        case 'G':
        case '`':
            move_to(cursor_row_, n - 1);
            break;
        case 'd':
            move_to(std::min(top() + n - 1, bottom), cursor_col_);
            break;
        case 'H':
        case 'f':
            move_to(std::min(top() + n - 1, bottom),
                    std::max<std::size_t>(p.size() > 1 ? p[1] : 1, 1) - 1);
            break;
        case 'K':
            erase_in_line(static_cast<int>(p[0]));
            break;
        case 'J':
            erase_in_display(static_cast<int>(p[0]));
            break;
        default:  // colours (m) and the rest
            break;
    }
}

std::size_t Screen::escape(std::string_view bytes, std::size_t at) {
    if (at + 1 >= bytes.size())
        return bytes.size();
    const char kind = bytes[at + 1];
    if (kind == '[') {
        std::size_t end = at + 2;
        while (end < bytes.size() && (bytes[end] < 0x40 || bytes[end] > 0x7E))
            ++end;
        if (end == bytes.size())
            return end;
        csi(bytes.substr(at + 2, end - at - 2), bytes[end]);
        return end + 1;
    }
    if (kind == ']' || kind == 'P' || kind == 'X' || kind == '^' || kind == '_') {
        // A string, ended by BEL or by ESC \ (ST). Only OSC strings are marks.
        std::size_t end = at + 2;
        while (end < bytes.size() && bytes[end] != '\a' &&
               !(bytes[end] == '\x1b' && end + 1 < bytes.size() && bytes[end + 1] == '\\'))
            ++end;
        if (kind == ']') {
            if (cursor_col_ > 0 || wrap_pending_)
                newline();
            marks_.push_back({std::string(bytes.substr(at + 2, end - at - 2)), cursor_row_});
        }
        return end == bytes.size() ? end : end + (bytes[end] == '\a' ? 1 : 2);
    }
    const bool takes_one_more = std::string_view("()*+-./#% ").find(kind) != std::string_view::npos;
    return std::min(bytes.size(), at + (takes_one_more ? 3 : 2));
}

void Screen::feed(std::string_view bytes) {
    for (std::size_t at = 0; at < bytes.size();) {
        const auto c = static_cast<unsigned char>(bytes[at]);
        if (c == 0x1B) {
            at = escape(bytes, at);
        } else if (c < 0x20 || c == 0x7F) {
            control(c);
            ++at;
        } else {
            auto [code, length] = decode(bytes, at);
            put(code == 0xFFFD && length == 1 && c >= 0x80 ? "\uFFFD"
                                                           : std::string(bytes.substr(at, length)),
                width_of(code));
            at += length;
        }
    }
}

std::vector<std::string> Screen::lines() const {
    std::size_t count = cursor_row_;
    for (std::size_t k = rows_.size(); k > count; --k) {
        if (std::any_of(rows_[k - 1].begin(), rows_[k - 1].end(),
                        [](const std::string& cell) { return cell != " " && !cell.empty(); })) {
            count = k;
            break;
        }
    }
    std::vector<std::string> out;
    for (std::size_t k = 0; k < count; ++k) {
        std::string text;
        if (k < rows_.size()) {
            for (const auto& cell : rows_[k])
                text += cell;
        }
        text.erase(text.find_last_not_of(' ') + 1);
        out.push_back(std::move(text));
    }
    return out;
}

}  // namespace weave
