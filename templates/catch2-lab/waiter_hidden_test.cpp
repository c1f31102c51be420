// The template lab's hidden tests: graded, shown to instructors only, and removed (this
// file and its lab.json entries) from the student release. lab.json lists this file in
// both "test_files" and "hidden_test_files": it is built into a program of its own
// (labNN_hidden_tests), never into the one that runs the visible tests.
#include <unistd.h>

#if __has_include(<catch2/catch_test_macros.hpp>)
#include <catch2/catch_test_macros.hpp>  // Catch2 v3
#else
#include <catch2/catch.hpp>  // Catch2 v2
#endif

#include "waiter.hpp"

// Tests every exit code a process can report, not just small ones.
TEST_CASE("Every exit code from 0 to 255 comes back") {
    for (int code = 0; code < 256; code += 51) {
        INFO("the child exited with " << code);
        CHECK(proc::exit_code_of([code] { return code; }) == code);
    }
}
