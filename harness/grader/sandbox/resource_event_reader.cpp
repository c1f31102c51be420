// Decoding the resource events a test program wrote (resource_event_reader.hpp).
#include "sandbox/resource_event_reader.hpp"

#include <algorithm>

#include "harness/resource_events.hpp"

namespace grader {
namespace {

// Why @p line (without its newline) is not `EVENT CALL` ("" when it is); sets @p events'
// flag for its event.
std::string_view apply_event_line(std::string_view line, ResourceEvents& events) noexcept {
    auto space = line.find(' ');
    if (space == std::string_view::npos)
        return "the resource events descriptor holds a line without an event and a call";
    std::string_view event = line.substr(0, space), call = line.substr(space + 1);
    if (call.empty() || call.size() > kMaxEventCall)
        return "the resource events descriptor holds a line whose call is empty or too long";
    bool printable =
        std::all_of(call.begin(), call.end(), [](char c) { return c >= ' ' && c <= '~'; });
    if (!printable)
        return "the resource events descriptor holds a line whose call is not printable text";
    if (event == harness::kOutOfMemoryEvent)
        events.out_of_memory = true;
    else if (event == harness::kTooManyProcessesEvent)
        events.too_many_processes = true;
    else
        return "the resource events descriptor holds an event of an unknown kind";
    return "";
}

}  // namespace

ResourceEvents decode_resource_events(std::string_view bytes, bool cut) noexcept {
    ResourceEvents events;
    for (std::size_t at = 0; at < bytes.size();) {
        auto end = bytes.find('\n', at);
        if (end == std::string_view::npos) {
            if (!cut)  // each line is one write smaller than PIPE_BUF: never half there
                events.problem = "the resource events end inside a line";
            break;
        }
        events.problem = apply_event_line(bytes.substr(at, end - at), events);
        if (!events.problem.empty())
            break;
        at = end + 1;
    }
    return events;
}

}  // namespace grader
