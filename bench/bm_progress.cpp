// What does Lab 06's progress bar cost a loop? The same loop of small steps is timed bare
// and wrapped in proc::progress (writing to /dev/null, so drawing is not what is timed),
// in one run. The target is at most 5 ns of overhead per iteration: the loop only counts
// and compares, the clock is read every `miniters` iterations, the line is redrawn at
// most every mininterval. When /usr/bin/python3 has tqdm, tqdm_overhead.py (beside this
// file) measures tqdm's own overhead over a bare Python loop, for comparison.
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
void BM_BareLoop(benchmark::State& state) {
    for (auto _ : state) {
        long sum = 0;
        for (long i : std::views::iota(0L, kSteps))
            benchmark::DoNotOptimize(sum += i);
    }
    state.SetItemsProcessed(state.iterations() * kSteps);
}
BENCHMARK(BM_BareLoop)->Unit(benchmark::kMillisecond);

// The same loop wrapped in a bar drawn on /dev/null (not a terminal).
void BM_ProgressLoop(benchmark::State& state) {
    course::UniqueFd sink(course::check(::open("/dev/null", O_WRONLY | O_CLOEXEC), "open"));
    proc::ProgressOptions options;
    options.fd = sink.get();
    for (auto _ : state) {
        long sum = 0;
        for (long i : proc::progress(std::views::iota(0L, kSteps), options))
            benchmark::DoNotOptimize(sum += i);
    }
    state.SetItemsProcessed(state.iterations() * kSteps);
}
BENCHMARK(BM_ProgressLoop)->Unit(benchmark::kMillisecond);

// tqdm's overhead in ns per iteration (from tqdm_overhead.py), or a negative value.
double tqdm_overhead_ns() {
    double overhead = -1, with_tqdm = -1, bare = -1;
    auto output = bench::run_reference_script("tqdm_overhead.py");
    if (!output || std::sscanf(output->c_str(), "%lf %lf %lf", &overhead, &with_tqdm, &bare) != 3)
        return -1;  // no tqdm, or the script failed
    std::printf("tqdm: %.1f ns/iteration, bare Python loop: %.1f ns/iteration\n", with_tqdm, bare);
    return overhead;
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
    auto best = bench::run_benchmarks(argc, argv);
    if (!best)
        return 1;
    auto& t = *best;
    if (t.count("BM_BareLoop") == 0 || t.count("BM_ProgressLoop") == 0)
        return 0;
    double bare_ns = t["BM_BareLoop"] / kSteps * 1e9;
    double ours_ns = t["BM_ProgressLoop"] / kSteps * 1e9;
    double overhead = ours_ns - bare_ns;
    std::printf("bare loop %.2f ns, with the bar %.2f ns per iteration\n", bare_ns, ours_ns);
    std::printf("progress bar overhead: %.2f ns per iteration (target <= 5 ns)\n", overhead);
    double tqdm_ns = tqdm_overhead_ns();
    if (tqdm_ns < 0) {
        std::printf("tqdm comparison skipped (no /usr/bin/python3 with tqdm)\n");
    } else {
        // Below 0.1 ns the difference is noise: compare with 0.1 ns, a lower bound.
        double ours = std::max(overhead, 0.1);
        std::printf("tqdm overhead: %.1f ns per iteration: %s%.0fx ours\n", tqdm_ns,
                    overhead < 0.1 ? "more than " : "", tqdm_ns / ours);
    }
    return 0;
}
