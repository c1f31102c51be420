// lesson-07-deadline TIMEOUT_MS GRACE_MS CMD [ARG...]: runs CMD with a deadline (Lab 07's
// run_with_deadline) and says how it ended: on its own, after SIGTERM, or by SIGKILL once
// the grace period was over.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "deadline.hpp"

int main(int argc, char** argv) {
    if (argc < 4) {
        std::cerr << "usage: lesson-07-deadline TIMEOUT_MS GRACE_MS CMD [ARG...]\n";
        return 2;
    }
    std::chrono::milliseconds timeout(std::atoll(argv[1]));
    std::chrono::milliseconds grace(std::atoll(argv[2]));
    std::vector<std::string> command(argv + 3, argv + argc);
    try {
        //> deadline-demo
        proc::DeadlineResult result = proc::run_with_deadline(command, timeout, grace);
        std::cout << command[0] << ": " << proc::to_string(result.ending) << ", "
                  << result.status.to_string() << "\n";
        //< deadline-demo
        return result.status.shell_code();
    } catch (const std::exception& e) {
        std::cerr << "lesson-07-deadline: " << e.what() << "\n";
        return 1;
    }
}
