// Tests of the batch's cache of compiled student code (object_cache.hpp): what its keys
// leave out (the slot's folder) and what they keep (every byte compiled, the arguments,
// the compiler), and that a stored object comes back with its messages.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "compile/object_cache.hpp"
#include "hsys/io.hpp"
#include "hsys/temp_dir.hpp"

namespace {
namespace fs = std::filesystem;

struct ObjectCacheTest : ::testing::Test {
    hsys::TempDir dir{"object-cache-test"};
    grader::ObjectCache slot1{(dir.path() / "cache").string(), "/work/.slot-1"};
    grader::ObjectCache slot2{(dir.path() / "cache").string(), "/work/.slot-2"};
    std::string compiler = "/bin/sh";  // any file: its size and time are keyed
    std::vector<std::string> arguments = {"-O2", "-I/work/.slot-1/labs/01-process"};

    std::string key(const grader::ObjectCache& cache, const std::vector<std::string>& args,
                    const std::string& text) {
        auto found = grader::cache_key(cache, compiler, args, text);
        EXPECT_TRUE(found.has_value());
        return found.value_or("");
    }
};

// Tests that the root is replaced everywhere, and put back as another slot's.
TEST_F(ObjectCacheTest, LeavesOutTheRootAndPutsItBack) {
    auto left =
        grader::leave_out_root("# 1 \"/work/.slot-1/labs/a.cpp\" /work/.slot-1/", "/work/.slot-1");
    ASSERT_TRUE(left.has_value());
    EXPECT_EQ(left->find("/work/.slot-1"), std::string::npos);
    EXPECT_EQ(grader::put_back_root(*left, "/work/.slot-2"),
              "# 1 \"/work/.slot-2/labs/a.cpp\" /work/.slot-2/");
    // A text that already holds the marker cannot be told from a replaced root: not cached.
    EXPECT_FALSE(grader::leave_out_root(*left, "/work/.slot-1").has_value());
}

// Tests that the same text in two slots has one key, and that a byte of the text, an
// argument or the compiler changes it.
TEST_F(ObjectCacheTest, KeysWhatIsCompiledButNotWhere) {
    std::string text = "# 1 \"/work/.slot-1/labs/01-process/process.cpp\"\nint f() { return 1; }\n";
    std::string same_in_slot2 =
        "# 1 \"/work/.slot-2/labs/01-process/process.cpp\"\nint f() { return 1; }\n";
    std::vector<std::string> args2 = {"-O2", "-I/work/.slot-2/labs/01-process"};
    std::string first = key(slot1, arguments, text);
    EXPECT_EQ(first.size(), 32u);
    EXPECT_EQ(key(slot2, args2, same_in_slot2), first);
    EXPECT_NE(key(slot1, arguments, text + " "), first);
    EXPECT_NE(key(slot1, {"-O0", "-I/work/.slot-1/labs/01-process"}, text), first);
    EXPECT_NE(key(slot1, {"-O2", "-I/work/.slot-1/labs/02-hierarchy"}, text), first);
    // Arguments are keyed one by one: "-O2" "x" is not "-O2 x".
    EXPECT_NE(key(slot1, {"-O2 -I/work/.slot-1/labs/01-process"}, text), first);
    compiler = "/bin/true";
    EXPECT_NE(key(slot1, arguments, text), first);
}

// Tests that keys come from the cache's own secret: another cache keys the same text otherwise,
// and the secret (like the whole folder) is the grader's user's only.
TEST_F(ObjectCacheTest, KeysUnderTheCachesOwnSecret) {
    std::string text = "int f();\n";
    std::string first = key(slot1, arguments, text);
    grader::ObjectCache other{(dir.path() / "other").string(), "/work/.slot-1"};
    EXPECT_NE(key(other, arguments, text), first);
    EXPECT_EQ(key(slot1, arguments, text), first);  // read back, not made again
    struct stat info {};
    ASSERT_EQ(::stat(slot1.dir.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0700u);
    ASSERT_EQ(::stat((fs::path(slot1.dir) / "secret").c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
}

// Tests that a stored object is found by its key with its messages, in the root of the
// slot that asks, and that another key finds nothing.
TEST_F(ObjectCacheTest, StoresAndFindsAnObjectWithItsMessages) {
    std::string k = key(slot1, arguments, "int f();\n");
    EXPECT_FALSE(grader::find_cached(slot1, k).has_value());
    auto object = (dir.path() / "output.o").string();
    std::ofstream(object) << "an object";
    grader::store_cached(slot1, k, object, "/work/.slot-1/labs/a.cpp:1:5: warning: unused\n");
    auto found = grader::find_cached(slot2, k);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(hsys::read_file_bounded(found->object, 100), "an object");
    EXPECT_EQ(found->messages, "/work/.slot-2/labs/a.cpp:1:5: warning: unused\n");
    EXPECT_FALSE(grader::find_cached(slot1, key(slot1, arguments, "int g();\n")).has_value());
}

// Tests that what the cache never stores is a miss, never an object taken: an object that
// is a symbolic link, or missing, and a key that is not 32 hex digits.
TEST_F(ObjectCacheTest, WhatTheCacheNeverStoresIsAMiss) {
    std::string k = key(slot1, arguments, "int h();\n");
    auto object = (dir.path() / "output.o").string();
    std::ofstream(object) << "an object";
    grader::store_cached(slot1, k, object, "");
    ASSERT_TRUE(grader::find_cached(slot1, k).has_value());
    auto stored = fs::path(slot1.dir) / (k + ".o");
    fs::remove(stored);
    EXPECT_FALSE(grader::find_cached(slot1, k).has_value()) << "no object";
    fs::create_symlink("/etc/passwd", stored);
    EXPECT_FALSE(grader::find_cached(slot1, k).has_value()) << "a link";
    EXPECT_FALSE(grader::find_cached(slot1, "../../etc/passwd").has_value());
    EXPECT_FALSE(grader::find_cached(slot1, k.substr(1)).has_value());
}

}  // namespace
