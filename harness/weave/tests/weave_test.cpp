// Tests of the lesson weaver: regions, blocks, placeholders, unused tags, sessions.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "codeblocks.hpp"
#include "doxygen.hpp"
#include "hsys/temp_dir.hpp"
#include "inline.hpp"
#include "pattern.hpp"
#include "session.hpp"
#include "sessions.hpp"
#include "source.hpp"
#include "terminal.hpp"

namespace fs = std::filesystem;

namespace {

/// A scratch course root, removed after the test.
class WeaveTest : public ::testing::Test {
  protected:
    hsys::TempDir scratch{"weave-test"};
    fs::path root = scratch.path();
    void write(const std::string& path, const std::string& text) {
        fs::create_directories((root / path).parent_path());
        std::ofstream(root / path) << text;
    }
    std::string read(const std::string& path) { return weave::read_text(root / path); }
    /// Runs weave_code (and the unused-tag check when checking); returns the messages.
    std::string weave_all(bool write_blocks, int& errors) {
        std::ostringstream out;
        weave::Reporter reporter(out);
        auto lessons = weave::load_lessons(root, weave::lesson_paths(root), reporter);
        weave::weave_code(root, lessons, write_blocks, reporter);
        if (!write_blocks)
            weave::check_unused_tags(root, lessons, reporter);
        errors = reporter.count();
        return out.str();
    }
};

std::vector<std::string> lines_of(const weave::SourceFile& source, const std::string& tag) {
    auto lines = weave::region_lines(source, tag);
    return lines ? *lines : std::vector<std::string>{"<missing>"};
}

weave::LinePattern pattern(const std::string& line) {
    std::string error;
    auto compiled = weave::compile_line(line, error);
    EXPECT_TRUE(compiled) << error;
    return compiled ? *compiled : weave::LinePattern{};
}

bool matches(std::vector<std::string> expected, std::vector<std::string> actual) {
    std::vector<weave::LinePattern> patterns;
    for (const auto& line : expected)
        patterns.push_back(pattern(line));
    return weave::lines_match(patterns, actual);
}

// A source with two nested regions and an overlapping one, written line by line.
const std::string nested_source =
    "int a;\n"
    "//> outer\n"
    "void f() {\n"
    "    //> inner\n"
    "    int x = 1;\n"
    "    //> overlap\n"
    "    int y = 2;\n"
    "    //< inner\n"
    "    int z = 3;\n"
    "    //< overlap\n"
    "}\n"
    "//< outer\n";

}  // namespace

// Tests that an outer region shows its lines without the inner regions' marker lines.
TEST(RegionTest, NestedMarkersAreStripped) {
    auto source = weave::scan_source("a.cpp", nested_source);
    EXPECT_TRUE(source.problems.empty());
    EXPECT_EQ(lines_of(source, "outer"),
              (std::vector<std::string>{"void f() {", "    int x = 1;", "    int y = 2;",
                                        "    int z = 3;", "}"}));
}

// Tests that a region is de-indented by its common leading whitespace.
TEST(RegionTest, InnerRegionIsDedented) {
    auto source = weave::scan_source("a.cpp", nested_source);
    EXPECT_EQ(lines_of(source, "inner"), (std::vector<std::string>{"int x = 1;", "int y = 2;"}));
    EXPECT_EQ(lines_of(source, "overlap"), (std::vector<std::string>{"int y = 2;", "int z = 3;"}));
}

// Tests that de-indenting keeps relative indentation and empties blank lines.
TEST(RegionTest, DedentKeepsRelativeIndentation) {
    EXPECT_EQ(weave::dedent({"    if (x) {", "        y();", "   ", "    }"}),
              (std::vector<std::string>{"if (x) {", "    y();", "", "}"}));
}

// Tests that the whole file is every line but the markers.
TEST(RegionTest, WholeFileDropsMarkers) {
    auto source = weave::scan_source("a.cpp", nested_source);
    EXPECT_EQ(lines_of(source, "").size(), 6u);
}

// Tests that a missing tag gives nothing and unclosed or unopened tags are problems.
TEST(RegionTest, MissingAndMalformedTags) {
    auto source = weave::scan_source("a.cpp", std::string("//> open\n") + "x\n" + "//< stray\n");
    EXPECT_FALSE(weave::region_lines(source, "nope"));
    EXPECT_FALSE(weave::region_lines(source, "open"));
    ASSERT_EQ(source.problems.size(), 2u);
}

