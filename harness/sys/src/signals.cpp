// Signal names as a shell prints them.
#include "hsys/signals.hpp"

#include <string.h>

namespace hsys {

std::string signal_name(int sig) {
    // sigabbrev_np (glibc 2.32) gives "SEGV" without the prefix; null for unnamed numbers.
    if (const char* abbrev = ::sigabbrev_np(sig))
        return std::string("SIG") + abbrev;
    return "signal " + std::to_string(sig);
}

}  // namespace hsys
