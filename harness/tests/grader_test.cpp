// Tests the grader end to end on a misbehaving test program: each misbehaviour gets its
// verdict, the lab's report stays complete, and nothing is left running.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "grade/grade.hpp"
#include "harness/testsupport.hpp"
#include "sandbox/child_reports.hpp"
#include "sandbox/resource_event_reader.hpp"
#include "subreaper_fixture.hpp"

namespace {

grader::LabSpec fixture_lab(const std::vector<std::string>& tests) {
    grader::LabSpec lab;
    lab.id = "99";
    lab.slug = "99-fixture";
    lab.title = "Fixture";
    lab.lesson = "99-fixture.md";
    lab.framework = "gtest";
    lab.time_limit = 2;
    lab.tasks = {{1, "Everything", "everything"}};
    for (const auto& name : tests) {
        lab.tests.push_back({"FixtureTest." + name, 1, 1, false, ""});
        if (name == "Skips")
            lab.tests.back().may_skip = "the fixture shows a declared skip";
    }
    lab.student = {"grader_fixture_tests", GRADER_FIXTURE, ""};
    return lab;
}

grader::TestResult grade_one(const std::string& test) {
    grader::GradeOptions options;
    options.build = false;
    options.source_dir = COURSE_SOURCE_DIR;
    auto result = grader::grade_lab(fixture_lab({test}), options);
    EXPECT_EQ(result.tests.size(), 1u);
    return result.tests.at(0);
}

using GraderTest = SubreaperTest;

// Tests that a passing test passes and earns its point.
TEST_F(GraderTest, PassEarnsPoints) {
    auto r = grade_one("Passes");
    EXPECT_EQ(r.verdict, grader::Verdict::pass) << r.message;
    EXPECT_EQ(r.score, 1);
}

// Tests that a failing assertion is a fail carrying GoogleTest's message and the lesson.
TEST_F(GraderTest, FailCarriesMessageAndLesson) {
    auto r = grade_one("Fails");
    EXPECT_EQ(r.verdict, grader::Verdict::fail);
    EXPECT_NE(r.message.find("arithmetic is broken"), std::string::npos) << r.message;
    EXPECT_EQ(r.lesson, "lessons/99-fixture.md#everything");
    EXPECT_EQ(r.score, 0);
}

// Tests that an exception escaping a test (as from a stub's todo()) reads as a sentence.
TEST_F(GraderTest, EscapedExceptionReadsAsSentence) {
    auto r = grade_one("Throws");
    EXPECT_EQ(r.verdict, grader::Verdict::fail);
    EXPECT_EQ(r.message, "an exception escaped the test: Task 9 is not implemented yet");
}

// Tests that descriptors a test left open fail it, each named by what it refers to.
TEST_F(GraderTest, LeakedDescriptorsFailTheTest) {
    auto r = grade_one("LeaksDescriptors");
    EXPECT_EQ(r.verdict, grader::Verdict::fail);
    EXPECT_NE(r.message.find("This test left 2 descriptors open:"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("-> pipe:["), std::string::npos) << r.message;
}

// Tests that an O_PATH handle kept for the program's life is not a leak.
TEST_F(GraderTest, PathHandleIsNoLeak) {
    auto r = grade_one("KeepsPathHandle");
    EXPECT_EQ(r.verdict, grader::Verdict::pass) << r.message;
}

// Tests that a test cut short by a stub's todo() reports the todo, with its file and
// line, and no leak of the child it could not wait for.
TEST_F(GraderTest, StubCutShortIsNoLeak) {
    auto r = grade_one("StubCutsShortWithChildRunning");
    EXPECT_EQ(r.verdict, grader::Verdict::fail);
    EXPECT_NE(r.message.find("Task 9 is not implemented yet: write it at its TODO in "
                             "harness/tests/fixtures/misbehaving_test.cpp:"),
              std::string::npos)
        << r.message;
    EXPECT_EQ(r.message.find("child process"), std::string::npos) << r.message;
}

// Tests that SIGSEGV is a crash naming the signal.
TEST_F(GraderTest, SegfaultIsCrash) {
    auto r = grade_one("Crashes");
    EXPECT_EQ(r.verdict, grader::Verdict::crash);
    EXPECT_NE(r.message.find("SIGSEGV"), std::string::npos) << r.message;
}

// Tests that abort() is a crash naming SIGABRT.
TEST_F(GraderTest, AbortIsCrash) {
    auto r = grade_one("Aborts");
    EXPECT_EQ(r.verdict, grader::Verdict::crash);
    EXPECT_NE(r.message.find("SIGABRT"), std::string::npos) << r.message;
}

// Tests that a test blocked forever is stopped at the limit and called a timeout.
TEST_F(GraderTest, HangIsTimeout) {
    auto r = grade_one("Hangs");
    EXPECT_EQ(r.verdict, grader::Verdict::timeout);
    EXPECT_NE(r.message.find("2 s"), std::string::npos) << r.message;
    EXPECT_LT(r.seconds, 2 + 1.0);
}

// Tests that a test that stops itself (SIGSTOP) is a timeout, and is still killed.
TEST_F(GraderTest, StoppedIsTimeout) {
    EXPECT_EQ(grade_one("StopsItself").verdict, grader::Verdict::timeout);
}

// Tests that exit() during a test is a premature exit.
TEST_F(GraderTest, ExitIsPrematureExit) {
    auto r = grade_one("ExitsEarly");
    EXPECT_EQ(r.verdict, grader::Verdict::premature_exit);
    EXPECT_NE(r.message.find("code 3"), std::string::npos) << r.message;
}

// Tests that a daemon left holding the output pipe neither hangs the grader nor survives.
TEST_F(GraderTest, DaemonIsKilledAndDoesNotHang) {
    auto r = grade_one("LeavesDaemon");
    EXPECT_EQ(r.verdict, grader::Verdict::pass) << r.message;
}

// Tests that flooding the output is caught and the test is not passed.
TEST_F(GraderTest, FloodIsOutputTruncated) {
    auto r = grade_one("FloodsOutput");
    EXPECT_EQ(r.verdict, grader::Verdict::output_truncated);
    EXPECT_LE(r.output.size(), 64u * 1024);
}

// Tests that a skipped test says why and counts neither for nor against.
TEST_F(GraderTest, SkipSaysWhy) {
    auto r = grade_one("Skips");
    EXPECT_EQ(r.verdict, grader::Verdict::skipped);
    EXPECT_NE(r.message.find("lacks"), std::string::npos) << r.message;
}

// Tests that a skip lab.json does not allow is a failure that says so.
TEST_F(GraderTest, UndeclaredSkipFails) {
    grader::GradeOptions options;
    options.build = false;
    auto lab = fixture_lab({"Skips"});
    lab.tests.at(0).may_skip.clear();
    auto r = grader::grade_lab(lab, options).tests.at(0);
    EXPECT_EQ(r.verdict, grader::Verdict::fail);
    EXPECT_NE(r.message.find("does not say this test may skip"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("lacks"), std::string::npos) << r.message;
}

// Tests that one lab run gives every declared test a verdict, in declared order, even a
// test the program does not have (a failure that names it).
TEST_F(GraderTest, EveryDeclaredTestGetsAVerdictInOrder) {
    grader::GradeOptions options;
    options.build = false;
    auto result =
        grader::grade_lab(fixture_lab({"Crashes", "Passes", "NoSuchTest", "Fails"}), options);
    ASSERT_EQ(result.tests.size(), 4u);
    EXPECT_EQ(result.tests[0].verdict, grader::Verdict::crash);
    EXPECT_EQ(result.tests[1].verdict, grader::Verdict::pass);
    EXPECT_EQ(result.tests[2].verdict, grader::Verdict::fail);
    EXPECT_NE(result.tests[2].message.find("no test named FixtureTest.NoSuchTest"),
              std::string::npos)
        << result.tests[2].message;
    EXPECT_EQ(result.tests[3].verdict, grader::Verdict::fail);
    EXPECT_EQ(result.score(), 1);
    EXPECT_EQ(result.max_score(), 4);
}

// Tests that a missing executable makes every test a compile error, not a crash.
TEST_F(GraderTest, MissingExecutableIsCompileError) {
    grader::GradeOptions options;
    options.build = false;
    auto lab = fixture_lab({"Passes"});
    lab.student.executable = "/nonexistent/fixture";
    auto result = grader::grade_lab(lab, options);
    EXPECT_EQ(result.tests.at(0).verdict, grader::Verdict::compile_error);
}

// Tests that the first compiler error is found and its paths shortened.
TEST(CompilerErrorTest, FindsFirstErrorWithContext) {
    std::string log =
        "[1/3] Building CXX object x.o\n"
        "/src/labs/01-process/process.cpp:12:5: error: expected ';' before '}' token\n"
        "   12 |     return 1\n"
        "      |             ^\n"
        "/src/labs/01-process/process.cpp:20:1: error: second\n";
    EXPECT_EQ(grader::first_compiler_error(log, "/src"),
              "labs/01-process/process.cpp:12:5: error: expected ';' before '}' token\n"
              "   12 |     return 1\n"
              "      |             ^");
}

// Tests that the compiler's warnings in the lab's own files are kept, each once, and that
// warnings in other labs, the course's headers, the system's or hidden tests are not.
TEST(CompilerWarningTest, KeepsTheLabsOwnWarningsOnce) {
    auto quotable = grader::QuotableFiles::of_course("/src");
    quotable.except = {"/src/labs/01-process/process_hidden_test.cpp"};
    std::string log =
        "/src/labs/01-process/process.cpp:7:9: warning: unused variable 'x' [-Wunused-variable]\n"
        "    7 |     int x;\n"
        "/src/labs/01-process/process.cpp:7:9: warning: unused variable 'x' [-Wunused-variable]\n"
        "/src/labs/02-hierarchy/hierarchy.cpp:3:1: warning: other lab\n"
        "/src/harness/include/course/sys.hpp:3:1: warning: the course's header\n"
        "/usr/include/stdio.h:1:1: warning: the system's\n"
        "/src/labs/01-process/process_hidden_test.cpp:2:2: warning: hidden\n"
        "/src/labs/01-process/process.hpp:4:2: warning: comparison of integer expressions\n";
    EXPECT_EQ(grader::compiler_warnings(log, quotable, "/src/labs/01-process"),
              (std::vector<std::string>{
                  "labs/01-process/process.cpp:7:9: warning: unused variable 'x' "
                  "[-Wunused-variable]",
                  "labs/01-process/process.hpp:4:2: warning: comparison of integer expressions"}));
}

// Tests that an error located in a file the student may not read is not quoted: neither
// its line nor its excerpt, only where the student's own file reached it.
TEST(CompilerErrorTest, NeverQuotesAFileOutsideTheLab) {
    std::string log =
        "In file included from /src/labs/01-process/process.cpp:3:\n"
        "/etc/shadow:1:5: error: expected unqualified-id before 'secret'\n"
        "    1 | root:secret:19000:0:99999:7:::\n"
        "      |     ^\n";
    auto shown = grader::first_compiler_error(log, "/src");
    EXPECT_EQ(shown,
              "the build failed in a file outside your lab, reached from "
              "labs/01-process/process.cpp:3");
    EXPECT_EQ(grader::first_compiler_error("/src/solutions/01-process/process.cpp:1:1: error: "
                                           "x\n    1 | the reference\n",
                                           "/src"),
              "the build failed in a file outside your lab");
    // A relative include that climbs out of the lab is judged by where it lands.
    EXPECT_EQ(
        grader::first_compiler_error(
            "/src/labs/01-process/../../solutions/01-process/process.cpp:1:1: error: x\n", "/src"),
        "the build failed in a file outside your lab");
    // A tool's own message quotes no file.
    EXPECT_EQ(grader::first_compiler_error("collect2: error: ld returned 1 exit status\n", "/src"),
              "collect2: error: ld returned 1 exit status");
}

// Tests that a hidden test's source is never quoted, although it lies in the lab's folder.
TEST(CompilerErrorTest, NeverQuotesAHiddenTest) {
    auto quotable = grader::QuotableFiles::of_course("/src");
    quotable.except = {"/src/labs/01-process/process_hidden_test.cpp"};
    EXPECT_EQ(grader::first_compiler_error(
                  "/src/labs/01-process/process_hidden_test.cpp:9:1: error: x\n", quotable),
              "the build failed in a file outside your lab");
}

// Tests that GoogleTest's and Catch2's listings read as their names, parameterised and
// typed tests included.
TEST(TestListingTest, ReadsBothFrameworksListings) {
    auto gtest = grader::parse_test_listing(
        "gtest",
        "ProcessTest.\n  ReadsItself\n  ReadsInit\nTyped/0.  # TypeParam = int\n  Works\n"
        "Param/P.\n  Takes/0  # GetParam() = 1\n");
    EXPECT_STREQ(gtest.problem, "");
    EXPECT_EQ(gtest.names,
              (std::vector<std::string>{"ProcessTest.ReadsItself", "ProcessTest.ReadsInit",
                                        "Typed/0.Works", "Param/P.Takes/0"}));
    auto catch2 = grader::parse_test_listing("catch2", "spawn runs true\nwait reaps\n\n");
    EXPECT_STREQ(catch2.problem, "");
    EXPECT_EQ(catch2.names, (std::vector<std::string>{"spawn runs true", "wait reaps"}));
}

// Tests that a listing the test program could not have printed is refused, not half read:
// a line of one space (it once threw std::out_of_range), a test before any suite, a name
// with a control character or longer than the limit.
TEST(TestListingTest, RefusesWhatNoFrameworkPrints) {
    for (std::string output :
         {std::string("S.\n \n"), std::string("  Orphan\n"), std::string("S.\n  A\x1b[2J\n"),
          std::string("NoDot\n  A\n"), "S.\n  " + std::string(5000, 'a') + "\n"}) {
        grader::TestListing listing;
        ASSERT_NO_THROW(listing = grader::parse_test_listing("gtest", output));
        EXPECT_STRNE(listing.problem, "") << output;
        EXPECT_TRUE(listing.names.empty()) << output;
    }
    EXPECT_STRNE(grader::parse_test_listing("catch2", "a\ab\n").problem, "");
}

// Tests that the resource events the test-support library writes are read, and that
// anything else on the descriptor is a problem (the test's result is then integrity).
TEST(ResourceEventsTest, ReadsEventLinesAndRefusesTheRest) {
    auto both = grader::decode_resource_events(
        "out-of-memory operator new\ntoo-many-processes fork\n", false);
    EXPECT_TRUE(both.out_of_memory);
    EXPECT_TRUE(both.too_many_processes);
    EXPECT_EQ(both.problem, "");
    EXPECT_EQ(grader::decode_resource_events("", false).problem, "");
    auto cut = grader::decode_resource_events("too-many-processes fork\ntoo-many-pro", true);
    EXPECT_TRUE(cut.too_many_processes);
    EXPECT_EQ(cut.problem, "") << "a line cut at the grader's cap is no one's doing";
    for (std::string bytes :
         {std::string("out-of-memory\n"), std::string("passed fork\n"),
          std::string("out-of-memory \n"), std::string("out-of-memory a\x01\n"),
          std::string("out-of-memory fork"), "out-of-memory " + std::string(100, 'f') + "\n",
          std::string("\0\0\n", 3)}) {
        EXPECT_NE(grader::decode_resource_events(bytes, false).problem, "") << bytes;
    }
}

// Tests that a forged resource event makes the test's result untrusted.
TEST(ResourceEventsTest, ForgedEventsAreIntegrity) {
    grader::Outcome run;
    run.started = true;
    run.resource_events = "score 100\n";
    grader::FrameworkResult reported;
    reported.sealed = true;
    reported.found = reported.began = reported.ended = reported.passed = true;
    reported.end_code = 0;
    grader::TestSpec spec;
    spec.name = "S.T";
    spec.points = 1;
    grader::LabSpec lab;
    auto result = grader::judge(spec, lab, run, reported);
    EXPECT_EQ(result.verdict, grader::Verdict::integrity);
    EXPECT_NE(result.message.find("resource events"), std::string::npos) << result.message;
}

// Tests that the sandbox child's reports are read only when whole and valid: a text that
// does not end inside its array (it once ran off the end), an impossible wait status, a
// partial report.
TEST(ChildReportsTest, ReadsOnlyWholeValidReports) {
    auto bytes = [](const grader::child::ChildReport& report) {
        return std::string(reinterpret_cast<const char*>(&report), sizeof report);
    };
    grader::child::ChildReport ended;
    ended.status = 1 << 8;  // exited 1
    ended.leftovers = 2;
    ended.last_pid = 7;
    auto good = grader::child::decode_child_reports(bytes(ended));
    EXPECT_FALSE(good.failed);
    EXPECT_TRUE(good.ended);
    EXPECT_EQ(good.status, 1 << 8);
    EXPECT_EQ(good.leftovers, 2);

    grader::child::ChildReport failed;
    std::strcpy(failed.step, "mount");
    std::strcpy(failed.path, "/proc");
    failed.error = EPERM;
    auto step = grader::child::decode_child_reports(bytes(failed) + bytes(ended));
    EXPECT_TRUE(step.failed);
    EXPECT_EQ(step.failure.rfind("cannot mount (/proc): ", 0), 0u) << step.failure;

    grader::child::ChildReport unended;
    std::memset(unended.step, 'x', sizeof unended.step);
    grader::child::ChildReport impossible = ended;
    impossible.status = 0x7f;  // stopped, which the init never reports
    grader::child::ChildReport no_errno = failed;
    no_errno.error = 0;
    for (const auto& wrong : {bytes(unended), bytes(impossible), bytes(no_errno),
                              bytes(ended).substr(0, 10), bytes(ended) + "x"}) {
        auto read = grader::child::decode_child_reports(wrong);
        EXPECT_TRUE(read.failed);
        EXPECT_NE(read.failure, "");
    }
}

}  // namespace
