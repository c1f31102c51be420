/// @file
/// @brief The fixture of the harness's tests that run the grader in-process.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include "harness/testsupport.hpp"
#include "hsys/reap.hpp"
#include "sandbox/sandbox.hpp"

/// Makes the test process a subreaper (as the grader is) and checks, after each test,
/// that grading left no process behind.
class SubreaperTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { hsys::become_subreaper(); }
    void TearDown() override {
        EXPECT_TRUE(harness::children_of(::getpid()).empty()) << "the grader left a process";
    }
};
