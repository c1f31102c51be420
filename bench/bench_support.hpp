/// @file
/// @brief What the benchmark programs share: a reporter that keeps each benchmark's best
/// time (to compute ratios against a baseline measured in the same run), and running a
/// Python reference script (psutil, tqdm) beside this folder.
#pragma once

#include <benchmark/benchmark.h>

#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "hsys/run.hpp"

namespace bench {

/// Keeps @p value (and the work that made it) from being optimised away, alike with every
/// Google Benchmark version: DoNotOptimize is given a non-const lvalue, since 1.8
/// deprecates passing a const reference (and the course builds with -Werror).
template <typename T>
inline void keep(T&& value) {
    std::remove_cvref_t<T> copy(std::forward<T>(value));
    benchmark::DoNotOptimize(copy);
}

/// Whether @p run ended in SkipWithError (or, from 1.8 on, was skipped): 1.8 replaced
/// Run::error_occurred with Run::skipped.
template <typename Run>
bool skipped(const Run& run) {
    if constexpr (requires { run.skipped; })
        return static_cast<bool>(run.skipped);
    else
        return run.error_occurred;
}

/// Prints results as the console reporter does, and keeps each benchmark's best seconds
/// per iteration (the run least disturbed by other load, with --benchmark_repetitions).
class BestTimeReporter : public benchmark::ConsoleReporter {
  public:
    /// Best seconds per iteration, by benchmark function name ("BM_RawStatRead").
    std::map<std::string, double> seconds_per_iteration;

    /// Records each run, then prints it.
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const Run& run : runs) {
            if (run.run_type != Run::RT_Iteration || run.iterations == 0)
                continue;
            double seconds =
                run.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(run.time_unit);
            auto [it, added] = seconds_per_iteration.emplace(run.run_name.function_name, seconds);
            if (!added)
                it->second = std::min(it->second, seconds);
        }
        ConsoleReporter::ReportRuns(runs);
    }
};

/// Runs the benchmarks selected by @p argc / @p argv (Google Benchmark's flags) and
/// returns each one's best seconds per iteration, or no value for bad flags.
inline std::optional<std::map<std::string, double>> run_benchmarks(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return std::nullopt;
    BestTimeReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return reporter.seconds_per_iteration;
}

/// Runs `/usr/bin/python3 bench/SCRIPT` (stderr ignored, five minutes at most) and returns
/// what it printed, or no value when the script is missing, fails or runs too long (for
/// instance when psutil or tqdm is not installed).
/// @throws std::system_error naming `posix_spawnp` if python3 cannot be started.
inline std::optional<std::string> run_reference_script(const std::string& script) {
    auto path = std::filesystem::path(__FILE__).parent_path() / script;
    if (!std::filesystem::exists(path))
        return std::nullopt;
    auto run = hsys::run_with_deadline(
        {.argv = {"/usr/bin/python3", path.string()}, .wall_seconds = 300, .merge_stderr = false});
    if (run.timed_out || !WIFEXITED(run.status) || WEXITSTATUS(run.status) != 0)
        return std::nullopt;
    return run.output;
}

}  // namespace bench
