// The template lab's visible tests, in Catch2 (v2 or v3): one TEST_CASE per lab.json
// test, named exactly as lab.json lists it. harness_catch2_main fails any test case that
// leaves a child behind.
#include <unistd.h>

#if __has_include(<catch2/catch_test_macros.hpp>)
#include <catch2/catch_test_macros.hpp>  // Catch2 v3
#else
#include <catch2/catch.hpp>  // Catch2 v2
#endif

#include "waiter.hpp"

// Tests that a child's return value comes back as its exit code.
TEST_CASE("Exit code of a child that returns") {
    INFO(
        "the child returned 7: exit_code_of must return its exit code, 7 "
        "(see lessons/04-wait-and-zombies.md#reaping)");
    CHECK(proc::exit_code_of([] { return 7; }) == 7);
}

// Tests that a child ending itself with _exit is waited for too.
TEST_CASE("Exit code a child passes to _exit") {
    INFO("the child called _exit(3) (see lessons/04-wait-and-zombies.md#reaping)");
    CHECK(proc::exit_code_of([]() -> int { ::_exit(3); }) == 3);
}
