// Hostile submission: the untouched stub, and a .preinit_array entry of its own, which would
// run before the course's test main takes its secret and read it first. The inspection of
// the compiled code refuses it (integrity).
#include "stub.inc"

#include <unistd.h>

namespace {

char stolen[64];

void steal_the_secret(int, char**, char**) {
    if (::read(3, stolen, sizeof stolen) < 0)
        stolen[0] = 0;
}

[[gnu::section(".preinit_array"), gnu::used]] void (*const early)(int, char**,
                                                                  char**) = &steal_the_secret;

}  // namespace