// Tests that shell-style markers work and look-alikes are not markers.
TEST(RegionTest, MarkerSyntax) {
    EXPECT_TRUE(weave::parse_marker("  #> build-step  "));
    EXPECT_FALSE(weave::parse_marker("///> not a marker"));
    EXPECT_FALSE(weave::parse_marker("//>tag"));
    EXPECT_FALSE(weave::parse_marker("x = 1; //> tag"));
    EXPECT_FALSE(weave::parse_marker("//> two words"));
}

// Tests that --write fills a stale block and --check then passes.
TEST_F(WeaveTest, WriteFillsBlocksAndCheckPasses) {
    write("solutions/a.cpp", std::string("//> hello\n") + "int main() {}\n" + "//< hello\n");
    write("lessons/01-a.md", std::string("# A\n\n") + "<!-- code: solutions/a.cpp#hello -->\n" +
                                 "```cpp\n" + "stale\n" + "```\n" + "after\n");
    int errors = 0;
    auto messages = weave_all(false, errors);
    EXPECT_EQ(errors, 1) << messages;
    EXPECT_NE(messages.find("lessons/01-a.md:3:"), std::string::npos) << messages;
    EXPECT_NE(messages.find("make lessons"), std::string::npos) << messages;
    weave_all(true, errors);
    EXPECT_EQ(read("lessons/01-a.md"), std::string("# A\n\n") +
                                           "<!-- code: solutions/a.cpp#hello -->\n" + "```cpp\n" +
                                           "int main() {}\n" + "```\n" + "after\n");
    messages = weave_all(false, errors);
    EXPECT_EQ(errors, 0) << messages;
}

// Tests that rewriting keeps an indented block indented (a block inside a list).
TEST_F(WeaveTest, WriteKeepsFenceIndentation) {
    write("tools/b.sh", std::string("#> run\n") + "echo hi\n" + "#< run\n");
    write("lessons/01-b.md",
          std::string("- step\n") + "  <!-- code: tools/b.sh#run -->\n" + "  ```sh\n" + "  ```\n");
    int errors = 0;
    weave_all(true, errors);
    EXPECT_EQ(read("lessons/01-b.md"), std::string("- step\n") +
                                           "  <!-- code: tools/b.sh#run -->\n" + "  ```sh\n" +
                                           "  echo hi\n" + "  ```\n");
}

// Tests that a missing file or tag fails, naming the lesson line.
TEST_F(WeaveTest, MissingFileOrTagFails) {
    write("solutions/a.cpp", "int x;\n");
    write("lessons/01-a.md", std::string("<!-- code: solutions/a.cpp#nope -->\n") +
                                 "```cpp\n```\n" + "<!-- code: solutions/none.cpp -->\n" +
                                 "```cpp\n```\n");
    int errors = 0;
    auto messages = weave_all(false, errors);
    EXPECT_EQ(errors, 2) << messages;
    EXPECT_NE(messages.find("lessons/01-a.md:1: error: no tag 'nope'"), std::string::npos)
        << messages;
    EXPECT_NE(messages.find("lessons/01-a.md:4: error: no such file"), std::string::npos)
        << messages;
}

// Tests that a tag no lesson uses is reported with its file and line.
TEST_F(WeaveTest, UnusedTagIsReported) {
    write("labs/01-x/x.cpp", std::string("int a;\n") + "//> used\n" + "//< used\n" +
                                 "//> forgotten\n" + "//< forgotten\n");
    write("lessons/01-a.md",
          std::string("<!-- code: labs/01-x/x.cpp#used -->\n") + "```cpp\n```\n");
    int errors = 0;
    auto messages = weave_all(false, errors);
    EXPECT_EQ(errors, 1) << messages;
    EXPECT_NE(messages.find("labs/01-x/x.cpp:4: error: unused tag 'forgotten'"), std::string::npos)
        << messages;
}

// Tests that a marker not followed by a fence, and markers in other blocks, are handled.
TEST(LessonTest, MarkersNeedAFenceAndExamplesAreIgnored) {
    auto lesson = weave::parse_lesson(
        "lessons/x.md", std::string("````md\n") + "<!-- code: a.cpp#t -->\n" + "```cpp\n```\n" +
                            "````\n" + "<!-- session -->\n" + "\n" + "```console\n```\n");
    EXPECT_TRUE(lesson.code.empty());
    ASSERT_EQ(lesson.problems.size(), 1u);
    EXPECT_EQ(lesson.problems[0].line, 6);
}

