// Tests of harness_labmeta, the one reader of lab.json: the course's own labs read, the
// fields the grader and the weaver rely on, and every broken file of
// harness/labmeta/tests/broken/ refused with a message naming the file.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "course/file.hpp"
#include "hsys/temp_dir.hpp"
#include "labmeta/lab.hpp"
#include "labmeta/manifest.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path kSource = COURSE_SOURCE_DIR;

// A minimal valid lab.json, with @p task_tests as the one task's "tests".
std::string lab_json(const std::string& task_tests, const std::string& extra = "") {
    return R"({"id": "42", "title": "T", "lesson": "42-t.md", "sources": ["t.cpp"],)"
           R"( "test_files": ["t_test.cpp", "t_hidden_test.cpp"])" +
           extra + R"(, "tasks": [{"task": 1, "title": "One", "section": "one", "tests": )" +
           task_tests + "}]}";
}

// Tests that every lab of the course reads, with its tests, tasks and test files.
TEST(LabMetaTest, ReadsEveryLabOfTheCourse) {
    auto labs = labmeta::discover_labs(kSource / "labs");
    ASSERT_GE(labs.size(), 7u);
    for (const auto& lab : labs) {
        EXPECT_EQ(lab.slug.substr(0, 2), lab.id) << lab.dir;
        EXPECT_FALSE(lab.test_files.empty()) << lab.dir;
        EXPECT_FALSE(lab.tests.empty()) << lab.dir;
        for (const auto& test : lab.tests)
            EXPECT_NE(lab.task(test.task), nullptr) << test.name;
    }
}

// Tests that a program's name and aliases come from lab.json (Lab 06's `progress`).
TEST(LabMetaTest, ProgramsCarryTheirAliases) {
    auto lab = labmeta::load_lab(kSource / "labs" / "06-progress");
    ASSERT_EQ(lab.programs.size(), 1u);
    EXPECT_EQ(lab.programs[0].source, "progress.cpp");
    EXPECT_EQ(lab.programs[0].name, "progress");
    EXPECT_EQ(lab.programs[0].aliases, std::vector<std::string>{"progress"});
}

// Tests that a test entry is a name or an object, and that may_skip, points and hidden
// are read from the object.
TEST(LabMetaTest, TestEntriesAreNamesOrObjects) {
    auto lab = labmeta::parse_lab_json(
        lab_json(R"(["T.Plain", {"name": "T.Skips", "may_skip": "no psutil here"},)"
                 R"( {"name": "T.Secret", "hidden": true, "points": 3}])",
                 R"(, "hidden_test_files": ["t_hidden_test.cpp"])"),
        "labs/42-t");
    ASSERT_EQ(lab.tests.size(), 3u);
    EXPECT_EQ(lab.tests[0].name, "T.Plain");
    EXPECT_EQ(lab.tests[0].may_skip, "");
    EXPECT_EQ(lab.tests[1].may_skip, "no psutil here");
    EXPECT_TRUE(lab.tests[2].hidden);
    EXPECT_EQ(lab.tests[2].points, 3);
    EXPECT_EQ(lab.slug, "42-t");
    EXPECT_EQ(lab.hidden_test_files, std::vector<std::string>{"t_hidden_test.cpp"});
}

// Tests Gradescope's visibility: the lab's for its tests, a test's own over it, hidden for
// a hidden test; a hidden test shown to students, or a visibility Gradescope lacks, refused.
TEST(LabMetaTest, VisibilityIsTheTestsOwnElseTheLabs) {
    auto lab = labmeta::parse_lab_json(
        lab_json(R"(["T.Plain", {"name": "T.Now", "visibility": "visible"},)"
                 R"( {"name": "T.Secret", "hidden": true}])",
                 R"(, "hidden_test_files": ["t_hidden_test.cpp"], "visibility": "after_due_date")"),
        "labs/42-t");
    EXPECT_EQ(lab.visibility, "after_due_date");
    EXPECT_EQ(lab.tests[0].visibility, "after_due_date");
    EXPECT_EQ(lab.tests[1].visibility, "visible");
    EXPECT_EQ(lab.tests[2].visibility, "hidden");
    EXPECT_EQ(labmeta::parse_lab_json(lab_json(R"(["T.Plain"])"), "labs/42-t").tests[0].visibility,
              "visible");
    for (const char* broken : {R"([{"name": "T.Secret", "hidden": true, "visibility": "visible"}])",
                               R"([{"name": "T.Odd", "visibility": "sometimes"}])"}) {
        EXPECT_THROW(
            labmeta::parse_lab_json(
                lab_json(broken, R"(, "hidden_test_files": ["t_hidden_test.cpp"])"), "labs/42-t"),
            std::runtime_error)
            << broken;
    }
}

// Tests that the course's declared skips are read: each names why it may skip.
TEST(LabMetaTest, DeclaredSkipsOfTheCourse) {
    auto labs = labmeta::discover_labs(kSource / "labs");
    std::vector<std::string> may_skip;
    for (const auto& lab : labs) {
        for (const auto& test : lab.tests) {
            if (!test.may_skip.empty())
                may_skip.push_back(test.name);
        }
    }
    EXPECT_EQ(may_skip,
              (std::vector<std::string>{"PsutilAgreementTest.SelfAndChildrenAgreeWithPsutil",
                                        "WaitTest.RetriesAfterEintr",
                                        "EnvironmentReadTest.OfProcessRefusedIsAccessError"}));
}

