// Fuzzes the readers of a compiler's log (grader::first_compiler_error and
// grader::compiler_warnings): the log is the compiler's account of the student's code, as
// long and as strange as that code makes it. Paths name a course at /course that does
// not exist here: the readers must cope with files they cannot find.
#include <cstddef>
#include <cstdint>
#include <string>

#include "grade/grade.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string log(reinterpret_cast<const char*>(data), size);
    auto quotable = grader::QuotableFiles::of_course("/course");
    quotable.build_dir = "/course/build";
    quotable.except = {"/course/labs/01-process/hidden_test.cpp"};
    auto error = grader::first_compiler_error(log, quotable);
    auto warnings = grader::compiler_warnings(log, quotable, "/course/labs/01-process");
    (void)error;
    (void)warnings;
    return 0;
}
