// Tests of where a grading run's time goes (grader/timings.hpp): the phases' totals, their
// JSON, and a build's steps told from older ones in Ninja's log.
#include <gtest/gtest.h>

#include <fstream>

#include "grade/timings.hpp"
#include "hsys/temp_dir.hpp"

namespace {

using grader::timings::Phases;

// Tests that a phase's seconds and counts add up, and survive their JSON.
TEST(TimingsTest, PhasesAddUpAndReadBack) {
    Phases phases;
    grader::timings::add(phases, "tests", 1.25);
    grader::timings::add(phases, "tests", 0.5);
    grader::timings::add(phases, "compile", 2, 3);
    grader::timings::add(phases, "tests", 0, 0, 0.75);
    Phases read = grader::timings::from_json(grader::timings::to_json(phases));
    ASSERT_EQ(read.size(), 2u);
    EXPECT_DOUBLE_EQ(read["tests"].seconds, 1.75);
    EXPECT_EQ(read["tests"].count, 2);
    EXPECT_DOUBLE_EQ(read["tests"].cpu_seconds, 0.75);
    EXPECT_DOUBLE_EQ(read["compile"].cpu_seconds, 0);
    EXPECT_DOUBLE_EQ(read["compile"].seconds, 2);
    EXPECT_EQ(read["compile"].count, 3);
}

// Tests that only the steps stamped since the build began count, objects as compiles and
// the rest as links, and that lines Ninja did not write whole are left out.
TEST(TimingsTest, BuildStepsSinceTheBuildBegan) {
    hsys::TempDir build("timings-test");
    std::ofstream(build.path() / ".ninja_log")
        << "# ninja log v5\n"
        << "0\t900\t100\told.o\tabc\n"             // an earlier build's
        << "10\t1510\t2000\tnew.o\tdef\n"          // 1.5 s of compiling
        << "1510\t1760\t2000\tlibnew.a\t012\n"     // 0.25 s of archiving
        << "1760\t2760\t2001\tlab01_tests\t345\n"  // 1 s of linking
        << "2760\t2800\t2002\thalf\n"              // cut short: no hash
        << "2800\tx\t2002\tbad.o\t678\n";          // not a number
    Phases phases;
    grader::timings::add_build_steps(phases, build.path().string(), 1000);
    ASSERT_EQ(phases.size(), 2u);
    EXPECT_DOUBLE_EQ(phases["compile"].seconds, 1.5);
    EXPECT_EQ(phases["compile"].count, 1);
    EXPECT_DOUBLE_EQ(phases["link"].seconds, 1.25);
    EXPECT_EQ(phases["link"].count, 2);
}

// Tests that a build without Ninja's log (another generator) adds nothing.
TEST(TimingsTest, NoLogAddsNothing) {
    hsys::TempDir build("timings-test");
    Phases phases;
    grader::timings::add_build_steps(phases, build.path().string(), 0);
    EXPECT_TRUE(phases.empty());
}

// Tests that a timer adds its life's time to this run's phase, once.
TEST(TimingsTest, TimerAddsToThisRun) {
    long before = grader::timings::of_this_run()["timer test"].count;
    { grader::timings::Timer timer("timer test"); }
    EXPECT_EQ(grader::timings::of_this_run()["timer test"].count, before + 1);
    EXPECT_GE(grader::timings::of_this_run()["timer test"].seconds, 0);
}

}  // namespace
