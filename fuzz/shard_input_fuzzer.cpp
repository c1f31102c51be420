// Fuzzes what `grader merge` reads of a shard's work folder, which another machine wrote
// and a copy may have damaged: its shard.json (grader::parse_shard_record, first byte 0) and
// its gradebook.csv (grader::parse_gradebook, first byte 1). The only exception either may
// throw is the documented std::runtime_error.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "batch/shards.hpp"
#include "reports/gradebook.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        if (data[0] % 2 == 0)
            grader::parse_shard_record(text);
        else
            grader::parse_gradebook(text);
    } catch (const std::runtime_error&) {
    }
    return 0;
}
