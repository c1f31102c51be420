// The fixture's tests: one undeclared, one declared but only in a comment and a string.
#include <gtest/gtest.h>

// TEST(ThingTest, NeverDefined) is declared in lab.json, but only mentioned here.
TEST(ThingTest, Declared) {
    EXPECT_STREQ("TEST(ThingTest, NeverDefined)", "TEST(ThingTest, NeverDefined)");
}

TEST(ThingTest, DefinedOnOneLine) {
    SUCCEED();
}

TEST(ThingTest, Undeclared) {}
