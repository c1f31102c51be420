// Fuzzes the judging of a test (grader::judge) on what the test process controls: its
// console output, its failure message, its resource events and how it ended. The input
// is: 4 bytes of wait status, 1 byte of flags (timed out, sealed, began, found, passed,
// skipped, ended, the events cut), then the output, the message and the events, separated
// by NUL bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "results/verdict.hpp"

namespace {

// The next NUL-separated part of @p rest (all of it when there is no NUL).
std::string next_part(std::string_view& rest) {
    auto end = rest.find('\0');
    std::string part(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    return part;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 5)
        return 0;
    grader::Outcome run;
    run.started = true;
    std::memcpy(&run.raw_status, data, 4);
    std::uint8_t flags = data[4];
    run.timed_out = flags & 1;
    grader::FrameworkResult reported;
    reported.sealed = flags & 2;
    reported.began = flags & 4;
    reported.found = flags & 8;
    reported.passed = flags & 16;
    reported.skipped = flags & 32;
    reported.ended = flags & 64;
    run.resource_events_cut = flags & 128;
    reported.end_code = run.raw_status & 0xff;
    std::string_view rest(reinterpret_cast<const char*>(data) + 5, size - 5);
    run.output = next_part(rest);
    run.output_bytes = run.output.size();
    reported.message = next_part(rest);
    run.resource_events = next_part(rest);
    grader::TestSpec spec;
    spec.name = "ProcessTest.ReadsItsOwnPid";
    spec.task = 1;
    grader::LabSpec lab;
    lab.id = "01";
    auto result = grader::judge(spec, lab, run, reported);
    if (result.verdict == grader::Verdict::pass && (!reported.passed || run.timed_out))
        std::abort();  // a pass the test never reported, or after its time
    return 0;
}
