// Tests the pure parts of the build sandbox: the order and pruning of a view's mount steps
// (grader/sandbox/view.cpp), a compile command's outputs moved into a scratch folder
// (grader/compile/compile_command.cpp), and the reading of cgroup counters
// (grader/sandbox/cgroup.cpp).
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "compile/compile_command.hpp"
#include "hsys/temp_dir.hpp"
#include "outside_tmp.hpp"
#include "sandbox/cgroup.hpp"
#include "sandbox/hidden_files.hpp"
#include "sandbox/view.hpp"

namespace {

std::string describe(const std::vector<grader::ViewStep>& steps) {
    std::string text;
    for (const auto& step : steps) {
        const char* kind = step.kind == grader::ViewStep::hide            ? "hide "
                           : step.kind == grader::ViewStep::show          ? "show "
                           : step.kind == grader::ViewStep::show_writable ? "write "
                                                                          : "folder ";
        text += kind + step.path + "\n";
    }
    return text;
}

// Tests that outer paths come first, that a shown folder may hold hidden parts again, and
// that steps changing nothing are left out (paths that do not exist are taken as folders).
TEST(ViewTest, StepsGoOutsideInAndChangeSomething) {
    grader::View view;
    view.hidden = {"/nowhere/home", "/nowhere/home/u/course/solutions",
                   "/nowhere/home/u/course/build", "/nowhere/home/u/course/build/bin",
                   "/nowhere/srv/elsewhere"};
    view.shown = {"/nowhere/home/u/course", "/nowhere/srv/visible"};
    auto steps =
        grader::plan_view(view, "/nowhere/home/u/course/build/bin/lab01_tests", "/tmp/grader-1");
    EXPECT_EQ(describe(steps),
              "hide /nowhere/home\n"
              "write /tmp/grader-1\n"
              "hide /nowhere/srv/elsewhere\n"
              "show /nowhere/home/u/course\n"
              "hide /nowhere/home/u/course/solutions\n"
              "hide /nowhere/home/u/course/build\n"
              "show /nowhere/home/u/course/build/bin/lab01_tests\n");
}

// Tests that a compile starting in a hidden build tree gets an empty folder there to
// start in (inside the hidden batch work folder too), and that it does not hide the
// program shown below it.
TEST(ViewTest, AStartingFolderUnderAHiddenOneIsMadeToExist) {
    grader::View view;
    view.hidden = {"/nowhere/work", "/nowhere/work/alice/build"};
    view.shown = {"/nowhere/work/alice/labs"};
    auto steps = grader::plan_view(view, "/nowhere/work/alice/build/bin/tests", "/tmp/s",
                                   "/nowhere/work/alice/build");
    EXPECT_EQ(describe(steps),
              "hide /nowhere/work\n"
              "write /tmp/s\n"
              "show /nowhere/work/alice/labs\n"
              "folder /nowhere/work/alice/build\n"
              "show /nowhere/work/alice/build/bin/tests\n");
    // Where nothing hides it, the starting folder is there already: no step.
    EXPECT_EQ(describe(grader::plan_view({}, "/usr/bin/c++", "/tmp/s", "/srv/build")),
              "write /tmp/s\n");
}

// Tests that a folder on the way to the course that others may not enter (a clone in a
// private folder, a `mktemp -d` folder) is hidden and the way shown again, so that nobody
// can reach the course; a closed folder the program does not need stays as it is.
TEST(ViewTest, AClosedFolderOnTheWayIsHiddenAndTheWayShown) {
    // Not under /tmp: the sandbox's /tmp is its own, so no step shows there.
    auto parent = harness_tests::folder_outside_private_tmp();
    if (parent.empty())
        GTEST_SKIP() << "no folder outside /tmp and /dev/shm to make the closed folder in";
    hsys::TempDir closed(std::filesystem::path(parent), "view-test");
    auto base = closed.path().string();  // mkdtemp made it 0700
    std::filesystem::create_directories(base + "/course/labs");
    std::filesystem::create_directories(base + "/course/private");
    ASSERT_EQ(::chmod((base + "/course/private").c_str(), 0700), 0);
    grader::View view;
    view.shown = {base + "/course"};
    auto steps = grader::plan_view(view, base + "/course/labs", "/tmp/s");
    EXPECT_EQ(describe(steps), "write /tmp/s\nhide " + base + "\nshow " + base + "/course\n");
}

// Tests that a program under /tmp (the sandbox's private /tmp) is shown again.
TEST(ViewTest, AProgramUnderTmpIsShownAgain) {
    auto steps = grader::plan_view({}, "/tmp/build/bin/tests", "/tmp/grader-1");
    EXPECT_EQ(describe(steps), "write /tmp/grader-1\nshow /tmp/build/bin/tests\n");
}

// Tests that the object and dependency files go to the scratch folder, and come back where
// the build wants them (relative to where it runs the compiler).
TEST(CompileCommandTest, OutputsGoToScratchAndComeBack) {
    auto compile = grader::redirect_outputs({"/usr/bin/c++", "-Ilabs", "-MD", "-MT", "x.o", "-MF",
                                             "x.o.d", "-o", "dir/x.o", "-c", "/src/labs/x.cpp"},
                                            "/scratch", "/build");
    EXPECT_EQ(compile.argv,
              (std::vector<std::string>{"/usr/bin/c++", "-Ilabs", "-MD", "-MT", "x.o", "-c",
                                        "/src/labs/x.cpp", "-o", "/scratch/output.o", "-MF",
                                        "/scratch/output.d"}));
    ASSERT_EQ(compile.outputs.size(), 2u);
    EXPECT_EQ(compile.outputs[0].second, "/build/dir/x.o");
    EXPECT_EQ(compile.outputs[1].second, "/build/x.o.d");
    EXPECT_EQ(compile.source, "/src/labs/x.cpp");
}

// Tests that -MD without -MF names the dependency file after the object, and its rule
// after the real object (not the scratch copy).
TEST(CompileCommandTest, DependencyFileWithoutMfIsNamedAfterTheObject) {
    auto compile = grader::redirect_outputs({"g++", "-MD", "-c", "a.cpp", "-oobj/a.o"}, "/s", "/b");
    EXPECT_EQ(compile.argv,
              (std::vector<std::string>{"g++", "-MD", "-c", "a.cpp", "-o", "/s/output.o", "-MF",
                                        "/s/output.d", "-MT", "obj/a.o"}));
    EXPECT_EQ(compile.outputs.at(1).second, "/b/obj/a.d");
    EXPECT_THROW(grader::redirect_outputs({"g++", "@args.rsp"}, "/s", "/b"), std::invalid_argument);
}

// Tests reading one counter of a flat-keyed cgroup file.
TEST(CgroupTest, ReadsACounter) {
    std::string events = "low 0\nhigh 0\nmax 12\noom 3\noom_kill 2\noom_group_kill 0\n";
    EXPECT_EQ(grader::cgroup_counter(events, "oom_kill"), 2u);
    EXPECT_EQ(grader::cgroup_counter(events, "max"), 12u);
    EXPECT_EQ(grader::cgroup_counter(events, "oom_group"), 0u);
}

// Writes @p text into @p path, folders included.
void write(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

// Tests that the view of a build whose lab has hidden tests hides, from the manifest and
// lab.json only, the hidden source, the lab.json naming them, the hidden program and the
// folder of the hidden objects, and not the visible program; and that the fallback's
// list of files to close is the same.
TEST(ViewTest, HidesEverythingOfHiddenTests) {
    hsys::TempDir dir("view-test");
    auto root = dir.path();
    auto lab = root / "labs" / "01-lab";
    auto build = root / "build";
    auto objects = build / "CMakeFiles" / "lab01_hidden_test_objects.dir" / "a_hidden_test.cpp.o";
    for (const auto& file : {lab / "a_test.cpp", lab / "a_hidden_test.cpp", objects,
                             build / "bin" / "lab01_tests", build / "bin" / "lab01_hidden_tests"})
        write(file, "x");
    write(lab / "lab.json", R"({"id": "01", "title": "A lab", "lesson": "01-lab.md",
        "sources": ["a.cpp"], "test_files": ["a_test.cpp", "a_hidden_test.cpp"],
        "hidden_test_files": ["a_hidden_test.cpp"],
        "tasks": [{"task": 1, "title": "One", "section": "one",
                   "tests": ["A.One", {"name": "A.Secret", "hidden": true}]}]})");
    write(root / "m.json", R"({"source_dir": ")" + root.string() +
                               R"(", "build_dir": "/nonexistent",
        "labs": [{"dir": ")" + lab.string() +
                               R"(", "slug": "01-lab", "metadata": ")" +
                               (lab / "lab.json").string() + R"(",
        "student": {"target": "lab01_tests", "executable": ")" +
                               (build / "bin" / "lab01_tests").string() + R"("},
        "hidden": {"student": {"target": "lab01_hidden_tests", "executable": ")" +
                               (build / "bin" / "lab01_hidden_tests").string() + R"("},
                   "objects": ")" +
                               objects.string() + R"("}}]})");
    auto layout = grader::read_course_layout((root / "m.json").string());
    auto hidden = grader::student_view(layout).hidden;
    auto hides = [&](const std::filesystem::path& path) {
        return std::find(hidden.begin(), hidden.end(), path.string()) != hidden.end();
    };
    EXPECT_TRUE(hides(lab / "a_hidden_test.cpp"));
    EXPECT_TRUE(hides(lab / "lab.json"));
    EXPECT_TRUE(hides(build / "bin" / "lab01_hidden_tests"));
    EXPECT_TRUE(hides(objects.parent_path()));
    EXPECT_FALSE(hides(build / "bin" / "lab01_tests"));
    EXPECT_FALSE(hides(lab / "a_test.cpp"));
    EXPECT_EQ(grader::object_folder(objects.string()), objects.parent_path().string());
}

}  // namespace