// Tests that a session's commands and expected lines are split at `$ `.
TEST(LessonTest, SessionCommandsAndOutputs) {
    auto lesson =
        weave::parse_lesson("lessons/x.md", std::string("<!-- session -->\n") + "```console\n" +
                                                "$ echo a\n" + "a\n" + "$ true\n" + "```\n");
    ASSERT_EQ(lesson.sessions.size(), 1u);
    const auto& commands = lesson.sessions[0].commands;
    ASSERT_EQ(commands.size(), 2u);
    EXPECT_EQ(commands[0].text, "echo a");
    EXPECT_EQ(commands[0].expected, std::vector<std::string>{"a"});
    EXPECT_TRUE(commands[1].expected.empty());
}

// Tests that `<!-- session: pty -->` asks for a terminal and an unknown option is refused.
TEST(LessonTest, SessionOnATerminal) {
    auto lesson = weave::parse_lesson(
        "lessons/x.md", std::string("<!-- session: pty -->\n") + "```console\n$ true\n```\n" +
                            "<!-- session -->\n" + "```console\n$ true\n```\n" +
                            "<!-- session: tty -->\n" + "```console\n$ true\n```\n");
    ASSERT_EQ(lesson.sessions.size(), 3u);
    EXPECT_TRUE(lesson.sessions[0].terminal);
    EXPECT_FALSE(lesson.sessions[1].terminal);
    ASSERT_EQ(lesson.problems.size(), 1u);
    EXPECT_EQ(lesson.problems[0].line, 9);
    EXPECT_NE(lesson.problems[0].message.find("unknown session option 'tty'"), std::string::npos);
}

// Tests each single-line placeholder against what it must and must not match.
TEST(PatternTest, EachPlaceholder) {
    EXPECT_TRUE(weave::line_matches(pattern("pid {{pid}}"), "pid 1234567"));
    EXPECT_FALSE(weave::line_matches(pattern("pid {{pid}}"), "pid 12345678"));
    EXPECT_FALSE(weave::line_matches(pattern("pid {{pid}}"), "pid "));
    EXPECT_TRUE(weave::line_matches(pattern("n={{n}}"), "n=-42"));
    EXPECT_FALSE(weave::line_matches(pattern("n={{n}}"), "n=-"));
    EXPECT_TRUE(weave::line_matches(pattern("at {{time}}"), "at 10:51:23"));
    EXPECT_FALSE(weave::line_matches(pattern("at {{time}}"), "at 10:51"));
    EXPECT_TRUE(weave::line_matches(pattern("on {{date}}."), "on 2024-11-24."));
    EXPECT_TRUE(weave::line_matches(pattern("exe {{path}} ok"), "exe /usr/bin/true ok"));
    EXPECT_FALSE(weave::line_matches(pattern("exe {{path}}"), "exe /usr/bin true"));
    EXPECT_TRUE(weave::line_matches(pattern("a{{*}}b{{*}}c"), "a-b-b-c"));
    EXPECT_TRUE(weave::line_matches(pattern("{{*}}"), ""));
}

// Tests that trailing spaces are ignored and literal text must match exactly.
TEST(PatternTest, LiteralsAndTrailingSpaces) {
    EXPECT_TRUE(weave::line_matches(pattern("done   "), "done"));
    EXPECT_TRUE(weave::line_matches(pattern("done"), "done  "));
    EXPECT_FALSE(weave::line_matches(pattern("done"), " done"));
}

// Tests that an unknown placeholder and an inline {{...}} are errors.
TEST(PatternTest, BadPlaceholders) {
    std::string error;
    EXPECT_FALSE(weave::compile_line("x {{uid}}", error));
    EXPECT_NE(error.find("unknown placeholder {{uid}}"), std::string::npos);
    EXPECT_FALSE(weave::compile_line("x {{...}}", error));
}

// Tests that {{...}} matches zero or more lines, backtracking to let later lines match.
TEST(PatternTest, ManyLinesBacktracks) {
    EXPECT_TRUE(matches({"a", "{{...}}", "z"}, {"a", "z"}));
    EXPECT_TRUE(matches({"a", "{{...}}", "z"}, {"a", "z", "b", "z"}));
    EXPECT_FALSE(matches({"a", "{{...}}", "z"}, {"a", "z", "b"}));
    EXPECT_TRUE(matches({"{{...}}", "{{pid}} x", "{{...}}"}, {"1 y", "2 x", "3 y"}));
    EXPECT_FALSE(matches({"a"}, {"a", "b"}));
}

