// bm_sandbox: what the grader's sandbox costs per test, as a ratio to a bare posix_spawn +
// waitpid of the same test program (a lab's GoogleTest program, --gtest_filter to one
// test), measured in the same run.
//
// Usage: bm_sandbox [--rounds=N] [--runs=N] [--ballast=MIB] [--json=PATH]
//   --rounds  rounds (default 9); each runs the test --runs times (default 12) bare and
//             as many times sandboxed, one of each in turn (the order alternating), so
//             that both see the same machine at the same time
//   --ballast MiB of memory this program holds resident (default 0), as a grader grown
//             big would: what a fork of it would have to copy
//   --json    where to write the numbers (default none)
// Prints, for wall time and for CPU time (user + system of the bench and everything it
// reaped: the launcher, the init, the test), each side's median per run, the median
// ratio over the rounds and its spread (lowest and highest round). The sandbox is the
// grader's own: the protections apply_protections() turns on here (namespaces when they
// work, the view of this build's course, seccomp, the cgroup when there is one), with
// GRADER_NO_NAMESPACES=1 the fallback. Takes about 10 s on 2 idle cores.
//
// The median and spread helpers are this file's own (bench_support.hpp may grow shared
// ones).
#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "course/sys.hpp"
#include "hsys/temp_dir.hpp"
#include "sandbox/protections.hpp"
#include "sandbox/sandbox.hpp"
#include "sandbox/view.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// Seconds of CPU used so far by this process and every child it reaped.
double cpu_seconds() {
    double total = 0;
    for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
        rusage usage{};
        course::check(::getrusage(who, &usage), "getrusage");
        for (const timeval& t : {usage.ru_utime, usage.ru_stime})
            total += static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    }
    return total;
}

struct Cost {
    double wall = 0;  // seconds
    double cpu = 0;   // seconds
};

template <typename F>
Cost measure(F run) {
    double cpu = cpu_seconds();
    auto start = Clock::now();
    run();
    return {std::chrono::duration<double>(Clock::now() - start).count(), cpu_seconds() - cpu};
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    std::size_t n = values.size();
    return n == 0 ? 0 : n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// The test program run bare: posix_spawn + waitpid, output to /dev/null like the
// sandbox's pipe would take it.
void run_bare(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& arg : argv)
        args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    course::check_returned(::posix_spawn_file_actions_init(&actions),
                           "posix_spawn_file_actions_init");
    ::posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    ::posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid = -1;
    int failed = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
    ::posix_spawn_file_actions_destroy(&actions);
    course::check_returned(failed, "posix_spawn");
    int status = 0;
    course::retry_on_eintr("waitpid", [&] { return ::waitpid(pid, &status, 0); });
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("the bare test failed");
}

void run_sandboxed(const std::vector<std::string>& argv, const grader::Limits& limits) {
    hsys::TempDir scratch("bm-sandbox");
    auto run = grader::run_sandboxed(argv, scratch.path().string(), limits);
    if (!run.sandbox_error.empty())
        throw std::runtime_error("the sandbox failed: " + run.sandbox_error);
    if (!WIFEXITED(run.raw_status) || WEXITSTATUS(run.raw_status) != 0)
        throw std::runtime_error("the sandboxed test failed:\n" + run.output);
}

int flag(int argc, char** argv, const std::string& name, int fallback,
         std::string* text = nullptr) {
    std::string prefix = "--" + name + "=";
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg.rfind(prefix, 0) == 0) {
            if (text != nullptr)
                *text = arg.substr(prefix.size());
            return text != nullptr ? 0 : std::atoi(arg.c_str() + prefix.size());
        }
    }
    return fallback;
}

// Keeps @p mib MiB resident until the program ends, in small pages (MADV_NOHUGEPAGE: a
// heap grown by malloc is mostly 4 KiB pages, each a page table entry a fork copies).
void hold_resident(std::size_t mib) {
    if (mib == 0)
        return;
    std::size_t bytes = mib << 20;
    void* memory =
        ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED)
        course::throw_errno("mmap");
    ::madvise(memory, bytes, MADV_NOHUGEPAGE);
    auto* page = static_cast<volatile char*>(memory);
    for (std::size_t i = 0; i < bytes; i += 4096)
        page[i] = 1;
}

struct Side {
    std::vector<double> wall, cpu;  // per run, one entry per round
};

}  // namespace

