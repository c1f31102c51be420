// bm_spawn: how long does starting /bin/true and waiting for it take, with posix_spawn,
// vfork + exec and fork + exec, as the parent's resident memory grows? And what does
// Lab 03's spawn (+ Lab 04's wait) cost over raw posix_spawn + waitpid?
//
// Usage: bm_spawn [--json=PATH] [--svg=PATH] [Google Benchmark flags]
//   --json  where to write the numbers (default build/bench/spawn.json)
//   --svg   where to draw the plot (x: parent RSS, y: µs per spawn + wait; default none)
// Prints a table to stdout. Takes about 20 s on 2 cores.
#include <benchmark/benchmark.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "course/file.hpp"
#include "course/sys.hpp"
#include "wait.hpp"

namespace {

constexpr size_t kMiB = 1024 * 1024;
const std::vector<size_t> kBallastMiB = {10, 100, 500, 1024};
const char* const kMethods[] = {"posix_spawn", "vfork+exec", "fork+exec"};
const std::vector<std::string> kArgv = {"true"};
const std::vector<std::string> kEnv = {"PATH=/usr/bin:/bin"};

// Memory the parent holds resident, so that fork has page tables to copy. Small pages
// on purpose (MADV_NOHUGEPAGE): a big heap built by malloc is mostly 4 KiB pages.
class Ballast {
  public:
    ~Ballast() { release(); }
    // Makes the ballast @p mib MiB, every page touched (resident), if it is not already.
    void resize(size_t mib) {
        if (mib == mib_)
            return;
        release();
        size_t bytes = mib * kMiB;
        void* p =
            ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            course::throw_errno("mmap");
        ::madvise(p, bytes, MADV_NOHUGEPAGE);
        auto* bytes_ptr = static_cast<volatile char*>(p);
        for (size_t i = 0; i < bytes; i += 4096)
            bytes_ptr[i] = 1;  // fault every page in
        memory_ = p;
        mib_ = mib;
    }

  private:
    void release() {
        if (memory_ != nullptr)
            ::munmap(memory_, mib_ * kMiB);
        memory_ = nullptr;
        mib_ = 0;
    }
    void* memory_ = nullptr;
    size_t mib_ = 0;
};

Ballast ballast;

// The parent's resident set size now, in MiB (second field of /proc/self/statm, pages).
double resident_mib() {
    std::istringstream statm(course::read_file("/proc/self/statm"));
    long size = 0, resident = 0;
    statm >> size >> resident;
    return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / kMiB;
}

//> bench-methods
// One spawn + wait of /bin/true with the lab's posix_spawn, vfork or fork version.
void BM_SpawnWait(benchmark::State& state, int method, size_t mib) {
    ballast.resize(mib);
    for (auto _ : state) {
        proc::Child child = method == 0   ? proc::spawn("/bin/true", kArgv, kEnv)
                            : method == 1 ? proc::vfork_exec("/bin/true", kArgv, kEnv)
                                          : proc::fork_exec("/bin/true", kArgv, kEnv);
        if (!proc::wait(child).success())
            state.SkipWithError("true did not exit 0");
    }
    state.counters["rss_mib"] = resident_mib();
}
//< bench-methods

// posix_spawn and waitpid called directly: the baseline for the lab's overhead.
void raw_spawn_wait() {
    static char* argv[] = {const_cast<char*>("true"), nullptr};
    static char* envp[] = {const_cast<char*>("PATH=/usr/bin:/bin"), nullptr};
    pid_t pid = 0;
    course::check_returned(::posix_spawn(&pid, "/bin/true", nullptr, nullptr, argv, envp),
                           "posix_spawn");
    int status = 0;
    course::retry_on_eintr("waitpid", [&] { return ::waitpid(pid, &status, 0); });
}

void lab_spawn_wait() {
    proc::Child child = proc::spawn("/bin/true", kArgv, kEnv);
    proc::wait(child);
}

// Microseconds that @p f takes.
template <typename F>
double time_us(F f) {
    auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
        .count();
}

//> bench-overhead
// The lab's spawn + wait against the raw calls, side by side: one of each per
// iteration, in alternating order, so that both see the same machine at the same time.
void BM_LabOverhead(benchmark::State& state) {
    ballast.resize(kBallastMiB.front());
    double raw = 0, lab = 0;
    bool raw_first = true;
    for (auto _ : state) {
        if (raw_first)
            raw += time_us(raw_spawn_wait);
        lab += time_us(lab_spawn_wait);
        if (!raw_first)
            raw += time_us(raw_spawn_wait);
        raw_first = !raw_first;
    }
    state.counters["raw_us"] = benchmark::Counter(raw, benchmark::Counter::kAvgIterations);
    state.counters["lab_us"] = benchmark::Counter(lab, benchmark::Counter::kAvgIterations);
}
//< bench-overhead

// One measurement: which benchmark, and its median real time per iteration.
struct Result {
    std::string name;
    double micros;
    std::map<std::string, double> counters;
};

// Collects every run's result (and, as RoundsReporter, every repetition) while the
// console reporter prints as usual.
class CollectingReporter : public bench::RoundsReporter {
  public:
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const auto& run : runs) {
            // Each benchmark is repeated; only its median run is kept.
            if (bench::skipped(run) || run.aggregate_name != "median")
                continue;
            Result result{run.run_name.function_name, run.GetAdjustedRealTime(), {}};
            for (const auto& [name, counter] : run.counters)
                result.counters[name] = counter.value;
            results.push_back(result);
        }
        RoundsReporter::ReportRuns(runs);
    }
    std::vector<Result> results;
};