// Tests that rewriting keeps matching lines with their placeholders and replaces the rest.
TEST(PatternTest, RealignKeepsWhatStillMatches) {
    std::vector<weave::LinePattern> expected{pattern("pid {{pid}}"), pattern("old"),
                                             pattern("{{...}}"), pattern("end")};
    EXPECT_EQ(weave::realign(expected, {"pid 42", "new", "x", "y", "end"}),
              (std::vector<std::string>{"pid {{pid}}", "{{...}}", "end"}));
    std::vector<weave::LinePattern> plain{pattern("pid {{pid}}"), pattern("old")};
    EXPECT_EQ(weave::realign(plain, {"pid 42", "new"}),
              (std::vector<std::string>{"pid {{pid}}", "new"}));
}

// Tests that a session runs in one shell (cd and variables persist) with its output split
// per command, stderr included, and the exit status of each command kept for `$?`.
TEST(SessionTest, OneShellPerSession) {
    weave::SessionSetup setup;
    setup.bin_dir = fs::temp_directory_path();
    auto run = weave::run_session({"cd /", "X=5; pwd", "echo \"x=$X\" >&2", "printf 'no newline'",
                                   "false", "echo $?", "echo $TERM $COLUMNS"},
                                  setup);
    EXPECT_FALSE(run.timed_out);
    ASSERT_EQ(run.outputs.size(), 7u);
    EXPECT_TRUE(run.outputs[0].empty());
    EXPECT_EQ(run.outputs[1], std::vector<std::string>{"/"});
    EXPECT_EQ(run.outputs[2], std::vector<std::string>{"x=5"});
    EXPECT_EQ(run.outputs[3], std::vector<std::string>{"no newline"});
    EXPECT_EQ(run.outputs[5], std::vector<std::string>{"1"});
    EXPECT_EQ(run.outputs[6], std::vector<std::string>{"dumb 80"});
}

// Tests that a session that exits early, or leaves a process behind, is reported.
TEST(SessionTest, EarlyExitAndLeftoversAreReported) {
    weave::SessionSetup setup;
    setup.bin_dir = fs::temp_directory_path();
    auto run = weave::run_session({"echo one", "exit 3", "echo never"}, setup);
    EXPECT_EQ(run.outputs.size(), 1u);
    auto left = weave::run_session({"sleep 30 >/dev/null 2>&1 &"}, setup);
    EXPECT_EQ(left.left_behind.size(), 1u);
    EXPECT_FALSE(left.timed_out);
}

// Tests that a session over its time limit is killed, with its whole process group.
TEST(SessionTest, TimeoutKillsTheGroup) {
    weave::SessionSetup setup;
    setup.bin_dir = fs::temp_directory_path();
    setup.timeout = std::chrono::milliseconds(300);
    auto run = weave::run_session({"echo started", "sleep 30"}, setup);
    EXPECT_TRUE(run.timed_out);
    EXPECT_EQ(run.outputs.size(), 1u);
}

// Tests that a terminal shows what \r, \b, \t, the last column, cursor moves and erasures
// leave, that wide glyphs take two columns, and that nothing else is drawn.
TEST(ScreenTest, DrawsWhatATerminalShows) {
    weave::Screen screen(10, 4);
    screen.feed("abcdef\rXY\n\rbar\x1b[Kz\b\bQ\r\n1\t2\r\n");
    screen.feed("0123456789w\r\n\x1b[31mred\x1b[0m\x1b[?25l \xe2\x96\x88\xf0\x9f\x91\x8b!\xff\r\n");
    screen.feed("up\r\ndown\x1b[1A\x1b[2C^\r\n\r\n");
    EXPECT_EQ(screen.lines(), (std::vector<std::string>{"XYcdef", "baQz", "1       2", "0123456789",
                                                        "w", "red █👋!\uFFFD", "up    ^", "down"}));
}

// Tests that a mark (an OSC sequence) draws nothing, ends an unfinished line, and records
// the row that comes after it; a terminal's \n alone keeps the column.
TEST(ScreenTest, MarksSplitTheScreen) {
    weave::Screen screen(80, 24);
    screen.feed("one\r\n\x1b]first\x07two\x1b]second\x1b\\x\ny\r\n");
    ASSERT_EQ(screen.marks().size(), 2u);
    EXPECT_EQ(screen.marks()[0].text, "first");
    EXPECT_EQ(screen.marks()[0].row, 1u);
    EXPECT_EQ(screen.marks()[1].text, "second");
    EXPECT_EQ(screen.marks()[1].row, 2u);
    EXPECT_EQ(screen.lines(), (std::vector<std::string>{"one", "two", "x", " y"}));
}

