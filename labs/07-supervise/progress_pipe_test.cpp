// Lab 07's tests, task 4: progress reports through a pipe, drawn as one Lab 06 bar.
// The bar draws into a pipe (not a terminal) with a fake clock, so its output is fixed.
#include <fcntl.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

#include "harness/testsupport.hpp"
#include "progress_pipe.hpp"
#include "test_children.hpp"

namespace {

using proc::ProgressReport;

const char* kLesson = "07-forever-tasks.md";
const char* kSection = "progress-through-a-pipe";

// Bar options drawing into @p fd with a clock frozen at 0.
proc::ProgressOptions bar_into(int fd) {
    proc::ProgressOptions options;
    options.fd = fd;
    options.clock = [] { return 0.0; };
    return options;
}

// Tests that "DONE/TOTAL" lines are parsed.
TEST(ProgressLineTest, ParsesDoneSlashTotal) {
    EXPECT_EQ(proc::parse_progress_line("3/10"), (ProgressReport{3, 10}));
    EXPECT_EQ(proc::parse_progress_line("0/0"), (ProgressReport{0, 0}));
    EXPECT_EQ(proc::parse_progress_line("250/250"), (ProgressReport{250, 250}));
}

// Tests that anything else is not a report (and so is passed through as text).
TEST(ProgressLineTest, RejectsEverythingElse) {
    for (const char* line : {"", "3", "3/", "/3", "a/b", "3/10 ", " 3/10", "-1/3", "+1/3", "11/10",
                             "3/10/2", "worker: done", "3 / 10"})
        EXPECT_EQ(proc::parse_progress_line(line), std::nullopt)
            << "\"" << line << "\" is not DONE/TOTAL; " << harness::see_lesson(kLesson, kSection);
}

// Tests that the first report creates the bar with its total, and later ones move it.
TEST(ProgressRelayTest, FirstReportCreatesBarWithItsTotal) {
    auto drawn = course::make_pipe();
    proc::ProgressRelay relay(bar_into(drawn.write.get()), nullptr);
    relay.feed("0/4\n");
    ASSERT_NE(relay.bar(), nullptr)
        << "the first report creates the bar; " << harness::see_lesson(kLesson, kSection);
    EXPECT_EQ(relay.bar()->n(), 0);
    relay.feed("2/4\n");
    EXPECT_EQ(relay.bar()->n(), 2);
    EXPECT_EQ(relay.latest(), (ProgressReport{2, 4}));
}

// Tests that a line split across two reads is handled once complete.
TEST(ProgressRelayTest, LinesSplitAcrossReads) {
    auto drawn = course::make_pipe();
    std::vector<std::string> others;
    proc::ProgressRelay relay(bar_into(drawn.write.get()),
                              [&](std::string_view line) { others.emplace_back(line); });
    relay.feed("1/");
    EXPECT_EQ(relay.latest(), std::nullopt) << "half a line is not a report yet";
    relay.feed("4\nhel");
    relay.feed("lo\n3/4\n");
    EXPECT_EQ(relay.latest(), (ProgressReport{3, 4}));
    EXPECT_EQ(others, (std::vector<std::string>{"hello"}));
}

// Tests that other lines pass through, an unterminated last one included at finish().
TEST(ProgressRelayTest, OtherLinesPassThrough) {
    auto drawn = course::make_pipe();
    std::vector<std::string> others;
    proc::ProgressRelay relay(bar_into(drawn.write.get()),
                              [&](std::string_view line) { others.emplace_back(line); });
    relay.feed("worker: hello\n1/2\n2/2\nbye");
    relay.finish();
    EXPECT_EQ(others, (std::vector<std::string>{"worker: hello", "bye"}))
        << harness::see_lesson(kLesson, kSection);
}

// Tests that finish() closes the bar: its final line shows the whole count.
TEST(ProgressRelayTest, FinishDrawsFinalBar) {
    auto drawn = course::make_pipe();
    {
        proc::ProgressRelay relay(bar_into(drawn.write.get()), nullptr);
        relay.feed("0/4\n4/4\n");
        relay.finish();
    }
    drawn.write.reset();
    std::string text = lab07::read_all(drawn.read.get());
    EXPECT_NE(text.find("100%"), std::string::npos) << text;
    EXPECT_NE(text.find("4/4"), std::string::npos) << text;
    EXPECT_EQ(text.back(), '\n') << "a closed bar ends its line";
}

// Tests run_with_progress: the child learns PROC_PROGRESS_FD=1, its reports reach the
// bar, and its status comes back.
TEST(RunWithProgressTest, ChildReportsReachTheBar) {
    auto drawn = course::make_pipe();
    auto status = proc::run_with_progress(
        {"sh", "-c", "echo 0/3; echo \"$PROC_PROGRESS_FD/3\"; echo 3/3; exit 5"},
        bar_into(drawn.write.get()));
    drawn.write.reset();
    EXPECT_EXITED_WITH(status.raw(), 5);
    std::string text = lab07::read_all(drawn.read.get());
    EXPECT_NE(text.find("3/3"), std::string::npos)
        << "the bar should end at 3/3; drew: " << text << "\n"
        << harness::see_lesson(kLesson, kSection);
    EXPECT_NE(text.find("100%"), std::string::npos) << text;
}

// Tests that the child is told where to report: PROC_PROGRESS_FD=1 in its environment.
TEST(RunWithProgressTest, ChildIsToldTheDescriptor) {
    auto drawn = course::make_pipe();
    auto status = proc::run_with_progress({"sh", "-c", "test \"$PROC_PROGRESS_FD\" = 1"},
                                          bar_into(drawn.write.get()));
    EXPECT_EXITED_WITH(status.raw(), 0) << "the child's environment needs PROC_PROGRESS_FD=1; "
                                        << harness::see_lesson(kLesson, kSection);
}

}  // namespace