std::string series_name(int method, size_t mib) {
    return std::string("spawn+wait/") + kMethods[method] + "/" + std::to_string(mib) + "MiB";
}

void register_benchmarks() {
    // The overhead pair first, at the smallest ballast: each repetition is a round, and the
    // ratio printed is the median of the rounds' ratios. Each benchmark is repeated and its
    // median kept: a spawn now and then delayed by other work does not count.
    benchmark::RegisterBenchmark("overhead/lab vs raw", BM_LabOverhead)
        ->MinTime(0.3)
        ->Repetitions(9)
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
    for (size_t mib : kBallastMiB) {  // ballast grows once per size: sizes outermost
        for (int method = 0; method < 3; ++method) {
            benchmark::RegisterBenchmark(series_name(method, mib).c_str(), BM_SpawnWait, method,
                                         mib)
                ->MinTime(0.1)
                ->Repetitions(3)
                ->DisplayAggregatesOnly()
                ->UseRealTime()
                ->Unit(benchmark::kMicrosecond);
        }
    }
}

}  // namespace

// ----- output: table, JSON, SVG --------------------------------------------------------

namespace {

// The numbers, arranged: per method, one (RSS, µs) point per ballast size.
struct Measurements {
    std::map<std::string, std::vector<std::pair<double, double>>> series;
    double raw_us = 0;
    double lab_us = 0;
    bench::Spread ratio;  // lab over raw, round by round
};

Measurements arrange(const CollectingReporter& reporter) {
    const std::vector<Result>& results = reporter.results;
    Measurements m;
    m.ratio = bench::ratios_of(reporter.rounds, "overhead/lab vs raw", "lab_us", "raw_us");
    for (const auto& r : results) {
        if (r.name == "overhead/lab vs raw") {
            m.raw_us = r.counters.at("raw_us");
            m.lab_us = r.counters.at("lab_us");
        }
        for (int method = 0; method < 3; ++method) {
            for (size_t mib : kBallastMiB) {
                if (r.name == series_name(method, mib)) {
                    m.series[kMethods[method]].push_back({r.counters.at("rss_mib"), r.micros});
                }
            }
        }
    }
    return m;
}

void print_table(const Measurements& m) {
    std::cout << "\nmicroseconds per spawn + wait of /bin/true\n" << std::setw(14) << "parent RSS";
    for (const char* method : kMethods)
        std::cout << std::setw(14) << method;
    std::cout << "\n" << std::fixed << std::setprecision(0);
    for (size_t i = 0; i < kBallastMiB.size(); ++i) {
        std::cout << std::setw(10) << m.series.at(kMethods[0]).at(i).first << " MiB";
        for (const char* method : kMethods)
            std::cout << std::setw(14) << m.series.at(method).at(i).second;
        std::cout << "\n";
    }
    std::cout << std::setprecision(1) << "\nlab spawn+wait: " << m.lab_us
              << " us, raw posix_spawn+waitpid: " << m.raw_us << " us (medians), ratio "
              << bench::describe(m.ratio, "x", 3) << " (target <= 1.05x)\n";
}

void write_json(const Measurements& m, const std::string& path) {
    std::ofstream out(path);
    if (!out)
        course::throw_errno("open " + path);
    out << "{\n  \"unit\": \"microseconds per spawn+wait of /bin/true\",\n  \"series\": {";
    const char* comma = "";
    for (const char* method : kMethods) {
        out << comma << "\n    \"" << method << "\": [";
        const char* inner = "";
        for (auto [rss, us] : m.series.at(method)) {
            out << inner << "{\"parent_rss_mib\": " << rss << ", \"us\": " << us << "}";
            inner = ", ";
        }
        out << "]";
        comma = ",";
    }
    out << "\n  },\n  \"overhead\": {\"raw_posix_spawn_us\": " << m.raw_us
        << ", \"lab_spawn_us\": " << m.lab_us << ", \"ratio\": " << m.ratio.median
        << ", \"ratio_min\": " << m.ratio.low << ", \"ratio_max\": " << m.ratio.high
        << ", \"rounds\": " << m.ratio.rounds << "}\n}\n";
}

// A "nice" step (1, 2 or 5 times a power of ten) giving about @p ticks ticks up to @p max.
double nice_step(double max, int ticks) {
    double raw = max / ticks;
    double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (double f : {1.0, 2.0, 5.0, 10.0}) {
        if (f * power >= raw)
            return f * power;
    }
    return 10 * power;
}

// The plot's frame: maps data to pixels. x (parent RSS, MiB) is linear from 0; y (µs) is
// logarithmic from 10^y_lo to 10^y_hi, since fork's times grow a hundredfold.
struct Frame {
    double left = 80, right = 620, top = 50, bottom = 350, x_max = 1, y_lo = 0, y_hi = 1;
    double x(double v) const { return left + (right - left) * v / x_max; }
    double y(double us) const {
        return bottom - (bottom - top) * (std::log10(us) - y_lo) / (y_hi - y_lo);
    }
};

// "100 µs", "1 ms", "10 ms", ... for a power of ten @p us.
std::string duration_label(double us) {
    if (us < 1000)
        return std::to_string(static_cast<long>(us)) + " µs";
    if (us < 1e6)
        return std::to_string(static_cast<long>(us / 1000)) + " ms";
    return std::to_string(static_cast<long>(us / 1e6)) + " s";
}

void draw_axes(std::ostream& svg, const Frame& f, double x_step) {
    svg << "<text x='350' y='28' text-anchor='middle' font-size='16'>"
        << "Starting /bin/true as the parent grows</text>\n";
    for (double v = 0; v <= f.x_max + 1e-9; v += x_step) {
        svg << "<line x1='" << f.x(v) << "' y1='" << f.top << "' x2='" << f.x(v) << "' y2='"
            << f.bottom << "' stroke='#ddd'/><text x='" << f.x(v) << "' y='" << f.bottom + 18
            << "' text-anchor='middle'>" << v << "</text>\n";
    }
    for (double e = f.y_lo; e <= f.y_hi + 1e-9; e += 1) {
        double us = std::pow(10.0, e);
        svg << "<line x1='" << f.left << "' y1='" << f.y(us) << "' x2='" << f.right << "' y2='"
            << f.y(us) << "' stroke='#ddd'/><text x='" << f.left - 8 << "' y='" << f.y(us) + 4
            << "' text-anchor='end'>" << duration_label(us) << "</text>\n";
    }
    svg << "<line x1='" << f.left << "' y1='" << f.bottom << "' x2='" << f.right << "' y2='"
        << f.bottom << "' stroke='black'/><line x1='" << f.left << "' y1='" << f.top << "' x2='"
        << f.left << "' y2='" << f.bottom << "' stroke='black'/>\n"
        << "<text x='350' y='388' text-anchor='middle'>parent's resident memory (MiB)</text>\n"
        << "<text x='18' y='200' text-anchor='middle' transform='rotate(-90 18 200)'>"
        << "time per spawn + wait (log scale)</text>\n";
}

void write_svg(const Measurements& m, const std::string& path) {
    Frame f;
    double x_data = 0, y_min = 1e300, y_max = 0;
    for (const auto& [name, points] : m.series) {
        for (auto [rss, us] : points) {
            x_data = std::max(x_data, rss);
            y_min = std::min(y_min, us);
            y_max = std::max(y_max, us);
        }
    }
    double x_step = nice_step(x_data, 6);
    f.x_max = std::ceil(x_data / x_step) * x_step;
    f.y_lo = std::floor(std::log10(y_min));
    f.y_hi = std::max(f.y_lo + 1, std::ceil(std::log10(y_max)));
    std::ofstream svg(path);
    if (!svg)
        course::throw_errno("open " + path);
    svg << std::fixed << std::setprecision(0)
        << "<svg xmlns='http://www.w3.org/2000/svg' width='700' height='400' "
           "font-family='sans-serif' "
        << "font-size='12'>\n<rect width='700' height='400' fill='white'/>\n";
    draw_axes(svg, f, x_step);
    // posix_spawn and vfork+exec take the same time, so their lines coincide: posix_spawn
    // is drawn wide and pale with hollow rings, vfork+exec thin and dashed on top with
    // squares, so that both stay visible where they overlap.
    struct Style {
        const char* color;
        const char* width;
        const char* dash;
        bool hollow_ring, square;
    };
    const Style styles[] = {{"#1b7837", "6", "none", true, false},
                            {"#2166ac", "2", "8,5", false, true},
                            {"#b2182b", "2", "none", false, false}};
    for (int i = 0; i < 3; ++i) {
        const Style& s = styles[i];
        svg << "<polyline fill='none' stroke-width='" << s.width << "' stroke-dasharray='" << s.dash
            << "' stroke-opacity='" << (s.hollow_ring ? "0.45" : "1") << "' stroke='" << s.color
            << "' points='";
        for (auto [rss, us] : m.series.at(kMethods[i]))
            svg << f.x(rss) << "," << f.y(us) << " ";
        svg << "'/>\n";
        for (auto [rss, us] : m.series.at(kMethods[i])) {
            if (s.square)
                svg << "<rect width='6' height='6' fill='" << s.color << "' x='" << f.x(rss) - 3
                    << "' y='" << f.y(us) - 3 << "'/>\n";
            else if (s.hollow_ring)
                svg << "<circle r='8' fill='none' stroke-width='2' stroke='" << s.color << "' cx='"
                    << f.x(rss) << "' cy='" << f.y(us) << "'/>\n";
            else
                svg << "<circle r='4' fill='" << s.color << "' cx='" << f.x(rss) << "' cy='"
                    << f.y(us) << "'/>\n";
        }
        svg << "<line x1='96' y1='" << 64 + 20 * i << "' x2='118' y2='" << 64 + 20 * i
            << "' stroke-width='" << s.width << "' stroke-dasharray='" << s.dash
            << "' stroke-opacity='" << (s.hollow_ring ? "0.45" : "1") << "' stroke='" << s.color
            << "'/><text x='124' y='" << 68 + 20 * i << "'>" << kMethods[i] << "</text>\n";
    }
    svg << "</svg>\n";
}

// Removes --json=PATH and --svg=PATH from argv (Google Benchmark rejects unknown flags).
std::string take_flag(int& argc, char** argv, const std::string& flag,
                      const std::string& fallback) {
    std::string value = fallback;
    std::string prefix = "--" + flag + "=";
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg.rfind(prefix, 0) == 0) {
            value = arg.substr(prefix.size());
        } else {
            argv[kept++] = argv[i];
        }
    }
    argc = kept;
    return value;
}

}  // namespace

int main(int argc, char** argv) {
    std::string json_path = take_flag(argc, argv, "json", "build/bench/spawn.json");
    std::string svg_path = take_flag(argc, argv, "svg", "");
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 2;
    register_benchmarks();
    CollectingReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    Measurements m = arrange(reporter);
    for (const char* method : kMethods) {
        if (m.series[method].size() != kBallastMiB.size()) {
            std::cerr << "bm_spawn: incomplete results (filtered run?): no table, JSON or plot\n";
            return 0;
        }
    }
    print_table(m);
    write_json(m, json_path);
    std::cout << "wrote " << json_path << "\n";
    if (!svg_path.empty()) {
        write_svg(m, svg_path);
        std::cout << "wrote " << svg_path << "\n";
    }
    return 0;
}