// Tests that a session on a terminal has its stdin, stdout and stderr on a pseudo-terminal
// of 80 x 24 that is its controlling terminal, and that each command's output is what the
// screen shows of it.
TEST(SessionTest, OnATerminal) {
    weave::SessionSetup setup;
    setup.bin_dir = fs::temp_directory_path();
    auto run = weave::run_session({"test -t 0 && test -t 1 && test -t 2 && echo on a terminal",
                                   ": </dev/tty && echo its controlling terminal", "stty size",
                                   "printf 'abc\\rX\\n'; printf 'no newline'", "echo $?"},
                                  setup, true);
    EXPECT_FALSE(run.timed_out);
    EXPECT_TRUE(run.left_behind.empty());
    ASSERT_EQ(run.outputs.size(), 5u) << run.unfinished_output;
    EXPECT_EQ(run.outputs[0], std::vector<std::string>{"on a terminal"});
    EXPECT_EQ(run.outputs[1], std::vector<std::string>{"its controlling terminal"});
    EXPECT_EQ(run.outputs[2], std::vector<std::string>{"24 80"});
    EXPECT_EQ(run.outputs[3], (std::vector<std::string>{"Xbc", "no newline"}));
    EXPECT_EQ(run.outputs[4], std::vector<std::string>{"0"});
}

// Tests that a terminal session reports what it leaves in its group (which ignores the
// hang-up here, so that it is still there to be found) and is killed at its time limit.
TEST(SessionTest, TerminalLeftoversAndTimeout) {
    weave::SessionSetup setup;
    setup.bin_dir = fs::temp_directory_path();
    auto left = weave::run_session({"trap '' HUP; sleep 30 &"}, setup, true);
    EXPECT_EQ(left.left_behind.size(), 1u);
    EXPECT_FALSE(left.timed_out);
    setup.timeout = std::chrono::milliseconds(300);
    auto slow = weave::run_session({"echo started", "sleep 30"}, setup, true);
    EXPECT_TRUE(slow.timed_out);
    ASSERT_EQ(slow.outputs.size(), 1u);
    EXPECT_EQ(slow.outputs[0], std::vector<std::string>{"started"});
}

// Tests that --check-sessions reports a differing output with its lesson line, and that
// --write-sessions fixes it while keeping placeholders.
TEST_F(WeaveTest, CheckAndWriteSessions) {
    write("lessons/01-s.md", std::string("text\n") + "<!-- session -->\n" + "```console\n" +
                                 "$ echo $$ ok\n" + "{{pid}} ok\n" + "$ echo changed\n" +
                                 "original\n" + "```\n");
    weave::SessionSetup setup;
    setup.bin_dir = root;
    std::ostringstream out;
    weave::Reporter reporter(out);
    auto lessons = weave::load_lessons(root, weave::lesson_paths(root), reporter);
    weave::check_sessions(root, lessons, setup, false, reporter);
    EXPECT_EQ(reporter.count(), 1) << out.str();
    EXPECT_NE(out.str().find("lessons/01-s.md:6:"), std::string::npos) << out.str();
    weave::check_sessions(root, lessons, setup, true, reporter);
    EXPECT_EQ(read("lessons/01-s.md"), std::string("text\n") + "<!-- session -->\n" +
                                           "```console\n" + "$ echo $$ ok\n" + "{{pid}} ok\n" +
                                           "$ echo changed\n" + "changed\n" + "```\n");
}

// Tests that a lab.json section must be a heading anchor (GitHub slug) of the lesson.
TEST_F(WeaveTest, LabSectionsMustBeHeadings) {
    write("lessons/01-a.md", std::string("# A\n") + "## Reading /proc/PID/stat\n");
    write("labs/01-a/lab.json",
          R"({"id": "01", "title": "A", "lesson": "01-a.md", "sources": ["a.cpp"],)"
          R"( "test_files": ["a_test.cpp"], "tasks": [)"
          R"( {"task": 1, "title": "One", "section": "reading-procpidstat", "tests": ["T.One"]},)"
          R"( {"task": 2, "title": "Two", "section": "nowhere", "tests": ["T.Two"]}]})");
    std::ostringstream out;
    weave::Reporter reporter(out);
    weave::check_lab_sections(root, reporter);
    EXPECT_EQ(reporter.count(), 1) << out.str();
    EXPECT_NE(out.str().find("task 2 section 'nowhere'"), std::string::npos) << out.str();
}

