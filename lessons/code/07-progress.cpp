// lesson-07-progress CMD [ARG...]: runs CMD with PROC_PROGRESS_FD=1 and draws the
// "DONE/TOTAL" lines it writes there as one Lab 06 bar (Lab 07's run_with_progress), the
// way `proc run --progress` does.
#include <iostream>
#include <string>
#include <vector>

#include "progress_pipe.hpp"

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: lesson-07-progress CMD [ARG...]\n";
        return 2;
    }
    std::vector<std::string> command(argv + 1, argv + argc);
    try {
        proc::ProgressOptions bar;
        bar.desc = command[0];
        proc::ExitStatus status = proc::run_with_progress(command, bar);
        std::cerr << command[0] << " " << status.to_string() << "\n";
        return status.shell_code();
    } catch (const std::exception& e) {
        std::cerr << "lesson-07-progress: " << e.what() << "\n";
        return 1;
    }
}
