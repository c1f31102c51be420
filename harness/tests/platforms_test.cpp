// Tests the grader's platforms: Catch2 labs graded like GoogleTest ones (verdicts,
// messages, lessons, the leak check), the report formats (JUnit XML read back with
// pugixml, Gradescope and Classroom JSON), hidden tests, submissions and the gradebook.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <sstream>

#include "batch/batch.hpp"
#include "compile/source_review.hpp"
#include "course/file.hpp"
#include "grade/grade.hpp"
#include "harness/testsupport.hpp"
#include "hsys/temp_dir.hpp"
#include "reports/gradebook.hpp"
#include "reports/reports.hpp"
#include "results/sealed_results.hpp"
#include "subreaper_fixture.hpp"

namespace {
namespace fs = std::filesystem;
using nlohmann::json;

void write_file(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

#ifdef CATCH2_FIXTURE
grader::TestResult grade_catch2(const std::string& test) {
    grader::LabSpec lab;
    lab.id = "98";
    lab.slug = "98-catch2";
    lab.title = "Catch2 fixture";
    lab.lesson = "98-catch2.md";
    lab.framework = "catch2";
    lab.time_limit = 5;
    lab.tasks = {{1, "Everything", "everything"}};
    lab.tests = {{test, 1, 1, false, ""}};
    lab.student = {"grader_catch2_fixture_tests", CATCH2_FIXTURE, ""};
    grader::GradeOptions options;
    options.build = false;
    options.source_dir = COURSE_SOURCE_DIR;
    auto result = grader::grade_lab(lab, options);
    EXPECT_EQ(result.tests.size(), 1u);
    return result.tests.at(0);
}

using Catch2GradingTest = SubreaperTest;

// Tests that a passing Catch2 test case passes and earns its point.
TEST_F(Catch2GradingTest, PassEarnsPoints) {
    auto r = grade_catch2("Catch passes");
    EXPECT_EQ(r.verdict, grader::Verdict::pass) << r.message;
    EXPECT_EQ(r.score, 1);
}

// Tests that a failed CHECK is a fail with the expression, its expansion, the INFO
// context, a path relative to the course, and the lesson to re-read.
TEST_F(Catch2GradingTest, FailCarriesExpressionInfoAndLesson) {
    auto r = grade_catch2("Catch fails");
    EXPECT_EQ(r.verdict, grader::Verdict::fail);
    EXPECT_NE(r.message.find("harness/tests/fixtures/catch2_misbehaving_test.cpp:"),
              std::string::npos)
        << r.message;
    EXPECT_EQ(r.message.find(COURSE_SOURCE_DIR), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("CHECK( four == 5 )"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("4 == 5"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("arithmetic is broken"), std::string::npos) << r.message;
    EXPECT_EQ(r.lesson, "lessons/98-catch2.md#everything");
}

// Tests that FAIL("...") is a fail carrying its message.
TEST_F(Catch2GradingTest, ExplicitFailCarriesMessage) {
    auto r = grade_catch2("Catch fails explicitly");
    EXPECT_EQ(r.verdict, grader::Verdict::fail);
    EXPECT_NE(r.message.find("the answer should have been 42"), std::string::npos) << r.message;
}

// Tests that an unexpected exception is a fail naming it.
TEST_F(Catch2GradingTest, ExceptionIsFailWithItsMessage) {
    auto r = grade_catch2("Catch throws");
    EXPECT_EQ(r.verdict, grader::Verdict::fail);
    EXPECT_NE(r.message.find("unexpected trouble"), std::string::npos) << r.message;
}

// Tests that SIGSEGV is a crash, though Catch2 catches the signal and reports it first.
TEST_F(Catch2GradingTest, SegfaultIsCrash) {
    auto r = grade_catch2("Catch crashes");
    EXPECT_EQ(r.verdict, grader::Verdict::crash) << r.message;
    EXPECT_NE(r.message.find("SIGSEGV"), std::string::npos) << r.message;
}

// Tests that exit() in a test case is a premature exit.
TEST_F(Catch2GradingTest, ExitIsPrematureExit) {
    auto r = grade_catch2("Catch exits early");
    EXPECT_EQ(r.verdict, grader::Verdict::premature_exit) << r.message;
}

// Tests that harness_catch2_main's leak check fails a test case that left a child, and
// that its message reaches the grader through the sealed channel.
TEST_F(Catch2GradingTest, LeakedChildFailsTheTest) {
    auto r = grade_catch2("Catch leaks a child");
    EXPECT_EQ(r.verdict, grader::Verdict::fail) << r.message;
    EXPECT_NE(r.message.find("left 1 child process behind"), std::string::npos) << r.message;
}

// Tests that a name with a comma and brackets selects exactly that test case.
TEST_F(Catch2GradingTest, NameWithSpecialCharactersRunsAlone) {
    auto r = grade_catch2("Catch sections, [not a tag]");
    EXPECT_EQ(r.verdict, grader::Verdict::pass) << r.message;
}

// Tests that a Catch2 test case cannot forge a pass by ending the program with success
// before its result is sealed (what rewriting Catch2's XML and `_exit(0)` once did).
TEST_F(Catch2GradingTest, EndingEarlyWithSuccessIsNoPass) {
    auto r = grade_catch2("Catch claims success and ends");
    EXPECT_EQ(r.verdict, grader::Verdict::premature_exit) << r.message;
    EXPECT_EQ(r.score, 0);
}

// Tests that bytes written on the result channel by the code under test are integrity.
TEST_F(Catch2GradingTest, WritingOnTheChannelIsIntegrity) {
    auto r = grade_catch2("Catch writes on the result channel");
    EXPECT_EQ(r.verdict, grader::Verdict::integrity) << r.message;
    EXPECT_EQ(r.score, 0);
}

// Tests that a declared name the program lacks is never a pass.
TEST_F(Catch2GradingTest, UnknownNameIsNotAPass) {
    EXPECT_NE(grade_catch2("Catch has no such test").verdict, grader::Verdict::pass);
}
#endif

// Tests that Catch2 test specs escape what Catch2 would read as syntax.
TEST(Catch2SpecTest, EscapesSeparatorsTagsAndLeadingTilde) {
    EXPECT_EQ(grader::catch2_test_spec("plain name"), "plain name");
    EXPECT_EQ(grader::catch2_test_spec("a, [b] \"c\" \\"), "a\\, \\[b\\] \\\"c\\\" \\\\");
    EXPECT_EQ(grader::catch2_test_spec("~x~"), "\\~x~");
}

// A run with every kind of result, hidden test included, and hostile output.
grader::CourseResult sample_result() {
    grader::LabSpec lab;
    lab.id = "01";
    lab.slug = "01-process";
    lab.title = "Process <identity> & \"more\"";
    lab.lesson = "01-process-identity.md";
    lab.tasks = {{1, "Parse", "parse"}};
    grader::LabResult lab_result;
    lab_result.lab = lab;
    lab_result.built = true;
    auto add = [&](const std::string& name, grader::Verdict verdict, bool hidden) {
        grader::TestResult t;
        t.spec = {name, 1, 1, hidden, ""};
        t.lab = "01";
        t.verdict = verdict;
        t.score = verdict == grader::Verdict::pass ? 1 : 0;
        t.message = verdict == grader::Verdict::pass ? "" : "expected <1> & got \x01\xff";
        t.lesson = t.message.empty() ? "" : "lessons/01-process-identity.md#parse";
        t.output = std::string("binary \x00\x1b[31m\xc3\x28 output", 22);
        lab_result.lab.tests.push_back(t.spec);
        lab_result.tests.push_back(t);
    };
    add("ParseTest.Passes", grader::Verdict::pass, false);
    add("ParseTest.Fails", grader::Verdict::fail, false);
    add("ParseTest.Crashes", grader::Verdict::crash, false);
    add("ParseTest.Skips", grader::Verdict::skipped, false);
    add("Catch2 name, no dot", grader::Verdict::timeout, false);
    add("ParseTest.Secret", grader::Verdict::fail, true);
    grader::CourseResult result;
    result.labs.push_back(lab_result);
    return result;
}

// Tests that the JUnit XML parses back and follows the common schema, with counts that
// add up, whatever bytes the tests printed.
TEST(JunitTest, ParsesBackWithTheCommonSchema) {
    hsys::TempDir dir("platforms-test");
    auto path = (dir.path() / "junit.xml").string();
    grader::write_junit_xml(sample_result(), path);
    pugi::xml_document doc;
    auto parsed = doc.load_file(path.c_str());
    ASSERT_TRUE(parsed) << parsed.description();
    auto suites = doc.child("testsuites");
    EXPECT_EQ(suites.attribute("tests").as_int(), 5);  // the hidden test left out
    auto suite = suites.child("testsuite");
    EXPECT_STREQ(suite.attribute("name").value(), "Lab 01: Process <identity> & \"more\"");
    EXPECT_EQ(suite.attribute("tests").as_int(), 5);
    EXPECT_EQ(suite.attribute("failures").as_int(), 1);
    EXPECT_EQ(suite.attribute("errors").as_int(), 2);
    EXPECT_EQ(suite.attribute("skipped").as_int(), 1);
    int cases = 0;
    for (auto testcase : suite.children("testcase")) {
        ++cases;
        EXPECT_TRUE(testcase.attribute("classname") && testcase.attribute("name") &&
                    testcase.attribute("time"));
    }
    EXPECT_EQ(cases, 5);
    auto failed = suite.find_child_by_attribute("testcase", "name", "Fails");
    EXPECT_STREQ(failed.attribute("classname").value(), "lab01.ParseTest");
    EXPECT_NE(std::string(failed.child("failure").child_value()).find("Re-read: lessons/"),
              std::string::npos);
    auto crashed = suite.find_child_by_attribute("testcase", "name", "Crashes");
    EXPECT_STREQ(crashed.child("error").attribute("type").value(), "crash");
    auto catch2 = suite.find_child_by_attribute("testcase", "name", "Catch2 name, no dot");
    EXPECT_STREQ(catch2.attribute("classname").value(), "lab01");
}

// Tests that the JUnit XML, which students may see, leaves hidden tests out: neither
// named, nor counted, nor their verdicts.
TEST(JunitTest, HiddenTestIsLeftOut) {
    hsys::TempDir dir("platforms-test");
    auto path = (dir.path() / "junit.xml").string();
    grader::write_junit_xml(sample_result(), path);
    std::string xml = course::read_file(path);
    EXPECT_EQ(xml.find("Secret"), std::string::npos) << xml;
    EXPECT_EQ(xml.find("hidden"), std::string::npos) << xml;
}

// Tests that text becomes valid XML: control bytes and broken UTF-8 are replaced, valid
// UTF-8 is kept.
TEST(JunitTest, XmlSafeReplacesWhatXmlForbids) {
    EXPECT_EQ(grader::xml_safe("ok\t\n · ✓"), "ok\t\n · ✓");
    EXPECT_EQ(grader::xml_safe(std::string("a\x01"
                                           "b",
                                           3)),
              "a\xEF\xBF\xBD"
              "b");
    EXPECT_EQ(grader::xml_safe("\xc3\x28"), "\xEF\xBF\xBD(");
    EXPECT_EQ(grader::xml_safe("\xed\xa0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

// Tests Gradescope's results.json: per-test fields, hidden visibility, and a score that
// is the sum of the tests', even with binary test output.
TEST(GradescopeTest, ResultsFollowTheSpecAndHideHiddenTests) {
    hsys::TempDir dir("platforms-test");
    auto path = (dir.path() / "results.json").string();
    grader::write_gradescope_results(sample_result(), path);
    json results = json::parse(course::read_file(path));
    EXPECT_EQ(results["score"], 1);
    EXPECT_EQ(results["stdout_visibility"], "hidden");
    ASSERT_EQ(results["tests"].size(), 6u);
    for (const auto& t : results["tests"]) {
        for (const char* key :
             {"score", "max_score", "name", "number", "output", "visibility", "status"}) {
            EXPECT_TRUE(t.contains(key)) << key;
        }
    }
    EXPECT_EQ(results["tests"][0]["status"], "passed");
    EXPECT_EQ(results["tests"][1]["status"], "failed");
    EXPECT_EQ(results["tests"][3]["max_score"], 0);  // skipped counts neither way
    EXPECT_EQ(results["tests"][5]["visibility"], "hidden");
    EXPECT_EQ(results["tests"][0]["visibility"], "visible");
}

// Tests GitHub Classroom's result: the reporter's fields, and a hidden test that counts
// but shows neither its name nor its message.
TEST(ClassroomTest, ResultHasTheReporterFieldsAndHidesHiddenTests) {
    hsys::TempDir dir("platforms-test");
    auto path = (dir.path() / "classroom.json").string();
    grader::write_classroom_json(sample_result(), path);
    json result = json::parse(course::read_file(path));
    EXPECT_EQ(result["version"], 1);
    EXPECT_EQ(result["status"], "fail");
    EXPECT_EQ(result["max_score"], 5);
    ASSERT_EQ(result["tests"].size(), 6u);
    EXPECT_EQ(result["tests"][0]["status"], "pass");
    EXPECT_EQ(result["tests"][2]["status"], "error");
    EXPECT_EQ(result["tests"][5]["name"], "Lab 01 · 1 hidden test(s)");
    EXPECT_EQ(result["tests"][5]["score"], 0);
    EXPECT_EQ(result["tests"][5]["message"], "");
    EXPECT_EQ(result.dump().find("Secret"), std::string::npos);
}

// Tests that Gradescope's numbers do not tell where a hidden test sits (visible tests are
// numbered first, hidden ones after), and that the visible overview's lab total leaves
// hidden tests out while the score, the grade, counts them.
TEST(GradescopeTest, NumbersAndVisibleTotalsTellNothingOfHiddenTests) {
    auto result = sample_result();
    auto& tests = result.labs[0].tests;
    std::rotate(tests.begin() + 1, tests.end() - 1, tests.end());  // Secret second
    tests[1].verdict = grader::Verdict::pass;
    tests[1].score = 1;
    hsys::TempDir dir("platforms-test");
    auto path = (dir.path() / "results.json").string();
    grader::write_gradescope_results(result, path);
    json results = json::parse(course::read_file(path));
    EXPECT_EQ(results["score"], 2);
    std::vector<std::string> visible, hidden;
    for (const auto& t : results["tests"])
        (t["visibility"] == "hidden" ? hidden : visible).push_back(t["number"]);
    EXPECT_EQ(visible, (std::vector<std::string>{"01.1", "01.2", "01.3", "01.4", "01.5"}));
    EXPECT_EQ(hidden, std::vector<std::string>{"01.6"});
    std::string overview = results["output"];
    EXPECT_NE(overview.find("1 / 4"), std::string::npos) << overview;
    EXPECT_NE(overview.find("1 hidden test(s), not in this total"), std::string::npos) << overview;
}

// Tests --scale: 93 tests of one point out of 100 are 1.07 or 1.08 points each, hundredths
// that add up to 100 exactly, and every report's parts add up to the total it shows.
TEST(ScaleTest, PointsAreHundredthsThatAddUpToTheTotal) {
    grader::CourseResult result;
    grader::LabResult lab = sample_result().labs[0];
    lab.tests.clear();
    lab.lab.tests.clear();
    for (int n = 0; n < 93; ++n) {
        grader::TestResult t;
        t.spec = {"ScaleTest.Number" + std::to_string(n), 1, 1, false, ""};
        t.lab = "01";
        t.verdict = n % 4 == 0 ? grader::Verdict::pass : grader::Verdict::fail;
        t.score = t.verdict == grader::Verdict::pass ? 1 : 0;
        lab.lab.tests.push_back(t.spec);
        lab.tests.push_back(t);
    }
    result.labs.push_back(lab);
    grader::scale_points(result, 100);
    long long cents = 0, earned = 0;
    for (const auto& t : result.labs[0].tests) {
        EXPECT_TRUE(t.spec.points == 1.07 || t.spec.points == 1.08) << t.spec.points;
        cents += std::llround(t.spec.points * 100);
        earned += std::llround(t.score * 100);
    }
    EXPECT_EQ(cents, 10000);
    EXPECT_EQ(result.max_score(), 100);
    EXPECT_EQ(grader::points_text(result.max_score()), "100");
    EXPECT_EQ(std::llround(result.score() * 100), earned);
    EXPECT_EQ(grader::points_text(result.score()), grader::points_text(earned / 100.0));
    EXPECT_EQ(grader::points_text(2.5), "2.5");
    EXPECT_EQ(grader::points_text(1.0 / 3), "0.33");
    hsys::TempDir dir("platforms-test");
    auto path = (dir.path() / "results.json").string();
    grader::write_gradescope_results(result, path);
    json results = json::parse(course::read_file(path));
    long long shown = 0;
    for (const auto& t : results["tests"])
        shown += std::llround(t["score"].get<double>() * 100);
    EXPECT_EQ(shown, earned);
    std::string score = results["score"].dump();  // as written: "25.92", no binary tail
    EXPECT_LE(score.size() - score.find('.'), 3u) << score;
    EXPECT_EQ(std::llround(results["score"].get<double>() * 100), earned);
    // Classroom's reporter adds the scores as JavaScript does, in doubles: the sum is still
    // the double nearest the total in hundredths, whose shortest form has 2 decimals.
    path = (dir.path() / "classroom.json").string();
    grader::write_classroom_json(result, path);
    json classroom = json::parse(course::read_file(path));
    EXPECT_EQ(classroom["max_score"].dump(), "100.0");
    double sum = 0;
    for (const auto& t : classroom["tests"])
        sum += t["score"].get<double>();
    EXPECT_EQ(sum, result.score());
    EXPECT_EQ(json(sum).dump(), json(grader::hundredths(earned / 100.0)).dump());
    // Each lab a runner of its own (classroom-NN.json), the reporter adding them all up.
    result.labs.push_back(result.labs[0]);
    result.labs[1].lab.id = "02";
    grader::scale_points(result, 100);
    double points = 0, max = 0;
    for (const char* id : {"01", "02"}) {
        grader::write_classroom_json(result, path, id);
        classroom = json::parse(course::read_file(path));
        max += classroom["max_score"].get<double>();
        for (const auto& t : classroom["tests"])
            points += t["score"].get<double>();
    }
    EXPECT_EQ(points, result.score());
    EXPECT_EQ(max, 100);
}

// Tests that lab.json's visibility reaches Gradescope (the test's own, else the lab's; a
// hidden test always hidden), and that the visible overview's total counts only the tests
// shown at once, saying how many are shown later.
TEST(GradescopeTest, VisibilityComesFromLabJson) {
    auto result = sample_result();
    auto& tests = result.labs[0].tests;
    for (auto& t : tests)
        t.spec.visibility = "after_due_date";
    tests[0].spec.visibility = "visible";          // ParseTest.Passes
    tests[1].spec.visibility = "after_published";  // ParseTest.Fails
    hsys::TempDir dir("platforms-test");
    auto path = (dir.path() / "results.json").string();
    grader::write_gradescope_results(result, path);
    json results = json::parse(course::read_file(path));
    std::vector<std::string> visibility;
    for (const auto& t : results["tests"])
        visibility.push_back(t["visibility"]);
    EXPECT_EQ(visibility, (std::vector<std::string>{"visible", "after_published", "after_due_date",
                                                    "after_due_date", "after_due_date", "hidden"}));
    std::string overview = results["output"];
    EXPECT_NE(overview.find("1 / 1\n"), std::string::npos) << overview;
    EXPECT_NE(overview.find("3 test(s) shown after the due date"), std::string::npos) << overview;
    EXPECT_NE(overview.find("1 test(s) shown once the grades are published"), std::string::npos);
    EXPECT_NE(overview.find("1 hidden test(s)"), std::string::npos) << overview;
    EXPECT_EQ(results["score"], 1);  // the grade counts every test
}

// Tests PrairieLearn's results.json: gradable with a score from 0 to 1, each visible test
// with its points, the hidden tests as one entry that names none; and not gradable, with
// the compile error, when no lab compiles.
TEST(PrairieLearnTest, ScoreIsAFractionAndHiddenTestsStayHidden) {
    hsys::TempDir dir("platforms-test");
    auto path = (dir.path() / "results.json").string();
    grader::write_prairielearn_results(sample_result(), path);
    json results = json::parse(course::read_file(path));
    EXPECT_EQ(results["gradable"], true);
    EXPECT_DOUBLE_EQ(results["score"].get<double>(), 1.0 / 5);  // the skipped test counts not
    ASSERT_EQ(results["tests"].size(), 6u);
    EXPECT_EQ(results["tests"][0]["points"], 1);
    EXPECT_EQ(results["tests"][0]["description"], "Task 1: Parse");
    EXPECT_EQ(results["tests"][5]["name"], "Lab 01 · 1 hidden test(s)");
    EXPECT_EQ(results.dump().find("Secret"), std::string::npos);
    auto broken = sample_result();
    broken.labs[0].built = false;
    broken.labs[0].build_error = "process.cpp:3:1: error: expected ';'";
    for (auto& t : broken.labs[0].tests)
        t.verdict = grader::Verdict::compile_error;
    grader::write_prairielearn_results(broken, path);
    results = json::parse(course::read_file(path));
    EXPECT_EQ(results["gradable"], false);
    EXPECT_FALSE(results.contains("score"));
    EXPECT_NE(results["format_errors"][0].get<std::string>().find("expected ';'"),
              std::string::npos);
}

// Tests Autolab's lines: the autoresult's scores per lab (hidden tests counted) and a
// scoreboard led by the total; the feedback's stage per lab, tests in lab.json's order, a
// hint for each failure, and the hidden tests as one unnamed entry.
TEST(AutolabTest, ScoresPerLabAndFeedbackInOrder) {
    auto result = sample_result();
    EXPECT_EQ(grader::autolab_autoresult(result),
              R"({"scores":{"Lab 01":1.0},"scoreboard":[1.0,1.0]})");
    json feedback = json::parse(grader::autolab_feedback(result));
    EXPECT_EQ(feedback["_presentation"], "semantic");
    std::string stage = "Lab 01: Process <identity> & \"more\"";
    EXPECT_EQ(feedback["stages"], json::array({stage}));
    EXPECT_EQ(feedback[stage]["ParseTest.Passes"], json({{"passed", true}}));
    EXPECT_EQ(feedback[stage]["ParseTest.Fails"]["passed"], false);
    std::string hint = feedback[stage]["ParseTest.Fails"]["hint"];
    EXPECT_EQ(hint.rfind("fail: ", 0), 0u) << hint;
    EXPECT_EQ(hint.find('\n'), std::string::npos) << hint;
    EXPECT_EQ(feedback[stage]["1 hidden test(s)"], json({{"passed", false}}));
    EXPECT_EQ(grader::autolab_feedback(result).find("Secret"), std::string::npos);
    EXPECT_EQ(grader::autolab_feedback(result).find('\n'), std::string::npos);
}

// Tests that report.json survives output that is not UTF-8.
TEST(ReportJsonTest, BinaryOutputIsWrittenNotThrown) {
    hsys::TempDir dir("platforms-test");
    auto path = (dir.path() / "report.json").string();
    ASSERT_NO_THROW(grader::write_report_json(sample_result(), path));
    EXPECT_EQ(json::parse(course::read_file(path))["tests"].size(), 6u);
}

// Tests that the scoreboard hides a hidden test's name, message and result from students
// (their totals leave it out), says that hidden tests exist, and shows everything with
// --show-hidden; and that the Markdown summary does alike.
TEST(ScoreboardTest, HiddenTestsShowOnlyToInstructors) {
    std::ostringstream student, instructor;
    grader::print_scoreboard(sample_result(), student);
    grader::print_scoreboard(sample_result(), instructor, {.show_hidden = true});
    EXPECT_EQ(student.str().find("ParseTest.Secret"), std::string::npos) << student.str();
    EXPECT_NE(student.str().find("1 hidden test: graded apart"), std::string::npos)
        << student.str();
    EXPECT_EQ(student.str().find("not passed"), std::string::npos) << student.str();
    // The student's totals leave it out (1 / 4), the instructor's count it (1 / 5).
    EXPECT_NE(student.str().find("Total: 1 / 4"), std::string::npos) << student.str();
    EXPECT_NE(instructor.str().find("Total: 1 / 5"), std::string::npos) << instructor.str();
    EXPECT_EQ(grader::markdown_summary(sample_result()).find("Secret"), std::string::npos);
    EXPECT_NE(grader::markdown_summary(sample_result()).find("1 / 4"), std::string::npos);
    EXPECT_NE(instructor.str().find("ParseTest.Secret (hidden)"), std::string::npos)
        << instructor.str();
}

// Tests that student code naming the hidden tests' program, sources or objects is noted
// for review (their names are known from the course: the convention is documented).
TEST(SourceReviewTest, NotesCodeNamingHiddenTests) {
    auto notes = grader::review_text("x.cpp",
                                     "execl(\"build/bin/lab01_hidden_tests\", nullptr);\n"
                                     "open(\"labs/01-process/process_hidden_test.cpp\", 0);\n"
                                     "int visible_tests = 0;\n");
    ASSERT_EQ(notes.size(), 2u);
    EXPECT_EQ(notes[0].line, 1);
    EXPECT_EQ(notes[1].line, 2);
}

// A lab of two tasks, each test failing with @p message (pass when empty).
grader::LabResult two_task_lab(const std::string& id, const std::string& message1,
                               const std::string& message2) {
    grader::LabResult lab;
    lab.lab.id = id;
    lab.lab.title = "Lab " + id;
    lab.lab.lesson = id + "-topic.md";
    lab.lab.tasks = {{1, "First", "first"}, {2, "Second", "second"}};
    lab.built = true;
    int task = 0;
    for (const auto& message : {message1, message2}) {
        grader::TestResult t;
        ++task;
        t.spec = {"Suite.Task" + std::to_string(task), task, 1, false, ""};
        t.lab = id;
        t.verdict = message.empty() ? grader::Verdict::pass : grader::Verdict::fail;
        t.score = message.empty() ? 1 : 0;
        t.message = message;
        lab.tests.push_back(t);
    }
    return lab;
}

// Tests that a scratch folder the grader could not remove flags the lab, naming the test
// and the folder, and reaches report.json as the test's leftover.
TEST(ReportJsonTest, LeftoverScratchFolderFlagsTheLab) {
    grader::CourseResult result;
    result.labs.push_back(two_task_lab("01", "", ""));
    EXPECT_FALSE(result.labs[0].flagged());
    result.labs[0].tests[1].leftover = "/tmp/grader-abc123";
    EXPECT_TRUE(result.labs[0].flagged());
    EXPECT_NE(result.labs[0].flag_reason().find("Suite.Task2 (/tmp/grader-abc123)"),
              std::string::npos)
        << result.labs[0].flag_reason();
    hsys::TempDir dir("report-test");
    auto path = (dir.path() / "report.json").string();
    grader::write_report_json(result, path);
    auto report = nlohmann::json::parse(course::read_file(path));
    EXPECT_EQ(report["tests"][0]["leftover"], "");
    EXPECT_EQ(report["tests"][1]["leftover"], "/tmp/grader-abc123");
    EXPECT_TRUE(report["labs"][0]["flagged"].get<bool>());
}

std::string todo_message(const std::string& id, int task) {
    return "an exception escaped the test: Task " + std::to_string(task) +
           " is not implemented yet: write it at its TODO in labs/" + id +
           "-topic/topic.cpp:" + std::to_string(10 * task);
}

// Tests that a lab not started is one line, that a task not started says where its TODO
// is, and that a student's scoreboard ends with the first task to do, its TODO and lesson.
TEST(ScoreboardTest, GuidesToTheFirstTaskNotDone) {
    grader::CourseResult result;
    result.labs.push_back(two_task_lab("01", "", todo_message("01", 2)));
    result.labs.push_back(two_task_lab("02", todo_message("02", 1), todo_message("02", 2)));
    std::ostringstream out;
    grader::print_scoreboard(result, out);
    grader::print_next_step(result, out);
    std::string board = out.str();
    EXPECT_NE(board.find("Lab 02: Lab 02"), std::string::npos) << board;
    EXPECT_NE(board.find("0 / 2   not started\n"), std::string::npos) << board;
    EXPECT_EQ(board.find("labs/02-topic"), std::string::npos) << board;
    EXPECT_NE(board.find("not started: its TODO is at labs/01-topic/topic.cpp:20"),
              std::string::npos)
        << board;
    auto next = board.find("\nNext: Lab 01, Task 2 (Second)\n");
    ASSERT_NE(next, std::string::npos) << board;
    EXPECT_NE(board.find("write it at its TODO in labs/01-topic/topic.cpp:20", next),
              std::string::npos)
        << board;
    EXPECT_NE(board.find("read lessons/01-topic.md#second", next), std::string::npos) << board;
    EXPECT_NE(board.find("make grade LAB=01", next), std::string::npos) << board;
}

// Tests that a long failure is cut with the command that shows all of it, that a cap of 0
// shows everything, and that a finished course says so.
TEST(ScoreboardTest, LongFailuresPointToTheWholeText) {
    std::string message;
    for (int line = 1; line <= 30; ++line)
        message += "line " + std::to_string(line) + "\n";
    grader::CourseResult result;
    result.labs.push_back(two_task_lab("03", "", message));
    std::ostringstream cut, whole;
    grader::print_scoreboard(result, cut);
    grader::print_scoreboard(result, whole, {.failure_lines = 0});
    EXPECT_NE(cut.str().find("line 12"), std::string::npos) << cut.str();
    EXPECT_EQ(cut.str().find("line 13"), std::string::npos) << cut.str();
    EXPECT_NE(cut.str().find("(the rest: make grade LAB=03 TEST=Suite.Task2)"), std::string::npos)
        << cut.str();
    EXPECT_NE(whole.str().find("line 30"), std::string::npos) << whole.str();
    EXPECT_EQ(whole.str().find("the rest:"), std::string::npos) << whole.str();

    grader::CourseResult done;
    done.labs.push_back(two_task_lab("04", "", ""));
    std::ostringstream finished;
    grader::print_next_step(done, finished);
    EXPECT_NE(finished.str().find("Every lab passes: well done."), std::string::npos)
        << finished.str();
}

// Tests that a submission's sources are found in each accepted layout, and that only the
// lab's sources are taken.
TEST(OverlayTest, TakesOnlyTheLabsSourcesFromAnyLayout) {
    hsys::TempDir dir("platforms-test");
    grader::LabSpec one, two;
    one.slug = "01-process";
    one.sources = {"process.cpp"};
    two.slug = "02-hierarchy";
    two.sources = {"hierarchy.cpp", "extra.cpp"};
    write_file(dir.path() / "labs" / "01-process" / "process.cpp", "stub 1");
    write_file(dir.path() / "labs" / "01-process" / "process_test.cpp", "course tests");
    write_file(dir.path() / "labs" / "02-hierarchy" / "hierarchy.cpp", "stub 2");
    write_file(dir.path() / "labs" / "02-hierarchy" / "extra.cpp", "stub 3");
    auto sub = dir.path() / "submission";
    write_file(sub / "labs" / "01-process" / "process.cpp", "student 1");
    write_file(sub / "labs" / "01-process" / "process_test.cpp", "student's own tests");
    write_file(sub / "hierarchy.cpp", "student 2");
    auto overlay =
        grader::overlay_submission({one, two}, sub.string(), (dir.path() / "labs").string());
    EXPECT_EQ(overlay.refused, "");
    EXPECT_EQ(course::read_file((dir.path() / "labs/01-process/process.cpp").string()),
              "student 1");
    EXPECT_EQ(course::read_file((dir.path() / "labs/01-process/process_test.cpp").string()),
              "course tests");
    EXPECT_EQ(course::read_file((dir.path() / "labs/02-hierarchy/hierarchy.cpp").string()),
              "student 2");
    EXPECT_EQ(course::read_file((dir.path() / "labs/02-hierarchy/extra.cpp").string()), "stub 3");
    ASSERT_EQ(overlay.notes.size(), 3u);
    EXPECT_EQ(overlay.notes[0],
              "copied labs/01-process/process.cpp from labs/01-process/process.cpp");
    EXPECT_EQ(overlay.notes[2].rfind("missing", 0), 0u) << overlay.notes[2];
}

// Tests that a symbolic link anywhere on a source's path (the file, its lab folder,
// `labs`, the submission's folder itself) refuses the whole submission, naming the link,
// and that nothing is copied.
TEST(OverlayTest, RefusesASymbolicLinkInAnyComponent) {
    grader::LabSpec one;
    one.slug = "01-process";
    one.sources = {"process.cpp"};
    struct Case {
        const char* link;   // what is a link, relative to the submission
        const char* shown;  // what the refusal names
    };
    for (const Case& c : {Case{"process.cpp", "process.cpp"}, Case{"01-process", "01-process"},
                          Case{"labs", "labs"}, Case{"", "the submission's folder"}}) {
        hsys::TempDir dir("platforms-test");
        write_file(dir.path() / "labs" / "01-process" / "process.cpp", "stub");
        write_file(dir.path() / "elsewhere" / "labs" / "01-process" / "process.cpp", "not yours");
        write_file(dir.path() / "elsewhere" / "01-process" / "process.cpp", "not yours");
        write_file(dir.path() / "elsewhere" / "process.cpp", "not yours");
        auto sub = dir.path() / "submission";
        if (std::string(c.link).empty()) {
            fs::create_directory_symlink(dir.path() / "elsewhere", sub);
        } else {
            fs::create_directories(sub);
            fs::create_symlink(dir.path() / "elsewhere" / c.link, sub / c.link);
        }
        auto overlay =
            grader::overlay_submission({one}, sub.string(), (dir.path() / "labs").string());
        EXPECT_EQ(overlay.refused.rfind(std::string(c.shown) + " is a symbolic link", 0), 0u)
            << c.link << ": " << overlay.refused;
        EXPECT_EQ(course::read_file((dir.path() / "labs/01-process/process.cpp").string()), "stub")
            << c.link;
    }
}

// Tests CSV quoting of the gradebook's fields.
TEST(GradebookTest, CsvFieldsAreQuotedWhenNeeded) {
    EXPECT_EQ(grader::csv_field("alice"), "alice");
    EXPECT_EQ(grader::csv_field("configure failed (status 256)"), "configure failed (status 256)");
    EXPECT_EQ(grader::csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(grader::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
}

// Tests that a report whose fields are missing or of the wrong type is refused with one
// plain sentence naming it, and leaves the row as it was.
TEST(GradebookTest, MalformedReportsAreRefusedPlainly) {
    hsys::TempDir dir("gradebook-test");
    auto path = (dir.path() / "report.json").string();
    const char* good = R"({"score": 1, "max_score": 2, "tests": [{"verdict": "pass", "lab": "01"}],
                           "labs": [{"id": "01", "score": 1, "max_score": 2}]})";
    for (const char* text :
         {"", "[]", "{\"score\": \"x\"}", R"({"score": 1, "max_score": 2, "tests": 5})",
          R"({"score": 1, "max_score": 2, "tests": [{"verdict": 3, "lab": "01"}], "labs": []})",
          R"({"score": 1, "max_score": 2, "tests": [], "labs": [{"id": "01", "score": 1,
              "max_score": 2, "built": "no"}]})",
          R"({"score": 1, "max_score": 2, "tests": [7], "labs": []})"}) {
        std::ofstream(path, std::ios::trunc) << text;
        grader::GradebookRow row;
        row.status = "before";
        try {
            grader::read_report(path, row);
            ADD_FAILURE() << "accepted: " << text;
        } catch (const std::runtime_error& e) {
            EXPECT_NE(std::string(e.what()).find("cannot be read as a report"), std::string::npos)
                << e.what();
        }
        EXPECT_EQ(row.status, "before");
        EXPECT_TRUE(row.lab_scores.empty()) << text;
    }
    std::ofstream(path, std::ios::trunc) << good;
    grader::GradebookRow row;
    grader::read_report(path, row);
    EXPECT_EQ(row.lab_scores["01"], 1);
    EXPECT_EQ(row.verdicts["pass"], 1);
}

}  // namespace