// Tests that what a schema cannot say is refused too: a test declared twice.
TEST(LabMetaTest, RefusesATestDeclaredTwice) {
    try {
        labmeta::parse_lab_json(lab_json(R"(["T.Same", "T.Same"])"), "labs/42-t");
        FAIL() << "a test declared twice was accepted";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("labs/42-t/lab.json: test T.Same is declared twice"),
                  std::string::npos)
            << e.what();
    }
}

// Tests that "uses" is read with what each use is and which tasks need it, that a lab's
// tasks that need nothing say so, and that the labs to grade again after Lab 03 changes are
// 03 and every lab that builds on it, through another lab too (08 links 03 and 04).
TEST(LabMetaTest, UsesSayWhichTasksOfWhichLabs) {
    auto labs = labmeta::discover_labs(kSource / "labs");
    auto wait = std::find_if(labs.begin(), labs.end(), [](const auto& l) { return l.id == "04"; });
    ASSERT_NE(wait, labs.end());
    ASSERT_GE(wait->uses.size(), 1u);
    EXPECT_EQ(wait->uses[0].lab, "03");
    EXPECT_EQ(wait->uses[0].task, 1);
    EXPECT_EQ(wait->uses[0].what, "spawn");
    EXPECT_FALSE(wait->uses[0].used_by(1)) << "decoding a raw status spawns nothing";
    EXPECT_TRUE(wait->uses[0].used_by(2));
    EXPECT_EQ(labmeta::labs_built_on(labs, "03"),
              (std::vector<std::string>{"03", "04", "07", "08"}));
    EXPECT_EQ(labmeta::labs_built_on(labs, "06"), (std::vector<std::string>{"06", "07"}));
    EXPECT_EQ(labmeta::labs_built_on(labs, "05"), (std::vector<std::string>{"05"}));
}

// Tests that a use the course cannot honour is refused, naming the file: a task of this lab
// in "needed_by" it does not have, and (check_uses) a task the other lab does not have.
TEST(LabMetaTest, RefusesAUseOfNothing) {
    const std::string uses = R"(, "depends": ["41"], "uses": [{"lab": "41", "task": 2, )"
                             R"("what": "w", "needed_by": [7]}])";
    try {
        labmeta::parse_lab_json(lab_json(R"(["T.One"])", uses), "labs/42-t");
        FAIL() << "a use needed by a task the lab does not have was accepted";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("names task 7, which this lab does not have"),
                  std::string::npos)
            << e.what();
    }
    auto lab = labmeta::parse_lab_json(
        lab_json(R"(["T.One"])", R"(, "depends": ["41"], "uses": [{"lab": "41", "task": 2, )"
                                 R"("what": "w"}])"),
        "labs/42-t");
    auto other = labmeta::parse_lab_json(lab_json(R"(["T.Other"])"), "labs/41-o");
    other.id = "41";
    try {
        labmeta::check_uses({other, lab});
        FAIL() << "a use of a task the other lab does not have was accepted";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()),
                  "labs/42-t/lab.json: \"uses\" names Lab 41 Task 2, but Lab 41 has no task 2");
    }
}

// Tests that every broken file the schema check rejects is refused by the reader too,
// with a message that starts with the file's name.
TEST(LabMetaTest, RefusesEveryBrokenFile) {
    int files = 0;
    for (const auto& entry : fs::directory_iterator(kSource / "harness/labmeta/tests/broken")) {
        ++files;
        try {
            labmeta::parse_lab_json(course::read_file(entry.path().string()), "labs/01-broken");
            ADD_FAILURE() << entry.path() << " was accepted";
        } catch (const std::runtime_error& e) {
            EXPECT_EQ(std::string(e.what()).rfind("labs/01-broken/lab.json: ", 0), 0u) << e.what();
        }
    }
    EXPECT_GE(files, 5);
}

// Tests that a lab.json of the old format says what the key is called now.
TEST(LabMetaTest, OldKeyNamesItsNewName) {
    try {
        labmeta::parse_lab_json(
            course::read_file(
                (kSource / "harness/labmeta/tests/broken/old-tests-key.json").string()),
            "labs/01-old");
        FAIL() << "the old \"tests\" key was accepted";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("\"test_files\""), std::string::npos) << e.what();
    }
}

// Tests that the course's layout comes from the manifest alone: labs_root() is the folder
// holding labs_dir (a trailing slash aside), the folders default to source_dir's, and
// load_manifest_layout() reads them without any lab.json (none exists here).
TEST(LabMetaTest, LayoutComesFromTheManifest) {
    hsys::TempDir dir("labmeta-layout");
    auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream(dir.path() / name) << text;
        return (dir.path() / name).string();
    };
    auto given = labmeta::load_manifest_layout(
        write("given.json", R"({"source_dir": "/c", "build_dir": "/c/build",
            "labs_dir": "/w/student/labs/", "solutions_dir": "/s", "sandbox_hide": ["/w"],
            "labs": [{"dir": "/nowhere/01-x", "metadata": "/nowhere/01-x/lab.json"}]})"));
    EXPECT_EQ(given.labs_dir, "/w/student/labs/");
    EXPECT_EQ(given.labs_root(), "/w/student");
    EXPECT_EQ(given.solutions_dir, "/s");
    EXPECT_EQ(given.sandbox_hide, std::vector<std::string>{"/w"});
    EXPECT_TRUE(given.labs.empty());
    auto defaults = labmeta::load_manifest_layout(
        write("defaults.json", R"({"source_dir": "/c", "build_dir": "/c/build", "labs": []})"));
    EXPECT_EQ(defaults.labs_dir, "/c/labs");
    EXPECT_EQ(defaults.solutions_dir, "/c/solutions");
    EXPECT_EQ(defaults.labs_root(), "/c");
}

}  // namespace
