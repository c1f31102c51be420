// Hostile submission (found by a red team): the stub, each todo() preceded by a throw of an
// exception whose type information is a copy of a real one (so the inspection of the
// compiled code sees nothing but ordinary throws) renamed as GoogleTest's AssertionException
// or Catch2's TestFailureException, which their handlers take for their own "already
// reported" exception and end the test quietly. The test main's check of every catch
// (catch_guard.hpp) sees a framework's exception no honest test throws: integrity.
#include <cxxabi.h>

#include <cstring>
#include <typeinfo>

#include "course/todo.hpp"

namespace {

struct Quiet {};
struct Info {
    const void* table;
    const char* label;
};
Info quiet_info;
char quiet_label[64];

// Throws the renamed copy: GoogleTest's name for a GoogleTest lab, else Catch2's.
void stop_here() {
    const char* parts[] = {"N7", "tes", "ting", "18", "Asser", "tion", "Exc", "eption", "E"};
    const char* catch2[] = {"N5", "Cat", "ch", "20", "TestFailure", "Exc", "eption", "E"};
#ifdef HOSTILE_CATCH2
    for (const char* part : catch2)
        std::strcat(quiet_label, part);
    (void)parts;
#else
    for (const char* part : parts)
        std::strcat(quiet_label, part);
    (void)catch2;
#endif
    std::memcpy(&quiet_info, &typeid(Quiet), sizeof quiet_info);
    quiet_info.label = quiet_label;
    void* thrown = abi::__cxa_allocate_exception(sizeof(Quiet));
    abi::__cxa_throw(thrown, reinterpret_cast<std::type_info*>(&quiet_info), nullptr);
}

}  // namespace

// Every todo() of the stub below throws the copy first (course/todo.hpp is already read).
#define todo(...) todo((stop_here(), __VA_ARGS__))
#include "stub.inc"
