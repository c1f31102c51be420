// What walking the process tree costs: listing /proc, reading every /proc/PID/stat once,
// and the questions built on top (children of this process, the drawn tree). Each is
// proportional to the number of processes on the machine, reported as a counter.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include "bench_support.hpp"
#include "hierarchy.hpp"

namespace {

// Lists /proc: readdir plus a sort, no file read.
void BM_Pids(benchmark::State& state) {
    size_t count = 0;
    for (auto _ : state) {
        auto all = proc::pids();
        count = all.size();
        bench::keep(all.data());
    }
    state.counters["processes"] = static_cast<double>(count);
}
BENCHMARK(BM_Pids);

// Reads and parses every /proc/PID/stat: one open/read/close per process.
void BM_ScanProcesses(benchmark::State& state) {
    size_t count = 0;
    for (auto _ : state) {
        proc::ProcessTable table = proc::scan_processes();
        count = table.entries.size();
        bench::keep(table.entries.data());
    }
    state.counters["processes"] = static_cast<double>(count);
    state.counters["per_process"] =
        benchmark::Counter(static_cast<double>(count) * static_cast<double>(state.iterations()),
                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ScanProcesses);

// children(): one scan, then one Process per child found.
void BM_ChildrenOfSelf(benchmark::State& state) {
    proc::Process me = proc::Process::self();
    for (auto _ : state)
        bench::keep(proc::children(me, true));
}
BENCHMARK(BM_ChildrenOfSelf);

// Drawing every tree from an existing snapshot: no system call, string work only.
void BM_RenderMachine(benchmark::State& state) {
    proc::ProcessTable table = proc::scan_processes();
    for (auto _ : state) {
        size_t bytes = 0;
        for (pid_t root : proc::roots(table))
            bytes += proc::render_tree(table, root).size();
        bench::keep(bytes);
    }
    state.counters["processes"] = static_cast<double>(table.entries.size());
}
BENCHMARK(BM_RenderMachine);

}  // namespace

BENCHMARK_MAIN();
