/// @file
/// @brief Messages that name a file and line, the way a compiler does.
#pragma once

#include <iosfwd>
#include <set>
#include <string>
#include <vector>

namespace weave {

/// One problem found in a lesson or a source, reported as `file:line: message`.
struct Diagnostic {
    std::string file;     ///< Path relative to the course root.
    int line = 0;         ///< 1-based line number, 0 when the whole file is meant.
    std::string message;  ///< What is wrong; may span several lines (a diff).
};

/// Collects diagnostics and prints them as they come.
class Reporter {
  public:
    /// Prints to @p out.
    explicit Reporter(std::ostream& out) : out_(out) {}
    /// Records and prints one problem (once: repeats of the same message are dropped).
    void error(const std::string& file, int line, const std::string& message);
    /// Records and prints every diagnostic of @p found.
    void errors(const std::vector<Diagnostic>& found);
    /// Prints an informational line (not an error).
    void note(const std::string& text);
    /// How many errors were reported so far.
    int count() const { return count_; }

  private:
    std::ostream& out_;
    int count_ = 0;
    std::set<std::string> seen_;
};

/// Splits @p text into lines (without their '\n'); a final line without '\n' counts.
std::vector<std::string> split_lines(const std::string& text);
/// Joins @p lines with '\n', with a final '\n' unless @p lines is empty.
std::string join_lines(const std::vector<std::string>& lines);
/// @p text without trailing spaces, tabs and carriage returns.
std::string rstrip(std::string text);
/// A short diff of two line lists (`-` expected, `+` actual), at most @p max_lines lines.
std::string short_diff(const std::vector<std::string>& expected,
                       const std::vector<std::string>& actual, std::size_t max_lines = 16);

}  // namespace weave
