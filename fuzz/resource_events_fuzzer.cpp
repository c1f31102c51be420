// Fuzzes the decoding of a test program's resource events
// (grader/sandbox/resource_event_reader.hpp): the descriptor is the test process's, so its code may
// write any bytes there. The first byte says whether the grader's read was cut at its cap.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sandbox/resource_event_reader.hpp"
#include "sandbox/sandbox.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    auto events = grader::decode_resource_events(bytes, (data[0] & 1) != 0);
    grader::Outcome run;
    run.resource_events.assign(bytes);
    run.resource_events_cut = (data[0] & 1) != 0;
    if (run.resource_event("out-of-memory") != events.out_of_memory)
        std::abort();  // the verdict and the integrity check must read the bytes alike
    return 0;
}
