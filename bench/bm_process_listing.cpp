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
// Usage: bm_process_listing [--benchmark_out=results.json] [other Google Benchmark flags]
#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <unistd.h>
#include "bench_support.hpp"

#include <cstdio>
#include <string>
#include <vector>

#include "hsys/proc.hpp"
#include "process.hpp"

namespace {

// Every PID under /proc now; taken once, outside the timed loops.
const std::vector<pid_t>& pids() {
    static const std::vector<pid_t> all = hsys::list_pids();
    return all;
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
void BM_RawStatRead(benchmark::State& state) {
    char path[64];
    char buffer[1024];
    for (auto _ : state) {
        for (pid_t pid : pids()) {
            std::snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
            int fd = ::open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0)
                continue;  // ended since the scan
            bench::keep(::read(fd, buffer, sizeof buffer));
            ::close(fd);
        }
    }
    per_process_counters(state);
}
BENCHMARK(BM_RawStatRead);

// What `proc ps` needs from each process: a handle, its name, parent and status.
void BM_ProcessListing(benchmark::State& state) {
    for (auto _ : state) {
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
    per_process_counters(state);
}
BENCHMARK(BM_ProcessListing);

// Microseconds per process for psutil.process_iter(), or a negative value if unknown.
double psutil_microseconds_per_process() {
    double micros = -1;
    auto output = bench::run_reference_script("psutil_process_iter.py");
    if (!output || std::sscanf(output->c_str(), "%lf", &micros) != 1)
        return -1;
    return micros;
}

}  // namespace

int main(int argc, char** argv) {
    auto best = bench::run_benchmarks(argc, argv);
    if (!best)
        return 1;
    auto& t = *best;
    if (t.count("BM_RawStatRead") == 0 || t.count("BM_ProcessListing") == 0)
        return 0;
    double n = static_cast<double>(pids().size());
    double ours_us = t["BM_ProcessListing"] / n * 1e6;
    std::printf("%zu processes: raw stat read %.2f us, listing %.2f us per process\n",
                pids().size(), t["BM_RawStatRead"] / n * 1e6, ours_us);
    std::printf("process listing costs %.2fx a raw stat read (target <= 1.2x)\n",
                t["BM_ProcessListing"] / t["BM_RawStatRead"]);
    double psutil_us = psutil_microseconds_per_process();
    if (psutil_us > 0) {
        std::printf(
            "psutil.process_iter costs %.2f us per process: ours is %.1fx cheaper "
            "(target >= 20x)\n",
            psutil_us, psutil_us / ours_us);
    } else {
        std::printf("psutil comparison skipped (no /usr/bin/python3 with psutil)\n");
    }
    return 0;
}
