// Fuzzes the review of a student's source (grader::review_text): the text is the student's,
// any bytes at all, and the notes it yields are shown to instructors.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compile/source_review.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    auto notes = grader::review_text("labs/01-process/process.cpp", text);
    (void)notes;
    return 0;
}
