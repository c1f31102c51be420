// The race the Python session won: waitpid(pid, WNOHANG) right after posix_spawn. Run it many
// times and count how often /usr/bin/true had already ended by then.
#include <iostream>

#include "wait.hpp"

//> race
int main() {
    int still_running = 0, already_ended = 0;
    for (int i = 0; i < 200; ++i) {
        proc::Child child = proc::spawn("/usr/bin/true", {"true"}, {});
        if (proc::try_wait(child)) {
            ++already_ended;
        } else {
            ++still_running;
            proc::wait(child);  // not done yet: wait for real
        }
    }
    std::cout << "try_wait right after spawn, 200 times: " << still_running << " still running, "
              << already_ended << " already ended\n";
}
//< race
