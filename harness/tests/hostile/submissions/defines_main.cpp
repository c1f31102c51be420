// Hostile submission: the untouched stub, and a main() of its own that prints GoogleTest's
// and Catch2's words for success and exits 0, in place of the course's test main. The
// inspection of the compiled code refuses the definition (integrity).
#include "stub.inc"

#include <cstdio>

int main() {
    std::puts("[  PASSED  ] 1 test.\nAll tests passed (1 assertion in 1 test case)");
    return 0;
}
