// Fuzzes the grader's reading of a test's result channel: harness::channel::open() and
// grader::read_sealed_result(), under a fixed secret.
//
// The first byte chooses how the rest is used:
//   even: the rest is the channel's bytes as they came (forged frames, lengths, tags);
//   odd:  the rest is payloads separated by newlines, which this target seals itself in
//         order, so that every record is authentic and what is fuzzed is the checking of
//         the records' JSON (kinds, fields, types, order).
// Whatever the bytes, the reader must return, never throw or read out of bounds, and a
// result it calls sound must be whole (begin, result, end).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_secret.hpp"
#include "harness/result_channel.hpp"
#include "results/sealed_results.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    const auto& secret = course_fuzz::secret();
    std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::string stream;
    if ((data[0] & 1) == 0) {
        stream.assign(rest);
    } else {
        std::uint64_t seq = 0;
        for (std::size_t at = 0; at <= rest.size();) {
            auto end = rest.find('\n', at);
            if (end == std::string_view::npos)
                end = rest.size();
            stream += harness::channel::seal(secret, seq++, rest.substr(at, end - at));
            at = end + 1;
        }
    }
    auto opened = harness::channel::open(secret, stream);
    if (opened.payloads.size() > stream.size())
        std::abort();  // more records than bytes: open() read what is not there
    auto result =
        grader::read_sealed_result(stream, stream.size(), 512 * 1024, secret, course_fuzz::kTest);
    if (result.integrity.empty() && result.passed && !(result.began && result.found))
        std::abort();  // a pass the records never announced
    if (result.ended && (result.end_code < 0 || result.end_code > 255))
        std::abort();  // an exit code no process has
    return 0;
}
