// Tests of what a failed test needs first (grader/results/needs.hpp) and of the next step the
// scoreboard gives: a failure whose task uses another lab's unfinished task says so, in the
// scoreboard, the next step and every report; a lab that does not compile comes first; and
// "well done" is said only when every lab of the course passes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "course/file.hpp"
#include "hsys/temp_dir.hpp"
#include "reports/reports.hpp"
#include "results/needs.hpp"

namespace {

namespace fs = std::filesystem;
using grader::Verdict;

// Lab @p id ("03-topic"), its tasks 1 and 2 each with one test ("Suite.TaskN").
grader::LabSpec lab_spec(const std::string& id) {
    grader::LabSpec lab;
    lab.id = id;
    lab.slug = id + "-topic";
    lab.title = "Lab " + id;
    lab.lesson = id + "-topic.md";
    lab.dir = "labs/" + lab.slug;
    lab.sources = {"topic.cpp"};
    lab.tasks = {{1, "First of " + id, "first"}, {2, "Second of " + id, "second"}};
    for (int task : {1, 2})
        lab.tests.push_back({"Suite" + id + ".Task" + std::to_string(task), task, 1, false, ""});
    return lab;
}

// @p spec graded: each test passes, or fails with its message (@p messages, by task).
grader::LabResult graded(const grader::LabSpec& spec, const std::vector<std::string>& messages) {
    grader::LabResult lab;
    lab.lab = spec;
    lab.built = true;
    for (std::size_t i = 0; i < spec.tests.size(); ++i) {
        grader::TestResult t;
        t.spec = spec.tests[i];
        t.lab = spec.id;
        t.verdict = messages[i].empty() ? Verdict::pass : Verdict::fail;
        t.score = messages[i].empty() ? 1 : 0;
        t.message = messages[i];
        lab.tests.push_back(t);
    }
    return lab;
}

std::string todo_in(const std::string& id, int task) {
    return "an exception escaped the test: Task " + std::to_string(task) +
           " is not implemented yet: write it at its TODO in labs/" + id +
           "-topic/topic.cpp:" + std::to_string(10 * task);
}

// A course of Labs 03, 04 and 05, where Lab 04's Task 2 uses Lab 03's Task 1 ("spawn"), and
// Lab 03's stub is untouched (its todo() calls are in its sources).
grader::CourseResult course_of_three() {
    grader::CourseResult result;
    result.course = {lab_spec("03"), lab_spec("04"), lab_spec("05")};
    result.course[1].depends = {"03"};
    result.course[1].uses = {{"03", 1, "spawn", {2}}};
    result.todos["03"] = {{1, "labs/03-topic/topic.cpp:10"}, {2, "labs/03-topic/topic.cpp:20"}};
    result.todos["05"] = {{2, "labs/05-topic/topic.cpp:20"}};
    return result;
}

std::string scoreboard_and_next(const grader::CourseResult& result) {
    std::ostringstream out;
    grader::print_scoreboard(result, out);
    grader::print_next_step(result, out);
    return out.str();
}

// Tests that with Lab 03 untouched and only Lab 04 graded, Lab 04's failure of Task 2 says
// it needs Lab 03 Task 1 first, with that task's lesson, that the next step is Lab 03 Task 1
// at its TODO, and that Task 1 of Lab 04, which uses nothing, is left alone.
TEST(NeedsTest, UnfinishedUsedTaskIsNamedAndComesNext) {
    auto result = course_of_three();
    result.labs.push_back(graded(result.course[1], {"Expected 0, got 1", todo_in("03", 1)}));
    grader::note_needs(result);
    const auto& tests = result.labs[0].tests;
    EXPECT_TRUE(tests[0].needs.empty()) << "Task 1 uses no other lab";
    ASSERT_EQ(tests[1].needs.size(), 1u);
    EXPECT_EQ(grader::needs_sentence(tests[1].needs),
              "needs Lab 03 Task 1 (spawn) first: read lessons/03-topic.md#first");
    EXPECT_EQ(grader::reported_message(tests[1]).rfind("needs Lab 03 Task 1 (spawn) first", 0), 0u);
    EXPECT_EQ(tests[1].verdict, Verdict::fail);
    EXPECT_EQ(result.labs[0].score(), 0);

    std::string board = scoreboard_and_next(result);
    EXPECT_NE(board.find("✗ Task 2: Second of 04"), std::string::npos) << board;
    EXPECT_NE(
        board.find("      needs Lab 03 Task 1 (spawn) first: read lessons/03-topic.md#first\n"),
        std::string::npos)
        << board;
    EXPECT_EQ(board.find("not started: its TODO is at labs/03"), std::string::npos) << board;
    auto next = board.find("\nNext: Lab 04, Task 1 (First of 04)\n");
    EXPECT_NE(next, std::string::npos) << "Lab 04's own Task 1 fails first: " << board;

    result.labs[0].tests[0] = graded(result.course[1], {"", ""}).tests[0];  // Task 1 done
    board = scoreboard_and_next(result);
    next = board.find(
        "\nNext: Lab 03, Task 1 (First of 03): Lab 04 Task 2 needs it (spawn) first\n"
        "  write it at its TODO in labs/03-topic/topic.cpp:10\n"
        "  read lessons/03-topic.md#first\n"
        "  then check it: make grade LAB=03\n");
    EXPECT_NE(next, std::string::npos) << board;
}

// Tests that a lab not started, shown as one line, still says which of its tasks need
// another lab's task first.
TEST(NeedsTest, LabNotStartedSaysWhatItsTasksNeed) {
    auto result = course_of_three();
    result.labs.push_back(graded(result.course[1], {todo_in("04", 1), todo_in("03", 1)}));
    grader::note_needs(result);
    std::string board = scoreboard_and_next(result);
    EXPECT_NE(board.find("0 / 2   not started\n  Task 2: needs Lab 03 Task 1 (spawn) first: "
                         "read lessons/03-topic.md#first\n"),
              std::string::npos)
        << board;
    EXPECT_NE(board.find("\nNext: Lab 04, Task 1 (First of 04)\n  write it at its TODO in "
                         "labs/04-topic/topic.cpp:10\n"),
              std::string::npos)
        << board;
}

// Tests how the needs read: the first with its words and lesson, one more with its words,
// several more by lab.
TEST(NeedsTest, SentenceNamesTheFirstAndTheOthers) {
    std::vector<grader::NeededTask> needs = {{"03", 1, "spawn", "lessons/03.md#one"},
                                             {"03", 2, "pipes", "lessons/03.md#two"}};
    EXPECT_EQ(grader::needs_sentence(needs),
              "needs Lab 03 Task 1 (spawn) first: read lessons/03.md#one (and Lab 03 Task 2: "
              "pipes)");
    needs.push_back({"03", 3, "spawnp", "lessons/03.md#three"});
    needs.push_back({"04", 2, "wait", "lessons/04.md#two"});
    EXPECT_EQ(grader::needs_sentence(needs),
              "needs Lab 03 Task 1 (spawn) first: read lessons/03.md#one (and Lab 03 Tasks 2, 3; "
              "Lab 04 Task 2)");
    EXPECT_EQ(grader::needs_sentence({}), "");
}

// Tests that a used task graded in the same run is judged by its verdicts: failing, it is
// needed first (even after its todo() is gone from the sources); passing, it is not (even
// if the sources still hold a todo() call).
TEST(NeedsTest, UsedTaskGradedHereIsJudgedByItsVerdicts) {
    auto result = course_of_three();
    result.todos.erase("03");
    result.labs.push_back(graded(result.course[0], {"spawn returned -1", ""}));
    result.labs.push_back(graded(result.course[1], {"", "Expected 0, got 1"}));
    grader::note_needs(result);
    EXPECT_EQ(result.labs[1].tests[1].needs.size(), 1u);
    EXPECT_NE(scoreboard_and_next(result).find("\nNext: Lab 03, Task 1 (First of 03)\n  make "
                                               "Suite03.Task1 pass (its failure is above)\n"),
              std::string::npos)
        << scoreboard_and_next(result);

    auto passing = course_of_three();  // its todos still say Lab 03 Task 1 is a stub
    passing.labs.push_back(graded(passing.course[0], {"", "not yet"}));
    passing.labs.push_back(graded(passing.course[1], {"", "Expected 0, got 1"}));
    grader::note_needs(passing);
    EXPECT_TRUE(passing.labs[1].tests[1].needs.empty());
}

// Tests that a test whose message says it reached another lab's todo() needs that task,
// declared or not, and that no message can turn a failure into a pass or name a lab or a
// task the course does not have.
TEST(NeedsTest, ReachedTodoOfAnotherLabIsNamedAndNeverAPass) {
    auto result = course_of_three();
    result.labs.push_back(graded(result.course[2], {todo_in("03", 2), todo_in("09", 1)}));
    result.labs[0].tests[1].message +=
        " Task 7 is not implemented yet: write it at its TODO in "
        "labs/03-topic/x.cpp:1 [  PASSED  ]";
    grader::note_needs(result);
    ASSERT_EQ(result.labs[0].tests[0].needs.size(), 1u);
    EXPECT_EQ(result.labs[0].tests[0].needs[0].lab, "03");
    EXPECT_EQ(result.labs[0].tests[0].needs[0].task, 2);
    EXPECT_EQ(result.labs[0].tests[0].needs[0].what, "Second of 03");
    EXPECT_TRUE(result.labs[0].tests[1].needs.empty()) << "no Lab 09, no Lab 03 Task 7";
    for (const auto& t : result.labs[0].tests) {
        EXPECT_EQ(t.verdict, Verdict::fail);
        EXPECT_EQ(t.score, 0);
    }
}

// Tests that the reports carry what a failure needs: report.json's "needs" and message, the
// Markdown summary.
TEST(NeedsTest, ReportsSayWhatIsNeeded) {
    auto result = course_of_three();
    result.labs.push_back(graded(result.course[1], {"", todo_in("03", 1)}));
    grader::note_needs(result);
    hsys::TempDir dir("needs-test");
    grader::write_reports(result, dir.path().string(), false);
    auto report = nlohmann::json::parse(course::read_file((dir.path() / "report.json").string()));
    auto test = report["tests"][1];
    EXPECT_EQ(test["needs"][0]["lab"], "03");
    EXPECT_EQ(test["needs"][0]["task"], 1);
    EXPECT_EQ(test["needs"][0]["lesson"], "lessons/03-topic.md#first");
    EXPECT_EQ(test["message"].get<std::string>().rfind("needs Lab 03 Task 1 (spawn) first", 0), 0u);
    std::string results = course::read_file((dir.path() / "results.json").string());
    EXPECT_NE(results.find("needs Lab 03 Task 1 (spawn) first"), std::string::npos);
    EXPECT_NE(grader::markdown_summary(result).find("(fail, needs Lab 03 Task 1 first)"),
              std::string::npos)
        << grader::markdown_summary(result);
}

// Tests that a lab that does not compile is the next step before any earlier lab's failing
// task, that an error in a lab it builds on sends the student there, and that its error is
// shown before its warnings.
TEST(NextStepTest, ALabThatDoesNotCompileComesFirst) {
    auto result = course_of_three();
    result.labs.push_back(graded(result.course[0], {todo_in("03", 1), todo_in("03", 2)}));
    grader::LabResult broken = graded(result.course[2], {"", ""});
    broken.built = false;
    broken.build_error = "labs/05-topic/topic.cpp:3:1: error: expected ';'";
    broken.warnings = {"labs/05-topic/topic.cpp:9:1: warning: no return statement"};
    for (auto& t : broken.tests) {
        t.verdict = Verdict::compile_error;
        t.score = 0;
    }
    result.labs.push_back(broken);
    std::string board = scoreboard_and_next(result);
    EXPECT_NE(board.find("\nNext: make Lab 05 compile (its first error is above), then: make "
                         "grade LAB=05\n"),
              std::string::npos)
        << board;
    auto error = board.find("error: expected ';'");
    auto warning = board.find("warning: no return statement");
    ASSERT_NE(error, std::string::npos) << board;
    EXPECT_LT(error, warning) << "the error first: " << board;

    result.labs[1].build_error = "labs/03-topic/topic.cpp:3:1: error: expected ';'";
    board = scoreboard_and_next(result);
    EXPECT_NE(board.find("\nNext: make Lab 03 compile: Lab 05's first error above is in Lab 03, "
                         "which Lab 05 builds on; then: make grade LAB=03\n"),
              std::string::npos)
        << board;
}

// Tests that "well done" is said only when every lab of the course was graded and passes;
// that a run of some labs, all passing, says which pass and points to the first task still
// a stub's todo() in another lab; and that without one it does not claim the rest pass.
TEST(NextStepTest, WellDoneOnlyWhenEveryLabPasses) {
    auto some = course_of_three();
    some.labs.push_back(graded(some.course[1], {"", ""}));
    std::ostringstream partial;
    grader::print_next_step(some, partial);
    EXPECT_EQ(partial.str(),
              "\nLab 04 passes; the other labs were not graded in this run.\n"
              "Next: Lab 03, Task 1 (First of 03)\n"
              "  write it at its TODO in labs/03-topic/topic.cpp:10\n"
              "  read lessons/03-topic.md#first\n"
              "  then check it: make grade LAB=03\n");

    some.todos.clear();
    some.labs.push_back(graded(some.course[2], {"", ""}));
    std::ostringstream no_todos;
    grader::print_next_step(some, no_todos);
    EXPECT_EQ(no_todos.str(),
              "\nLabs 04 and 05 pass; the other labs were not graded in this run.\n"
              "None of them has a TODO left: make grade grades every lab.\n");

    auto every = course_of_three();
    for (const auto& lab : every.course)
        every.labs.push_back(graded(lab, {"", ""}));
    std::ostringstream done;
    grader::print_next_step(every, done);
    EXPECT_EQ(done.str(), "\nEvery lab passes: well done.\n");
}

}  // namespace
