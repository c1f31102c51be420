// Fuzzes the decoding of the sandbox child's report pipe (grader/sandbox/child_reports.hpp):
// fixed-size ChildReport records whose texts, errno and wait status are checked before use.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sandbox/child_reports.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto reports = grader::child::decode_child_reports(bytes);
    if (reports.failed && reports.failure.empty())
        std::abort();  // a failure with no words (only when out of memory)
    if (reports.leftovers < 0)
        std::abort();
    return 0;
}
