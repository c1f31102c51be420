// Tests of a class graded in shards (grader/batch/shards.hpp): the split, shard.json, the strict
// reading of a shard's gradebook, and what `grader merge` refuses. platforms.batch_shards
// grades a real class in shards; these need no grading: the shards are written here.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "batch/shards.hpp"
#include "course/file.hpp"
#include "hsys/temp_dir.hpp"
#include "reports/gradebook.hpp"

namespace {
namespace fs = std::filesystem;

// A class of seven whose names CSV must quote, sorted byte by byte.
const std::vector<std::string> kClass = {"Zoe",  "alice",      "bob",  "carol, late",
                                         "dave", "erin \"e\"", "frank"};

// A row of a gradebook of Lab 01 for @p student, worth @p score of 10.
grader::GradebookRow row_of(const std::string& student, double score) {
    grader::GradebookRow row;
    row.student = student;
    row.lab_scores["01"] = score;
    row.lab_max["01"] = 10;
    row.score = score;
    row.max_score = 10;
    row.verdicts["pass"] = static_cast<int>(score);
    row.verdicts["fail"] = 10 - static_cast<int>(score);
    row.status = "graded";
    row.flagged = score < 5 ? "lab 01: a flag, with a comma" : "";
    return row;
}

std::vector<grader::LabSpec> lab01() {
    grader::LabSpec lab;
    lab.id = "01";
    return {lab};
}

// Writes shard @p index of @p count of kClass in @p dir: its gradebook, shard.json, each of
// its students' folders, and a logs/ folder; as `grader batch --shard` would.
void write_shard(const fs::path& dir, int index, int count = 3) {
    grader::ShardRecord record;
    record.shard = {index, count};
    record.course = std::string(32, 'a');
    record.labs = {"01"};
    record.timeout_seconds = 1800;
    record.class_list = kClass;
    record.students = grader::students_of(kClass, record.shard);
    std::vector<grader::GradebookRow> rows;
    for (const auto& student : record.students) {
        rows.push_back(row_of(student, static_cast<double>(student.size() % 11)));
        fs::create_directories(dir / student / "reports");
        std::ofstream(dir / student / "reports" / "report.json") << "{\"of\": \"" << index << "\"}";
    }
    fs::create_directories(dir / "logs");
    std::ofstream(dir / "logs" / "slot-1.log") << "slot of shard " << index;
    grader::write_gradebook((dir / "gradebook.csv").string(), lab01(), rows, false);
    std::ofstream(dir / "shard.json") << grader::shard_record_json(record);
}

// The message merge_shards() refuses @p options with ("" when it merges them).
std::string refusal(const grader::MergeOptions& options) {
    try {
        grader::merge_shards(options);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

// Tests that --shard takes K/N with 1 <= K <= N and nothing else.
TEST(ShardTest, ParsesKOfNOnly) {
    auto shard = grader::parse_shard("2/3");
    ASSERT_TRUE(shard);
    EXPECT_EQ(shard->index, 2);
    EXPECT_EQ(shard->count, 3);
    EXPECT_TRUE(grader::parse_shard("1/1"));
    EXPECT_TRUE(grader::parse_shard("10000/10000"));
    for (const char* bad : {"", "3", "0/3", "4/3", "-1/3", "1/0", "1/3/5", "a/3", "1/3 ", " 1/3",
                            "+1/3", "1/10001", "99999999999/3", "1//3", "/3"})
        EXPECT_FALSE(grader::parse_shard(bad)) << bad;
}

// Tests that the shards of a class hold every student exactly once, for any number of
// shards, the i-th of the sorted class in shard i mod N + 1.
TEST(ShardTest, EveryStudentIsInExactlyOneShard) {
    for (int count = 1; count <= 9; ++count) {
        std::multiset<std::string> seen;
        for (int index = 1; index <= count; ++index) {
            auto mine = grader::students_of(kClass, {index, count});
            for (std::size_t j = 0; j < mine.size(); ++j)
                EXPECT_EQ(mine[j], kClass[j * static_cast<std::size_t>(count) +
                                          static_cast<std::size_t>(index - 1)]);
            seen.insert(mine.begin(), mine.end());
        }
        EXPECT_EQ(seen, std::multiset<std::string>(kClass.begin(), kClass.end())) << count;
    }
}

// Tests that the course's fingerprint follows the bytes of what grading depends on, and
// leaves out build folders.
TEST(ShardTest, FingerprintFollowsTheCourse) {
    hsys::TempDir dir("shard-test");
    fs::create_directories(dir.path() / "labs/01-x");
    fs::create_directories(dir.path() / "harness");
    std::ofstream(dir.path() / "labs/01-x/lab.json") << "{}";
    std::ofstream(dir.path() / "CMakeLists.txt") << "project(x)";
    auto first = grader::course_fingerprint(dir.path().string());
    EXPECT_EQ(first.size(), 32u);
    EXPECT_EQ(grader::course_fingerprint(dir.path().string()), first);
    fs::create_directories(dir.path() / "harness/build");
    std::ofstream(dir.path() / "harness/build/CMakeCache.txt") << "anything";
    std::ofstream(dir.path() / "lessons.md") << "not graded";
    EXPECT_EQ(grader::course_fingerprint(dir.path().string()), first);
    std::ofstream(dir.path() / "labs/01-x/lab.json") << "{} ";
    EXPECT_NE(grader::course_fingerprint(dir.path().string()), first);
}

// Tests that shard.json reads back as written, and that every malformed record is refused
// with a plain sentence.
TEST(ShardTest, RecordsReadBackAndMalformedOnesAreRefused) {
    grader::ShardRecord record;
    record.shard = {2, 3};
    record.course = std::string(32, 'f');
    record.labs = {"01", "04"};
    record.timeout_seconds = 900;
    record.deadline_seconds = 600.5;
    record.cmake_args = {"-DX=1"};
    record.class_list = kClass;
    record.students = grader::students_of(kClass, record.shard);
    auto text = grader::shard_record_json(record);
    auto read = grader::parse_shard_record(text);
    EXPECT_EQ(read.shard.index, 2);
    EXPECT_EQ(read.shard.count, 3);
    EXPECT_EQ(read.course, record.course);
    EXPECT_EQ(read.labs, record.labs);
    EXPECT_EQ(read.deadline_seconds, 600.5);
    EXPECT_EQ(read.class_list, kClass);
    EXPECT_EQ(read.students, record.students);
    auto with = [&](const std::string& from, const std::string& to) {
        auto changed = text;
        auto at = changed.find(from);
        EXPECT_NE(at, std::string::npos) << from;
        return at == std::string::npos ? changed : changed.replace(at, from.size(), to);
    };
    for (const auto& bad :
         {std::string(), std::string("[]"), std::string("{\"schema\": 1}"), text.substr(0, 40),
          with("batch-shard/1", "batch-shard/2"), with("\"shard\": 2", "\"shard\": 4"),
          with("\"shard\": 2", "\"shard\": 2.5"), with("\"shard\": 2", "\"shard\": \"2\""),
          with("\"shards\": 3", "\"shards\": 0"), with(std::string(32, 'f'), "fff"),
          with("\"01\"", "\"1\""), with("\"timeout\": 900", "\"timeout\": -1"),
          with("\"deadline\": 600.5", "\"deadline\": null"), with("\"Zoe\"", "\"../Zoe\""),
          with("\"Zoe\"", "\"zzz\""), with("\"Zoe\"", "\"alice\""), with("\"Zoe\"", "\"\""),
          with("\"students\": [", "\"students\": [\"Zoe\", "),
          with("\"students\"", "\"others\"")}) {
        try {
            grader::parse_shard_record(bad);
            ADD_FAILURE() << "accepted: " << bad;
        } catch (const std::runtime_error& e) {
            EXPECT_FALSE(std::string(e.what()).empty());
        }
    }
}

// Tests that a gradebook is read strictly: a malformed CSV is refused, a quoted field
// keeps its commas, quotes and line breaks.
TEST(ShardTest, GradebooksAreReadStrictly) {
    auto table = grader::parse_gradebook("student,a\n\"x, \"\"y\"\"\n2\",1\nz,\n");
    ASSERT_EQ(table.rows.size(), 2u);
    EXPECT_EQ(table.rows["x, \"y\"\n2"]["a"], "1");
    EXPECT_EQ(table.rows["z"]["a"], "");
    for (const char* bad : {"", "name,a\nx,1\n", "student,a\nx\n", "student,a\nx,1,2\n",
                            "student,a\n\"x,1\n", "student,a\nx\"y,1\n", "student,a\n\"x\"y,1\n",
                            "student,a\nx,1\nx,2\n", "student,a\n,1\n"}) {
        EXPECT_THROW(grader::parse_gradebook(bad), std::runtime_error) << bad;
    }
}

// Tests that three shards merged give, byte for byte, the gradebook one batch of the
// whole class writes, with every student's folder and each shard's logs.
TEST(ShardTest, MergedShardsAreTheWholeClassGradebook) {
    hsys::TempDir dir("shard-test");
    grader::MergeOptions merge;
    for (int k = 3; k >= 1; --k) {  // any order
        write_shard(dir.path() / ("shard-" + std::to_string(k)), k);
        merge.shards.push_back((dir.path() / ("shard-" + std::to_string(k))).string());
    }
    merge.work_dir = (dir.path() / "merged").string();
    merge.gradebook = (dir.path() / "merged" / "gradebook.csv").string();
    EXPECT_EQ(grader::merge_shards(merge), kClass.size());
    std::vector<grader::GradebookRow> rows;
    for (const auto& student : kClass)
        rows.push_back(row_of(student, static_cast<double>(student.size() % 11)));
    auto one = (dir.path() / "one.csv").string();
    grader::write_gradebook(one, lab01(), rows, false);
    EXPECT_EQ(course::read_file(merge.gradebook), course::read_file(one));
    for (const auto& student : kClass)
        EXPECT_TRUE(fs::exists(dir.path() / "merged" / student / "reports" / "report.json"));
    EXPECT_EQ(course::read_file((dir.path() / "merged/logs/shard-2/slot-1.log").string()),
              "slot of shard 2");
}

// Tests that a class split in more shards than it has students merges all the same: the
// shards without a student have a gradebook of its header alone.
TEST(ShardTest, MoreShardsThanStudentsMerge) {
    hsys::TempDir dir("shard-test");
    grader::MergeOptions merge;
    for (int k = 1; k <= 9; ++k) {
        write_shard(dir.path() / ("shard-" + std::to_string(k)), k, 9);
        merge.shards.push_back((dir.path() / ("shard-" + std::to_string(k))).string());
    }
    EXPECT_EQ(grader::students_of(kClass, {9, 9}).size(), 0u);
    merge.work_dir = (dir.path() / "merged").string();
    merge.gradebook = (dir.path() / "merged" / "gradebook.csv").string();
    EXPECT_EQ(grader::merge_shards(merge), kClass.size());
    EXPECT_EQ(grader::parse_gradebook(course::read_file(merge.gradebook)).rows.size(),
              kClass.size());
}

// Tests that merge refuses, saying why and writing nothing: a shard missing, a shard
// twice, shards of another course or class, a missing student's folder, a gradebook
// that disagrees with its shard.json, a folder that is no shard.
TEST(ShardTest, MergeRefusesShardsThatDoNotMakeOneClass) {
    hsys::TempDir dir("shard-test");
    std::vector<std::string> shard(4);
    for (int k = 1; k <= 3; ++k) {
        shard[static_cast<std::size_t>(k)] = (dir.path() / ("shard-" + std::to_string(k))).string();
        write_shard(shard[static_cast<std::size_t>(k)], k);
    }
    grader::MergeOptions merge;
    merge.work_dir = (dir.path() / "merged").string();
    merge.gradebook = (dir.path() / "merged" / "gradebook.csv").string();
    auto refused = [&](std::vector<std::string> shards, const std::string& why) {
        merge.shards = std::move(shards);
        auto message = refusal(merge);
        EXPECT_NE(message.find(why), std::string::npos)
            << "wanted: " << why << "\ngot: " << message;
        EXPECT_FALSE(fs::exists(merge.gradebook)) << why;
    };
    refused({}, "no shard to merge");
    refused({shard[1], shard[3]}, "shard 2/3 missing");
    refused({shard[1], shard[2], shard[3], shard[2]}, "shard 2/3 is given twice");
    refused({shard[1], shard[2], shard[3], (dir.path() / "nowhere").string()},
            "no readable shard.json");
    merge.shards = {shard[1], shard[2], shard[3]};
    EXPECT_EQ(refusal(merge), "");  // these merge
    fs::remove_all(dir.path() / "merged");

    auto other = (dir.path() / "other").string();
    fs::copy(shard[2], other, fs::copy_options::recursive);
    auto edit = [&](const std::string& file, const std::string& from, const std::string& to) {
        auto text = course::read_file(other + "/" + file);
        auto at = text.find(from);
        ASSERT_NE(at, std::string::npos) << from;
        std::ofstream(other + "/" + file, std::ios::trunc) << text.replace(at, from.size(), to);
    };
    edit("shard.json", std::string(32, 'a'), std::string(32, 'b'));
    refused({shard[1], other, shard[3]}, "differ in the course");
    edit("shard.json", std::string(32, 'b'), std::string(32, 'a'));
    edit("shard.json", "\"timeout\": 1800", "\"timeout\": 60");
    refused({shard[1], other, shard[3]}, "--timeout");
    edit("shard.json", "\"timeout\": 60", "\"timeout\": 1800");
    fs::remove_all(fs::path(other) / "alice");
    refused({shard[1], other, shard[3]}, "has no folder alice");
    fs::copy(fs::path(shard[2]) / "alice", fs::path(other) / "alice", fs::copy_options::recursive);
    edit("gradebook.csv", "\nalice,", "\nalicia,");
    refused({shard[1], other, shard[3]}, "has no row for alice");
    edit("gradebook.csv", "\nalicia,", "\nalice,");
    edit("gradebook.csv", "lab01_max", "lab02_max");
    refused({shard[1], other, shard[3]}, "its columns are not those");
    edit("gradebook.csv", "lab02_max", "lab01_max");
    std::ofstream(other + "/gradebook.csv", std::ios::app) << "\"never closed\n";
    refused({shard[1], other, shard[3]}, "is not a CSV file");
    merge.work_dir = shard[1];
    merge.gradebook = (dir.path() / "elsewhere.csv").string();
    refused({shard[1], shard[2], shard[3]}, "is a shard's own");
}

}  // namespace
