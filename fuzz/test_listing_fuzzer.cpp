// Fuzzes the reading of a test program's listing of its tests (grader::parse_test_listing):
// GoogleTest's `--gtest_list_tests` when the first byte is even, Catch2's
// `--list-test-names-only` when it is odd.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "grade/grade.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    std::string output(reinterpret_cast<const char*>(data) + 1, size - 1);
    auto listing = grader::parse_test_listing((data[0] & 1) ? "catch2" : "gtest", output);
    for (const auto& name : listing.names) {
        if (name.empty() || name.size() > grader::kMaxTestName)
            std::abort();
    }
    if (*listing.problem != '\0' && !listing.names.empty())
        std::abort();
    return 0;
}
