// Hostile submission: the untouched stub, and code that calls the course's own record
// writer to send a passing result, declared as a student would (the namespace spread over
// lines; the mangled name with C linkage). The writer has internal linkage: the program
// does not link, and the inspection of the compiled code names the reference (integrity).
#include "stub.inc"

#include <cstddef>
#include <string_view>

namespace harness {
namespace channel {
bool send(std::string_view payload) noexcept;
}
}  // namespace harness

extern "C" bool _ZN7harness7channel4sendESt17basic_string_viewIcSt11char_traitsIcEE(
    std::size_t size, const char* data);

namespace {

struct Forger {
    Forger() {
        harness::channel::send(R"({"kind":"result","outcome":"pass"})");
        _ZN7harness7channel4sendESt17basic_string_viewIcSt11char_traitsIcEE(2, "{}");
    }
} forger;

}  // namespace
