// Hostile submission (found by a red team): the untouched stub, and an exception type of its
// own making whose type information says "yes" when a handler asks for GoogleTest's
// AssertionException or Catch2's TestFailureException (their "already reported" exceptions,
// which end a test quietly), thrown from the C++ library's own std::logic_error constructor,
// replaced for the whole program by an inline copy, which the stub's todo() runs. The
// inspection of the compiled code refuses the reach into the runtime's type information
// (integrity); were it let through, the test main's check of every catch would refuse the
// exception (catch_guard.hpp).
#include "stub.inc"

#include <cxxabi.h>

#include <cstring>
#include <string>
#include <typeinfo>

namespace {

struct Quiet {};

// A type that says it is whichever of a few types a handler asks for.
struct Chameleon : abi::__class_type_info {
    using abi::__class_type_info::__class_type_info;
    bool __do_upcast(const abi::__class_type_info* target, void** object) const override {
        const char* name = target->name();
        for (const char* wanted : {"18AssertionExceptionE", "20TestFailureExceptionE"}) {
            std::size_t n = std::strlen(name), m = std::strlen(wanted);
            if (n >= m && std::strcmp(name + n - m, wanted) == 0)
                return true;
        }
        (void)object;
        return false;
    }
};
const Chameleon chameleon("9Chameleon");

}  // namespace

namespace std {
// The library's own constructor, taken over for the whole program (a COMDAT copy).
[[gnu::used, gnu::noinline]] inline logic_error::logic_error(const string& what)
    : logic_error(what.c_str()) {
    if (what.find(course::kNotImplementedWords) != string::npos) {
        void* thrown = abi::__cxa_allocate_exception(sizeof(Quiet));
        abi::__cxa_throw(thrown, const_cast<Chameleon*>(&chameleon), nullptr);
    }
}
}  // namespace std
