// Who am I? The PID from the kernel (getpid) and the same process seen through /proc
// by Lab 01's psutil-like Process.
#include <unistd.h>

#include <iostream>

#include "process.hpp"

int main() {
    //> whoami
    std::cout << "getpid() = " << ::getpid() << "\n";
    proc::Process me = proc::Process::self();
    std::cout << me << "\n";
    std::cout << "comm   = '" << me.stat().comm << "' (cut at 15 bytes by the kernel)\n";
    std::cout << "name() = '" << me.name() << "'\n";
    std::cout << "parent = " << me.ppid() << "\n";
    //< whoami
    return 0;
}
