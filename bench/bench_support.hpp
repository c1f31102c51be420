/// @file
/// @brief What the benchmark programs share: figures as the median of rounds with their
/// spread (Spread), a baseline and a candidate timed side by side (alternate()), a reporter
/// that keeps every round (RoundsReporter), and running a Python reference script (psutil,
/// tqdm) beside this folder.
#pragma once

#include <benchmark/benchmark.h>

#include <sys/wait.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "course/sys.hpp"
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

/// A figure measured in rounds: their median, and their spread (the lowest and highest
/// round). Every figure `make bench` compares with a target is one of these, so that one
/// round disturbed by other work on a shared machine neither makes nor breaks a target.
struct Spread {
    double median = 0;
    double low = 0;   ///< The lowest round.
    double high = 0;  ///< The highest round.
    std::size_t rounds = 0;
};

/// The median (of the middle two, for an even count), lowest and highest of @p values;
/// all zero when there is none.
inline Spread spread_of(std::vector<double> values) {
    Spread spread;
    spread.rounds = values.size();
    if (values.empty())
        return spread;
    std::sort(values.begin(), values.end());
    std::size_t middle = values.size() / 2;
    spread.median = values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    spread.low = values.front();
    spread.high = values.back();
    return spread;
}

/// "1.13x (min 1.08x, max 1.21x, 9 rounds)": @p spread with @p unit after each number and
/// @p decimals decimals.
inline std::string describe(const Spread& spread, const char* unit = "x", int decimals = 2) {
    char text[160];
    std::snprintf(text, sizeof text, "%.*f%s (min %.*f%s, max %.*f%s, %zu round%s)", decimals,
                  spread.median, unit, decimals, spread.low, unit, decimals, spread.high, unit,
                  spread.rounds, spread.rounds == 1 ? "" : "s");
    return text;
}

/// What a round is timed with: the wall clock, or the CPU time of this thread (user and
/// system), which a busy machine's other work does not add to: the right measure for work
/// that never waits (a listing of /proc, a loop), the wrong one for work that does (a
/// child to start and wait for).
enum class Clock { wall, thread_cpu };

/// Now on @p clock, in seconds.
/// @throws std::system_error naming clock_gettime (never on Linux).
inline double now_on(Clock clock) {
    timespec now{};
    course::check(
        ::clock_gettime(clock == Clock::wall ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID, &now),
        "clock_gettime");
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

/// Seconds that one call of @p work takes on @p clock.
template <typename Work>
double seconds_of(Work&& work, Clock clock = Clock::wall) {
    double start = now_on(clock);
    work();
    return now_on(clock) - start;
}

/// A baseline and a candidate timed side by side in @p state's loop: one call of each per
/// iteration, the one that goes first alternating, so that both see the same machine at
/// the same moments. Sets the counters `baseline_us` and `candidate_us`, microseconds per
/// call on @p clock; with repetitions (--benchmark_repetitions, Repetitions()), each
/// repetition is one round of ratios_of().
template <typename Baseline, typename Candidate>
void alternate(benchmark::State& state, Baseline&& baseline, Candidate&& candidate,
               Clock clock = Clock::wall) {
    double baseline_seconds = 0, candidate_seconds = 0;
    bool baseline_first = true;
    for (auto _ : state) {
        if (baseline_first)
            baseline_seconds += seconds_of(baseline, clock);
        candidate_seconds += seconds_of(candidate, clock);
        if (!baseline_first)
            baseline_seconds += seconds_of(baseline, clock);
        baseline_first = !baseline_first;
    }
    state.counters["baseline_us"] =
        benchmark::Counter(baseline_seconds * 1e6, benchmark::Counter::kAvgIterations);
    state.counters["candidate_us"] =
        benchmark::Counter(candidate_seconds * 1e6, benchmark::Counter::kAvgIterations);
}

/// One repetition of one benchmark: its seconds per iteration and its counters.
struct Round {
    double seconds = 0;
    std::map<std::string, double> counters;
};

/// Prints results as the console reporter does, and keeps every repetition of every
/// benchmark (not the aggregates), by benchmark function name ("BM_RawStatRead"), in the
/// order they ran: the rounds the figures are computed from.
class RoundsReporter : public benchmark::ConsoleReporter {
  public:
    std::map<std::string, std::vector<Round>> rounds;

    /// Records each repetition, then prints it.
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const Run& run : runs) {
            if (run.run_type != Run::RT_Iteration || run.iterations == 0 || skipped(run))
                continue;
            Round round;
            round.seconds =
                run.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(run.time_unit);
            for (const auto& [name, counter] : run.counters)
                round.counters[name] = counter.value;
            rounds[run.run_name.function_name].push_back(std::move(round));
        }
        ConsoleReporter::ReportRuns(runs);
    }
};

/// @p numerator over @p denominator (counters of alternate(), or others), round by
/// round, for the benchmark @p name among @p rounds; no rounds when it did not run.
inline Spread ratios_of(const std::map<std::string, std::vector<Round>>& rounds,
                        const std::string& name, const std::string& numerator = "candidate_us",
                        const std::string& denominator = "baseline_us") {
    std::vector<double> ratios;
    auto found = rounds.find(name);
    if (found == rounds.end())
        return {};
    for (const Round& round : found->second) {
        auto top = round.counters.find(numerator), bottom = round.counters.find(denominator);
        if (top != round.counters.end() && bottom != round.counters.end() && bottom->second > 0)
            ratios.push_back(top->second / bottom->second);
    }
    return spread_of(ratios);
}

/// Runs the benchmarks selected by @p argc / @p argv (Google Benchmark's flags) and
/// returns every repetition of each (RoundsReporter), or no value for bad flags.
inline std::optional<std::map<std::string, std::vector<Round>>> run_benchmarks(int argc,
                                                                               char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return std::nullopt;
    RoundsReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return reporter.rounds;
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

/// @p rounds rounds of our figure and a reference script's, one after the other: each
/// round calls @p ours() (our figure, measured now), then runs @p script
/// (run_reference_script()) and reads the first number it prints. @returns the
/// reference's figure over ours (at least @p floor), round by round; no rounds when the
/// script cannot run (no psutil, no tqdm).
template <typename Ours>
Spread reference_ratios(const std::string& script, int rounds, Ours&& ours, double floor = 0) {
    std::vector<double> ratios;
    for (int round = 0; round < rounds; ++round) {
        double mine = std::max(ours(), floor);
        auto output = run_reference_script(script);
        double theirs = 0;
        if (!output || std::sscanf(output->c_str(), "%lf", &theirs) != 1 || mine <= 0)
            return {};
        ratios.push_back(theirs / mine);
    }
    return spread_of(ratios);
}

}  // namespace bench
