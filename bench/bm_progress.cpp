// What does Lab 06's progress bar cost a loop? The same loop of small steps is timed bare
// and wrapped in proc::progress (writing to /dev/null, so drawing is not what is timed),
// in one run. The target is at most 5 ns of overhead per iteration: the loop only counts
// and compares, the clock is read every `miniters` iterations, the line is redrawn at
// most every mininterval. When /usr/bin/python3 has tqdm, tqdm_overhead.py (beside this
// file) measures tqdm's own overhead over a bare Python loop, for comparison. Each figure
// is the median of rounds with their spread: the two loops alternate within each round;
// tqdm's script runs once per round, right after ours is measured.
//
// Usage: bm_progress [--out-dir DIR] [Google Benchmark flags]
//   --out-dir DIR   also write the results as JSON to DIR/bm_progress.json (`make bench`)
#include <benchmark/benchmark.h>

#include <fcntl.h>
#include "bench_support.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <ranges>
#include <string>
#include <vector>

#include "course/sys.hpp"
#include "course/unique_fd.hpp"
#include "progress_bar.hpp"

namespace {

constexpr long kSteps = 1 << 22;  // iterations per benchmark iteration

// The loop's work: small, and kept by DoNotOptimize so the compiler cannot drop it.
void bare_loop() {
    long sum = 0;
    for (long i : std::views::iota(0L, kSteps))
        benchmark::DoNotOptimize(sum += i);
}

// The same loop wrapped in a bar drawn on /dev/null (not a terminal).
void progress_loop() {
    static const course::UniqueFd sink(
        course::check(::open("/dev/null", O_WRONLY | O_CLOEXEC), "open /dev/null"));
    proc::ProgressOptions options;
    options.fd = sink.get();
    long sum = 0;
    for (long i : proc::progress(std::views::iota(0L, kSteps), options))
        benchmark::DoNotOptimize(sum += i);
}

void BM_BareLoop(benchmark::State& state) {
    for (auto _ : state)
        bare_loop();
    state.SetItemsProcessed(state.iterations() * kSteps);
}
BENCHMARK(BM_BareLoop)->Unit(benchmark::kMillisecond);

void BM_ProgressLoop(benchmark::State& state) {
    for (auto _ : state)
        progress_loop();
    state.SetItemsProcessed(state.iterations() * kSteps);
}
BENCHMARK(BM_ProgressLoop)->Unit(benchmark::kMillisecond);

// The overhead's rounds: both loops side by side, one of each per iteration, alternately,
// on this thread's CPU time (neither waits); each repetition is one round.
void BM_ProgressOverBare(benchmark::State& state) {
    bench::alternate(state, bare_loop, progress_loop, bench::Clock::thread_cpu);
}
BENCHMARK(BM_ProgressOverBare)->Unit(benchmark::kMillisecond)->MinTime(0.2)->Repetitions(9);

// Nanoseconds of overhead per iteration in one round: @p round's progress loop minus its
// bare loop.
double overhead_ns(const bench::Round& round) {
    return (round.counters.at("candidate_us") - round.counters.at("baseline_us")) * 1e3 /
           static_cast<double>(kSteps);
}

// Our overhead now, in ns per iteration: four loops of each, alternately, the best of each.
double overhead_now_ns() {
    double bare = 1e300, ours = 1e300;
    for (int i = 0; i < 4; ++i) {
        bare = std::min(bare, bench::seconds_of(bare_loop, bench::Clock::thread_cpu));
        ours = std::min(ours, bench::seconds_of(progress_loop, bench::Clock::thread_cpu));
    }
    return (ours - bare) * 1e9 / static_cast<double>(kSteps);
}

// argv with `--out-dir DIR` turned into Google Benchmark's JSON output flags.
std::vector<std::string> translate_arguments(int argc, char** argv) {
    std::vector<std::string> args{argv[0]};
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--out-dir" && i + 1 < argc) {
            args.push_back("--benchmark_out=" + std::string(argv[++i]) + "/bm_progress.json");
            args.push_back("--benchmark_out_format=json");
        } else {
            args.push_back(arg);
        }
    }
    return args;
}

}  // namespace

int main(int raw_argc, char** raw_argv) {
    std::vector<std::string> args = translate_arguments(raw_argc, raw_argv);
    std::vector<char*> pointers;
    for (auto& arg : args)
        pointers.push_back(arg.data());
    pointers.push_back(nullptr);
    int argc = static_cast<int>(args.size());
    char** argv = pointers.data();
    auto rounds = bench::run_benchmarks(argc, argv);
    if (!rounds)
        return 1;
    if (rounds->count("BM_ProgressOverBare") == 0)
        return 0;  // filtered out (--benchmark_filter)
    std::vector<double> bare, ours, overheads;
    for (const auto& round : rounds->at("BM_ProgressOverBare")) {
        bare.push_back(round.counters.at("baseline_us") * 1e3 / static_cast<double>(kSteps));
        ours.push_back(round.counters.at("candidate_us") * 1e3 / static_cast<double>(kSteps));
        overheads.push_back(overhead_ns(round));
    }
    std::printf("bare loop %.2f ns, with the bar %.2f ns per iteration (medians)\n",
                bench::spread_of(bare).median, bench::spread_of(ours).median);
    auto overhead = bench::spread_of(overheads);
    std::printf("progress bar overhead: %s per iteration (target <= 5 ns)\n",
                bench::describe(overhead, " ns").c_str());
    // Below 0.1 ns the difference is noise: compare with 0.1 ns, a lower bound.
    auto tqdm = bench::reference_ratios("tqdm_overhead.py", 3, overhead_now_ns, 0.1);
    if (tqdm.rounds == 0) {
        std::printf("tqdm comparison skipped (no /usr/bin/python3 with tqdm)\n");
    } else {
        std::printf("tqdm's overhead per iteration is %s ours (ours taken as at least 0.1 ns)\n",
                    bench::describe(tqdm, "x", 0).c_str());
    }
    return 0;
}
