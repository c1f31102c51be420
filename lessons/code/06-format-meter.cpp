// lesson-06-format-meter: prints the line Lab 06's format_meter draws for N done out of
// TOTAL after ELAPSED seconds, in a line of NCOLS characters, as tqdm's format_meter does.
//
//   lesson-06-format-meter N TOTAL ELAPSED NCOLS
#include <cstdlib>
#include <iostream>

#include "progress_bar.hpp"

int main(int argc, char** argv) {
    if (argc != 5) {
        std::cerr << "usage: lesson-06-format-meter N TOTAL ELAPSED NCOLS\n";
        return 2;
    }
    proc::MeterOptions options;
    options.ncols = std::atoi(argv[4]);
    std::cout << proc::format_meter(std::atoll(argv[1]), std::atoll(argv[2]), std::atof(argv[3]),
                                    options)
              << "\n";
}
