// Fuzzes the gradebook's reading of a student's report.json (grader::parse_report): written
// by a grader process that graded student code, so read as untrusted text. The only
// exception it may throw is the documented std::runtime_error.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "reports/gradebook.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    grader::GradebookRow row;
    try {
        grader::parse_report(text, row);
    } catch (const std::runtime_error&) {
    }
    return 0;
}
