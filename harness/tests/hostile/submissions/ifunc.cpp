// Hostile submission: the untouched stub, and a function chosen by a resolver at load time
// (an IFUNC: the resolver runs before main, before any constructor). No lab needs one: the
// inspection flags the lab for review; the stub's failures stand (fail).
#include "stub.inc"

extern "C" {

static int forty_two() {
    return 42;
}

static int (*choose_answer())() {
    return forty_two;
}

int answer() __attribute__((ifunc("choose_answer")));
}
