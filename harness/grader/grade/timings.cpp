// Where a grading run's time goes (timings.hpp): phases added up in this process, and the
// steps of a build read back from Ninja's log.
#include "grade/timings.hpp"

#include <sys/resource.h>
#include <time.h>

#include <charconv>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "course/sys.hpp"

namespace grader::timings {

namespace {

// CPU seconds, user and system, of this process and of the children it waited for so far.
double cpu_so_far() {
    double seconds = 0;
    for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
        rusage usage{};
        if (::getrusage(who, &usage) != 0)
            continue;  // never on Linux: a phase's CPU time is then left short
        for (const timeval& t : {usage.ru_utime, usage.ru_stime})
            seconds += static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    }
    return seconds;
}

std::mutex& run_lock() {
    static std::mutex lock;
    return lock;
}

// One line of Ninja's log (v5, v6): start and end in ms since that build began, the
// output's time stamp (ns), the output, a hash of the command; nullopt for another line.
struct LogStep {
    long start_ms = 0, end_ms = 0;
    std::int64_t stamp = 0;
    std::string output;
};

std::optional<LogStep> parse_log_line(std::string_view line) {
    std::vector<std::string_view> fields;
    for (std::size_t at; (at = line.find('\t')) != std::string_view::npos;) {
        fields.push_back(line.substr(0, at));
        line.remove_prefix(at + 1);
    }
    fields.push_back(line);
    if (fields.size() != 5)
        return std::nullopt;
    LogStep step;
    auto number = [](std::string_view text, auto& value) {
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        return error == std::errc() && end == text.data() + text.size();
    };
    if (!number(fields[0], step.start_ms) || !number(fields[1], step.end_ms) ||
        !number(fields[2], step.stamp))
        return std::nullopt;
    step.output = std::string(fields[3]);
    return step;
}

}  // namespace

void add(Phases& phases, const std::string& phase, double seconds, long count, double cpu_seconds) {
    Phase& totals = phases[phase];
    totals.seconds += seconds;
    totals.count += count;
    totals.cpu_seconds += cpu_seconds;
}

Phases& of_this_run() {
    static Phases phases;
    return phases;
}

void add_to_run(const std::string& phase, double seconds, long count, double cpu_seconds) {
    std::lock_guard guard(run_lock());
    add(of_this_run(), phase, seconds, count, cpu_seconds);
}

Timer::Timer(std::string phase, Measure measure)
    : phase_(std::move(phase)),
      measure_(measure),
      start_(std::chrono::steady_clock::now()),
      cpu_start_(cpu_so_far()) {}

Timer::~Timer() {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    double cpu_seconds = cpu_so_far() - cpu_start_;
    try {
        if (measure_ == Measure::wall)
            add_to_run(phase_, seconds, 1, 0);
        else if (measure_ == Measure::cpu)
            add_to_run(phase_, 0, 0, cpu_seconds);
        else
            add_to_run(phase_, seconds, 1, cpu_seconds);
    } catch (...) {
        // no memory for a phase's name: its time is not counted, the run goes on
    }
}

std::int64_t file_clock_now() {
    timespec now{};
    course::check(::clock_gettime(CLOCK_REALTIME_COARSE, &now), "clock_gettime");
    return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

void add_build_steps(Phases& phases, const std::string& build_dir, std::int64_t since) {
    std::ifstream log(build_dir + "/.ninja_log");
    std::string line;
    if (!std::getline(log, line) || line.rfind("# ninja log v", 0) != 0)
        return;
    while (std::getline(log, line)) {
        auto step = parse_log_line(line);
        if (!step || step->stamp < since || step->end_ms < step->start_ms)
            continue;  // a step of an earlier build (or a line Ninja did not write whole)
        bool object = std::string_view(step->output).ends_with(".o");
        add(phases, object ? "compile" : "link", (step->end_ms - step->start_ms) / 1000.0);
    }
}

std::string to_json(const Phases& phases) {
    nlohmann::ordered_json json = nlohmann::ordered_json::object();
    for (const auto& [name, phase] : phases)
        json[name] = {
            {"seconds", phase.seconds}, {"count", phase.count}, {"cpu_seconds", phase.cpu_seconds}};
    return json.dump(2) + "\n";
}

Phases from_json(const std::string& json) {
    Phases phases;
    auto parsed = nlohmann::json::parse(json);
    for (const auto& [name, phase] : parsed.items())
        phases[name] = {phase.at("seconds").get<double>(), phase.at("count").get<long>(),
                        phase.value("cpu_seconds", 0.0)};
    return phases;
}

}  // namespace grader::timings
