// Hostile submission: the untouched stub, and code that looks the course's writer up at run
// time (dlsym), where no declaration shows in the object. The writer has internal linkage:
// there is nothing to find. The inspection flags the lab for review; the stub's failures
// stand (fail).
#include "stub.inc"

#include <dlfcn.h>

namespace {

struct Finder {
    Finder() {
        using Send = bool (*)(const char*, unsigned long);
        void* found = ::dlsym(
            RTLD_DEFAULT, "_ZN7harness7channel4sendESt17basic_string_viewIcSt11char_traitsIcEE");
        if (found != nullptr)
            reinterpret_cast<Send>(found)("{}", 2);
    }
} finder;

}  // namespace
