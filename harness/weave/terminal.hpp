/// @file
/// @brief What a terminal would show for the bytes a session wrote to it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace weave {

/// A terminal of @p columns columns with no bottom (nothing scrolls away), fed bytes as a
/// pseudo-terminal's master reads them. It applies what the lessons' programs write: text
/// (UTF-8; East Asian wide characters and emoji take two columns, combining marks none),
/// `\r`, `\n`, `\b`, `\t`, the wrap at the last column, cursor moves (CSI A B C D G H f d)
/// and erasures (CSI K, CSI J) counted from the top of the last @p rows rows; colours and
/// other sequences change nothing. Invalid UTF-8 shows as U+FFFD.
///
/// An OSC sequence (`ESC ] text BEL`) draws nothing: it is a *mark*. The screen records its
/// text and the row where the next line starts: a mark met in the middle of a line ends
/// that line first, as a shell's prompt starts on a line of its own.
class Screen {
  public:
    explicit Screen(std::size_t columns = 80, std::size_t rows = 24);

    /// Applies @p bytes (a whole session's, or any piece of it).
    /// @throws std::length_error when they reach the 10 000th row.
    void feed(std::string_view bytes);

    /// One mark: its text and the first row after it.
    struct Mark {
        std::string text;
        std::size_t row = 0;
    };
    const std::vector<Mark>& marks() const { return marks_; }

    /// Every row from the first to the cursor's (the cursor's only when it holds text),
    /// without trailing blanks.
    std::vector<std::string> lines() const;

  private:
    using Row = std::vector<std::string>;  // one cell per column: a glyph, "" after a wide one

    void put(const std::string& glyph, int width);
    void control(unsigned char c);
    std::size_t escape(std::string_view bytes, std::size_t at);
    void csi(std::string_view params, char command);
    void erase_in_line(int how);
    void erase_in_display(int how);
    void move_to(std::size_t row, std::size_t col);
    void newline();
    Row& row(std::size_t index);
    std::size_t top() const;

    std::size_t columns_, height_;
    std::vector<Row> rows_;
    std::size_t cursor_row_ = 0, cursor_col_ = 0;
    bool wrap_pending_ = false;  // a glyph filled the last column: the next one wraps
    std::vector<Mark> marks_;
};

}  // namespace weave