std::string plain_links(const std::string& text, const std::string& target, bool image) {
    return std::string(image ? "!" : "") + "[" + text + "](" + target + ")";
}

// Tests that code spans holding quotes, commands and Markdown reach Doxygen as escaped
// <code> elements, even across a line break, and that prose quotes become typographic.
TEST(DoxygenInlineTest, CodeSpansAndQuotes) {
    EXPECT_EQ(weave::doxygen_inline("says `status='zombie'`.", plain_links),
              "says <code>status=&apos;zombie&apos;</code>.");
    EXPECT_EQ(weave::doxygen_inline("per \"iterations per `mininterval`\" at", plain_links),
              "per \u201Citerations per <code>mininterval</code>\u201D at");
    EXPECT_EQ(weave::doxygen_inline("Hence `No module named\n'encodings'`, and", plain_links),
              "Hence <code>No module named\n&apos;encodings&apos;</code>, and");
    EXPECT_EQ(weave::doxygen_inline("``a`b`` and `%s #x ::f *p* -- @ \\n`", plain_links),
              "<code>a\\`b</code> and <code>\\%s \\#x \\::f \\*p\\* \\-- \\@ \\\\n</code>");
    EXPECT_EQ(weave::doxygen_inline("tqdm's 'quoted' <b>x</b> a<b @x", plain_links),
              "tqdm\u2019s \u2018quoted\u2019 <b>x</b> a&lt;b \\@x");
    EXPECT_EQ(weave::doxygen_inline("a `lone backtick", plain_links), "a \\`lone backtick");
    EXPECT_EQ(
        weave::doxygen_inline("**read every `n`\nitems**, *a `b`*, snake_case_name", plain_links),
        "<strong>read every <code>n</code>\nitems</strong>, <em>a <code>b</code></em>, "
        "snake_case_name");
    EXPECT_EQ(weave::doxygen_inline("a * b * c, char* p", plain_links), "a * b * c, char* p");
}

// Tests that links keep their targets untouched and get their text converted, and that a
// heading gets code spans as plain escaped text (Doxygen shows HTML in headings as text).
TEST(DoxygenInlineTest, LinksAndHeadings) {
    EXPECT_EQ(weave::doxygen_inline("see [the `x` doc](https://e.org/a_b@c) now", plain_links),
              "see [the <code>x</code> doc](https://e.org/a_b@c) now");
    EXPECT_EQ(weave::doxygen_inline("Using `fork()`", plain_links, true), "Using fork()");
    EXPECT_EQ(weave::escape_code("see http://e.org"), "see %http://e.org");
    EXPECT_EQ(weave::escape_code("~~x ~0U"), "~<!---->~x ~0U");
}

// Tests that a lesson page gets previous/next bars and its lab's card, with the lab's
// contract header, and that the contract header links back to the lesson.
TEST_F(WeaveTest, LessonAndContractLinkEachOther) {
    write("lessons/01-a.md", "# A\n\n## One thing\n\nText `x`.\n");
    write("lessons/02-b.md", "# B\n");
    write("labs/01-a/lab.json",
          R"({"id": "01", "title": "A lab", "lesson": "01-a.md", "sources": ["a.cpp"],)"
          R"( "test_files": ["a_test.cpp"], "tasks": [)"
          R"( {"task": 1, "title": "One", "section": "one-thing", "tests": ["T.One"]}]})");
    write("labs/01-a/a.cpp", "#include \"a.hpp\"\n");
    write("labs/01-a/a.hpp", "/// @file\n/// @brief The A lab.\n///\n/// More.\n#pragma once\n");
    auto page = weave::doxygen_page(root, root / "lessons/01-a.md");
    EXPECT_NE(page.find("@ref lesson-02-b \"B →\""), std::string::npos) << page;
    EXPECT_NE(page.find("@ref labs/01-a/a.hpp \"a.hpp\""), std::string::npos) << page;
    EXPECT_NE(page.find("@ref lesson-01-a-one-thing \"One\""), std::string::npos) << page;
    EXPECT_NE(page.find("Text <code>x</code>."), std::string::npos) << page;
    auto header = weave::doxygen_page(root, root / "labs/01-a/a.hpp");
    EXPECT_NE(header.find("/// @brief The A lab.\\ Taught in @ref lesson-01-a \"A\".\n///\n"),
              std::string::npos)
        << header;
    EXPECT_EQ(weave::split_lines(header)[4], "#pragma once");
}