int main(int argc, char** argv) try {
    int rounds = std::max(1, flag(argc, argv, "rounds", 9));
    int runs = std::max(1, flag(argc, argv, "runs", 12));
    std::string json_path;
    flag(argc, argv, "json", 0, &json_path);
    auto ballast_mib = static_cast<std::size_t>(std::max(0, flag(argc, argv, "ballast", 0)));
    hold_resident(ballast_mib);
    const std::vector<std::string> test = {BM_SANDBOX_TEST_PROGRAM,
                                           "--gtest_filter=" BM_SANDBOX_TEST_NAME};
    grader::Limits limits;
    auto active = grader::apply_protections(
        limits, grader::read_course_layout(COURSE_BINARY_DIR "/course-manifest.json"));
    std::cout << "The sandbox under test:\n";
    for (const auto& line : active)
        std::cout << "  - " << line << "\n";
    run_bare(test);  // warm up: the program and its libraries in the page cache
    run_sandboxed(test, limits);
    Side bare, boxed;
    std::vector<double> wall_ratio, cpu_ratio;
    for (int round = 0; round < rounds; ++round) {
        Cost b, s;
        for (int i = 0; i < runs; ++i) {
            bool bare_first = (round * runs + i) % 2 == 0;
            if (bare_first) {
                Cost c = measure([&] { run_bare(test); });
                b.wall += c.wall, b.cpu += c.cpu;
            }
            Cost c = measure([&] { run_sandboxed(test, limits); });
            s.wall += c.wall, s.cpu += c.cpu;
            if (!bare_first) {
                Cost c2 = measure([&] { run_bare(test); });
                b.wall += c2.wall, b.cpu += c2.cpu;
            }
        }
        bare.wall.push_back(b.wall / runs), bare.cpu.push_back(b.cpu / runs);
        boxed.wall.push_back(s.wall / runs), boxed.cpu.push_back(s.cpu / runs);
        wall_ratio.push_back(s.wall / b.wall);
        cpu_ratio.push_back(b.cpu > 0 ? s.cpu / b.cpu : 0);
    }
    auto line = [](const char* what, const std::vector<double>& bare_side,
                   const std::vector<double>& boxed_side, const std::vector<double>& ratio) {
        return fmt::format(
            "{:<5} bare {:7.2f} ms  sandboxed {:7.2f} ms  ratio {:.2f}x (rounds "
            "{:.2f}x to {:.2f}x)",
            what, 1e3 * median(bare_side), 1e3 * median(boxed_side), median(ratio),
            *std::min_element(ratio.begin(), ratio.end()),
            *std::max_element(ratio.begin(), ratio.end()));
    };
    std::cout << fmt::format(
                     "\n{} per run, median of {} rounds of {} runs each, {} MiB of ballast "
                     "(bare: posix_spawn + waitpid of the same program):\n",
                     BM_SANDBOX_TEST_NAME, rounds, runs, ballast_mib)
              << line("wall", bare.wall, boxed.wall, wall_ratio) << "\n"
              << line("cpu", bare.cpu, boxed.cpu, cpu_ratio) << "\n";
    if (!json_path.empty()) {
        std::ofstream out(json_path);
        out << fmt::format(
            "{{\"test\": \"{}\", \"rounds\": {}, \"runs\": {}, \"ballast_mib\": {}, "
            "\"bare_wall_ms\": {:.3f}, "
            "\"sandboxed_wall_ms\": {:.3f}, \"wall_ratio\": {:.3f}, \"wall_ratio_min\": {:.3f}, "
            "\"wall_ratio_max\": {:.3f}, \"bare_cpu_ms\": {:.3f}, \"sandboxed_cpu_ms\": {:.3f}, "
            "\"cpu_ratio\": {:.3f}}}\n",
            BM_SANDBOX_TEST_NAME, rounds, runs, ballast_mib, 1e3 * median(bare.wall),
            1e3 * median(boxed.wall), median(wall_ratio),
            *std::min_element(wall_ratio.begin(), wall_ratio.end()),
            *std::max_element(wall_ratio.begin(), wall_ratio.end()), 1e3 * median(bare.cpu),
            1e3 * median(boxed.cpu), median(cpu_ratio));
    }
    return 0;
} catch (const std::exception& e) {
    std::cerr << "bm_sandbox: " << e.what() << "\n";
    return 1;
}
