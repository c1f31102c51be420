/// @file
/// @brief Where a grading run's time goes: wall seconds per phase (the labs' builds, split
/// into compiles and links; the tests, and their programs' own time; the inspection; the
/// reports), added up over the run.
///
/// `grader --timings FILE` writes them as JSON when the run ends; `grader batch` asks each
/// student's grader for them (`<work>/<student>/logs/timings.json`), adds its own steps
/// (copying the sources, configuring, the grader process as a whole, and that process's CPU
/// time with all it waited for), sums them into `<work>/logs/timings.json` and prints the
/// class's average (what bench/batch_distinct_class.sh reads). They describe the grader,
/// not the student: no report, score or verdict ever reads them.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace grader::timings {

/// The totals of one phase: its wall seconds, how many times it happened, and, for the
/// phases a Timer measures, the CPU seconds (user and system) this process and the
/// processes it waited for spent in it, which other load on the machine does not add to.
struct Phase {
    double seconds = 0;
    long count = 0;
    double cpu_seconds = 0;
};

/// Phases by name ("build", "compile", ...).
using Phases = std::map<std::string, Phase>;

/// Adds @p seconds, @p count and @p cpu_seconds to @p phase's totals in @p phases.
void add(Phases& phases, const std::string& phase, double seconds, long count = 1,
         double cpu_seconds = 0);

/// The totals of this process's run so far (add to them with add_to_run() or a Timer).
Phases& of_this_run();

/// Adds to of_this_run() (under a lock: safe from any thread) what @p seconds,
/// @p count and @p cpu_seconds add() would.
void add_to_run(const std::string& phase, double seconds, long count = 1, double cpu_seconds = 0);

/// What a Timer measures.
enum class Measure {
    wall_and_cpu,  ///< Both: for work done by a process of one grading thread.
    wall,          ///< Its wall time, counted once: for work done side by side with more.
    cpu,           ///< The CPU time only, counted 0 times: around work done side by side.
};

/// Adds the wall time of its own life to @p phase of of_this_run(), once, when it ends,
/// with the CPU time this process and the children it waited for meanwhile spent. That
/// CPU time is the whole process's: where threads work side by side (the tests of a lab,
/// hsys::for_each_index), time each of them for its wall time only, and the whole of
/// them once for the CPU time (Measure).
class Timer {
  public:
    explicit Timer(std::string phase, Measure measure = Measure::wall_and_cpu);
    ~Timer();
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

  private:
    std::string phase_;
    Measure measure_;
    std::chrono::steady_clock::time_point start_;
    double cpu_start_;
};

/// Now, on the clock file times are stamped from (CLOCK_REALTIME_COARSE), in nanoseconds:
/// taken before a build, it tells that build's steps from older ones in Ninja's log.
/// @throws std::system_error naming clock_gettime (never on Linux).
std::int64_t file_clock_now();

/// Adds the steps of a build that started at @p since (file_clock_now()) to @p phases,
/// from @p build_dir/.ninja_log (its steps stamped with their outputs' times): those
/// writing an object (`.o`) to "compile", the others (links, archives) to "link". A
/// missing or unreadable log adds nothing (another generator, or no step ran).
void add_build_steps(Phases& phases, const std::string& build_dir, std::int64_t since);

/// @p phases as JSON: {"build": {"seconds": 1.5, "count": 9, "cpu_seconds": 1.2}, ...}.
std::string to_json(const Phases& phases);

/// The phases of to_json()'s @p json.
/// @throws std::exception (nlohmann::json's) when it is not such JSON.
Phases from_json(const std::string& json);

}  // namespace grader::timings
