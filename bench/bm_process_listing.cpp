// How much does Lab 01's Process cost over the bare minimum? Listing every process
// (name, parent, status) is compared with the least any tool can do: open, read and
// close /proc/PID/stat for each PID. The target is at most 1.2x that raw read, and at
// least 20x cheaper than psutil.process_iter() (measured by psutil_process_iter.py
// beside this file, when /usr/bin/python3 has psutil).
//
// The listing uses the handle's snapshot for parent and status (one read of the stat
// file per process, as psutil does inside oneshot()); name() reads /proc/PID/cmdline
// too when the kernel cut the name at 15 bytes, exactly as psutil does.
//
// Each ratio is the median of rounds, printed with their spread: the raw read and the
// listing alternate within each round; psutil's script runs once per round, right after
// ours is measured.
//
// Usage: bm_process_listing [--benchmark_out=results.json] [other Google Benchmark flags]
#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <unistd.h>
#include "bench_support.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "hsys/proc.hpp"
#include "process.hpp"

namespace {

// The PIDs the listings go through, taken outside the timed loops: at the start, and again
// by each benchmark run (rescan()), so that processes that ended since (on a busy machine,
// many) do not pile up: each costs the raw read a failed open, but the listing an
// exception too.
std::vector<pid_t>& pids() {
    static std::vector<pid_t> all = hsys::list_pids();
    return all;
}

void rescan() {
    pids() = hsys::list_pids();
}

void per_process_counters(benchmark::State& state) {
    auto n = static_cast<double>(pids().size());
    state.counters["processes"] = n;
    // Seconds per process: the rate per iteration, inverted.
    state.counters["per_process"] = benchmark::Counter(
        n, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}

// The floor: open, one read, close of /proc/PID/stat, no parsing, no allocation.
void raw_listing() {
    char path[64];
    char buffer[1024];
    for (pid_t pid : pids()) {
        std::snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
        int fd = ::open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;  // ended since the scan
        bench::keep(::read(fd, buffer, sizeof buffer));
        ::close(fd);
    }
}

// What `proc ps` needs from each process: a handle, its name, parent and status.
void our_listing() {
    for (pid_t pid : pids()) {
        try {
            proc::Process p(pid);
            bench::keep(p.name());
            bench::keep(p.stat().ppid);
            bench::keep(proc::status_from_letter(p.stat().state));
        } catch (const proc::NoSuchProcess&) {
            // ended since the scan: a listing skips it
        }
    }
}

void BM_RawStatRead(benchmark::State& state) {
    rescan();
    for (auto _ : state)
        raw_listing();
    per_process_counters(state);
}
BENCHMARK(BM_RawStatRead);

void BM_ProcessListing(benchmark::State& state) {
    rescan();
    for (auto _ : state)
        our_listing();
    per_process_counters(state);
}
BENCHMARK(BM_ProcessListing);

// The ratio's rounds: the raw read and the listing side by side, one listing of each per
// iteration, alternately, on this thread's CPU time (neither waits: what other work on the
// machine does to the wall clock is noise here); each repetition is one round.
void BM_ListingOverRaw(benchmark::State& state) {
    rescan();
    bench::alternate(state, raw_listing, our_listing, bench::Clock::thread_cpu);
}
BENCHMARK(BM_ListingOverRaw)->MinTime(0.2)->Repetitions(11);

// Microseconds per process of our listing now: the best of five listings (wall time, as
// psutil's script measures).
double our_microseconds_per_process() {
    double best = 1e300;
    for (int i = 0; i < 5; ++i)
        best = std::min(best, bench::seconds_of(our_listing));
    return best / static_cast<double>(pids().size()) * 1e6;
}

}  // namespace

int main(int argc, char** argv) {
    auto rounds = bench::run_benchmarks(argc, argv);
    if (!rounds)
        return 1;
    auto ratio = bench::ratios_of(*rounds, "BM_ListingOverRaw");
    if (ratio.rounds == 0)
        return 0;  // filtered out (--benchmark_filter)
    const auto& first = rounds->at("BM_ListingOverRaw").front().counters;
    double n = static_cast<double>(pids().size());
    std::printf(
        "%zu processes: raw stat read %.2f us, listing %.2f us of CPU per process "
        "(first round)\n",
        pids().size(), first.at("baseline_us") / n, first.at("candidate_us") / n);
    std::printf("process listing costs %s a raw stat read (target <= 1.2x)\n",
                bench::describe(ratio).c_str());
    auto psutil =
        bench::reference_ratios("psutil_process_iter.py", 5, our_microseconds_per_process);
    if (psutil.rounds > 0) {
        std::printf("psutil.process_iter is %s slower than ours (target >= 20x)\n",
                    bench::describe(psutil, "x", 1).c_str());
    } else {
        std::printf("psutil comparison skipped (no /usr/bin/python3 with psutil)\n");
    }
    return 0;
}
