#include "grade/grade.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <tuple>

#include <fmt/format.h>

#include "compile/lab_inspection.hpp"
#include "course/sys.hpp"
#include "course/unique_fd.hpp"
#include "grade/timings.hpp"
#include "hsys/io.hpp"
#include "hsys/parallel.hpp"
#include "hsys/temp_dir.hpp"
#include "results/sealed_results.hpp"
#include "sandbox/hidden_files.hpp"

namespace grader {
namespace fs = std::filesystem;

// What a test may send on its result channel: a few records of at most 60 KiB each.
constexpr std::size_t kSealedStreamCap = 512 * 1024;

static std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    if (from.empty())
        return text;
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

QuotableFiles QuotableFiles::of_course(const std::string& source_dir) {
    QuotableFiles quotable;
    quotable.source_dir = source_dir;
    quotable.build_dir = source_dir;
    quotable.folders = {source_dir + "/labs", source_dir + "/harness/include", "/usr/include",
                        "/usr/local/include", "/usr/lib/gcc"};
    return quotable;
}

namespace {

// Whether @p path is @p dir or lies inside it.
bool lies_in(const fs::path& path, const fs::path& dir) {
    auto [stop, ignored] = std::mismatch(dir.begin(), dir.end(), path.begin(), path.end());
    return stop == dir.end();
}

// Where a diagnostic line is located: the file of "FILE:LINE:COL: error: ..." (also
// "In file included from FILE:LINE," and "FILE:LINE:COL:   required from here"), or "" for
// a tool's own message ("cc1plus: error: ...", "collect2: error: ...").
std::string diagnostic_file(const std::string& line) {
    std::string text = line;
    for (const char* prefix : {"In file included from ", "                 from "}) {
        if (text.rfind(prefix, 0) == 0)
            text = text.substr(std::strlen(prefix));
    }
    // FILE is what comes before the first ":<digits>"; a name without a line is a tool.
    for (auto colon = text.find(':'); colon != std::string::npos;
         colon = text.find(':', colon + 1)) {
        if (colon + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[colon + 1])))
            return text.substr(0, colon);
    }
    auto colon = text.find(':');
    std::string name = text.substr(0, colon);
    return name.find('/') == std::string::npos ? "" : name;
}

// "FILE:LINE" of a diagnostic @p line located in @p file.
std::string file_and_line(const std::string& line, const std::string& file) {
    auto start = line.find(file);
    auto end = start + file.size() + 1;
    while (end < line.size() && std::isdigit(static_cast<unsigned char>(line[end])))
        ++end;
    return line.substr(start, end - start);
}

// The most of one log line the readers look at, and the most warnings they keep: a log
// is the compiler's account of the student's code, as long as that code makes it.
constexpr std::size_t kMaxLogLine = 4096;
constexpr std::size_t kMaxWarnings = 200;

// std::getline, then the line cut at kMaxLogLine bytes.
bool next_log_line(std::istream& in, std::string& line) {
    if (!std::getline(in, line))
        return false;
    if (line.size() > kMaxLogLine)
        line.resize(kMaxLogLine);
    return true;
}

bool quotable_file(const std::string& file, const QuotableFiles& quotable) {
    if (file.empty())
        return true;  // a tool's own words, no file's content
    std::error_code error;
    auto path = fs::weakly_canonical(fs::path(quotable.build_dir) / file, error);
    if (error)
        return false;
    for (const auto& hidden : quotable.except) {
        if (path == fs::weakly_canonical(hidden, error))
            return false;
    }
    for (const auto& folder : quotable.folders) {
        auto dir = fs::weakly_canonical(folder, error);
        if (!error && lies_in(path, dir))
            return true;
    }
    return false;
}

// first_compiler_error() without the guard against exceptions.
std::string find_first_error(const std::string& log, const QuotableFiles& quotable) {
    std::istringstream lines(log);
    std::string line, found, reached_from;
    int context = 0;
    while (next_log_line(lines, line)) {
        if (found.empty() && line.find("error:") != std::string::npos) {
            if (!quotable_file(diagnostic_file(line), quotable)) {
                found = "the build failed in a file outside your lab" +
                        (reached_from.empty() ? "" : ", reached from " + reached_from);
                break;
            }
            found = line;
            context = 2;
        } else if (found.empty()) {
            // The last place in a quotable file the compiler came through on its way.
            std::string file = diagnostic_file(line);
            if (!file.empty() && quotable_file(file, quotable))
                reached_from = file_and_line(line, file);
        } else if (context > 0 && !line.empty() && line[0] == ' ') {
            found += "\n" + line;  // its source excerpt: the quoted file's own lines
            --context;
        } else {
            context = 0;
        }
    }
    auto shown = replace_all(found, quotable.source_dir + "/", "");
    return replace_all(shown, quotable.build_dir + "/", "");
}

// compiler_warnings() without the guard against exceptions: what it found is in @p found.
void find_warnings(const std::string& log, const QuotableFiles& quotable,
                   const std::string& lab_dir, std::vector<std::string>& found) {
    std::error_code error;
    auto own = fs::weakly_canonical(lab_dir, error);
    if (error)
        return;
    std::istringstream lines(log);
    std::string line;
    while (next_log_line(lines, line) && found.size() < kMaxWarnings) {
        if (line.find(": warning: ") == std::string::npos)
            continue;
        std::string file = diagnostic_file(line);
        if (file.empty() || !quotable_file(file, quotable))
            continue;
        auto path = fs::weakly_canonical(fs::path(quotable.build_dir) / file, error);
        if (error || !lies_in(path, own))
            continue;
        auto shown = replace_all(replace_all(line, quotable.source_dir + "/", ""),
                                 quotable.build_dir + "/", "");
        if (std::find(found.begin(), found.end(), shown) == found.end())
            found.push_back(shown);
    }
}

}  // namespace

std::string first_compiler_error(const std::string& log, const QuotableFiles& quotable) noexcept {
    try {
        return find_first_error(log, quotable);
    } catch (const std::exception&) {  // out of memory: the log is there to read
        return std::string();
    }
}

std::vector<std::string> compiler_warnings(const std::string& log, const QuotableFiles& quotable,
                                           const std::string& lab_dir) noexcept {
    std::vector<std::string> found;
    try {
        find_warnings(log, quotable, lab_dir, found);
    } catch (const std::exception&) {  // out of memory: the warnings found so far
    }
    return found;
}

std::string first_compiler_error(const std::string& log, const std::string& source_dir) {
    return first_compiler_error(log, QuotableFiles::of_course(source_dir));
}

// Seconds left before the run's deadline (infinity when it has none; <= 0 once reached).
// Seconds until @p end (infinity without one).
static double seconds_until(const std::optional<std::chrono::steady_clock::time_point>& end) {
    if (!end)
        return std::numeric_limits<double>::infinity();
    return std::chrono::duration<double>(*end - std::chrono::steady_clock::now()).count();
}

// Seconds the lab being graded has left: of its share, and of the whole run's deadline.
static double seconds_left(const GradeOptions& options) {
    return std::min(seconds_until(options.deadline), seconds_until(options.lab_deadline));
}

// The verdict of a test the run's deadline kept from running (@p stopped: from finishing).
static TestResult not_run(const LabSpec& lab, const TestSpec& test, const GradeOptions& options,
                          bool stopped) {
    TestResult result;
    result.spec = test;
    result.lab = lab.id;
    result.verdict = Verdict::not_run;
    bool run_over = seconds_until(options.deadline) <= 0 || !options.lab_deadline;
    std::string why =
        run_over
            ? fmt::format("the run's deadline ({:g} s) was reached", options.deadline_seconds)
            : fmt::format("Lab {}'s share of the run's deadline ({:.0f} of {:g} s) was used up",
                          lab.id, options.lab_share_seconds, options.deadline_seconds);
    result.message = fmt::format("stopped by the deadline {}: {}",
                                 stopped ? "before it finished" : "before it ran", why);
    return result;
}

// The files a compile error or warning of @p options' build may quote (a batch's copy of
// the labs, without the hidden tests' sources, when it grades one).
static QuotableFiles quotable_files(const GradeOptions& options) {
    auto quotable = QuotableFiles::of_course(options.source_dir);
    quotable.build_dir = options.build_dir;
    if (!options.layout.labs_dir.empty()) {
        quotable.folders.front() = options.layout.labs_dir;  // a batch: the student's copy
        quotable.except = options.layout.hidden_sources;
    }
    return quotable;
}

// @p text with a batch's copy of the labs shown as "labs/01-process/...", wherever it is.
static std::string as_in_course(std::string text, const GradeOptions& options) {
    if (options.layout.labs_dir.empty())
        return text;
    auto parent = fs::path(options.layout.labs_dir).parent_path().string();
    return replace_all(std::move(text), parent + "/", "");
}

// What the build's @p log says to a student: the warnings in their lab's own files, and,
// when it failed, its first error (or where to look).
static void read_build_log(const LabSpec& lab, const std::string& log, const GradeOptions& options,
                           LabResult& result) {
    auto quotable = quotable_files(options);
    if (options.flavor == Flavor::student) {
        auto lab_dir = options.layout.labs_dir.empty()
                           ? lab.dir
                           : (fs::path(options.layout.labs_dir) / lab.slug).string();
        result.warnings = compiler_warnings(log, quotable, lab_dir);
        for (auto& warning : result.warnings)
            warning = as_in_course(warning, options);
    }
    if (result.built)
        return;
    result.build_error = as_in_course(first_compiler_error(log, quotable), options);
    if (result.build_error.empty())
        result.build_error = "the build failed (see the log)";
    // An error in another lab's folder comes from a lab this one builds on.
    std::string own = "labs/" + lab.slug + "/";
    if (result.build_error.rfind("labs/", 0) == 0 && result.build_error.rfind(own, 0) != 0) {
        result.build_error +=
            "\n(this error is in a lab that Lab " + lab.id + " builds on: fix that lab first)";
    }
}

// Builds the lab's test @p targets; fills built / build_error / build_log. @returns false when
// the run's deadline stopped the build.
static bool build_lab(const LabSpec& lab, const std::vector<std::string>& targets,
                      const GradeOptions& options, LabResult& result) {
    fs::path logs = options.logs_dir.empty() ? fs::path(options.build_dir) / "logs"
                                             : fs::path(options.logs_dir);
    fs::create_directories(logs);
    result.build_log =
        (logs / (lab.slug + "-" + to_string(options.flavor) + ".build.log")).string();
    Limits build_limits;
    build_limits.wall_seconds = std::min(900.0, seconds_left(options));
    build_limits.output_cap = 4 << 20;
    build_limits.address_space = 0;
    build_limits.file_size = 0;
    std::vector<std::string> command = {"/usr/bin/env", "cmake", "--build", options.build_dir,
                                        "--target"};
    if (!options.build_command.empty()) {
        command = options.build_command;
        command.push_back(options.build_dir);
    }
    command.insert(command.end(), targets.begin(), targets.end());
    auto since = timings::file_clock_now();
    auto run = [&] {
        timings::Timer timer("build");
        SandboxIo io;
        io.whole_environment = true;  // cmake, ninja and the compilers read theirs
        return run_sandboxed(command, options.build_dir, build_limits, io);
    }();
    timings::add_build_steps(timings::of_this_run(), options.build_dir, since);
    std::ofstream(result.build_log) << run.output;
    result.built = !run.timed_out && WIFEXITED(run.raw_status) && WEXITSTATUS(run.raw_status) == 0;
    if (run.timed_out && build_limits.wall_seconds < 900) {
        result.build_error = "the build was stopped: the run's deadline was reached";
        return false;
    }
    read_build_log(lab, run.output, options, result);
    return true;
}

// How many tests of a lab run side by side: options.test_jobs in namespaces, else 1.
static int tests_side_by_side(const GradeOptions& options) {
    return options.limits.isolate ? std::max(1, options.test_jobs) : 1;
}

// Runs a test with the result channel: a fresh secret on a pipe of its own (descriptor 3
// in the test), the sealed records on another (descriptor 4).
static std::pair<Outcome, FrameworkResult> run_sealed(const LabSpec& lab, const TestSpec& test,
                                                      const std::string& executable,
                                                      const fs::path& scratch,
                                                      const Limits& limits) {
    auto secret = harness::channel::make_secret();
    auto secret_pipe = course::make_pipe();
    auto results = course::make_pipe();
    std::string bytes = harness::channel::serialize(secret);
    hsys::write_all(secret_pipe.write.get(), bytes);
    secret_pipe.write.reset();  // the test reads the secret to end of file, without waiting
    SandboxIo io;
    io.pass_fds = {secret_pipe.read.get(), results.write.get()};
    io.stream_fd = results.read.get();
    io.stream_cap = kSealedStreamCap;
    io.env = {std::string(harness::channel::kEnvironmentVariable) + "=3,4"};
    io.look_at_deadline = true;  // a timeout is told with where the test was
    auto run = run_sandboxed(sealed_test_command(lab.framework, executable, test.name),
                             scratch.string(), limits, io);
    auto reported =
        read_sealed_result(run.stream, run.stream_bytes, io.stream_cap, secret, test.name);
    return {std::move(run), std::move(reported)};
}

// Removes the scratch folder of a test whose processes are all gone. What cannot be removed
// (a tree too big for remove_tree()'s budget, an error) is never left silently: the test's
// message and leftover name it, and the lab is flagged (LabResult::flag_reason()).
static void remove_scratch(hsys::TempDir& scratch_dir, TestResult& result) {
    fs::path scratch = scratch_dir.release();
    if (hsys::remove_tree(scratch))
        return;
    result.leftover = scratch.string();
    result.message += std::string(result.message.empty() ? "" : "\n") +
                      "the grader could not remove everything this test left in its scratch "
                      "folder (" +
                      result.leftover + "): the lab is flagged for your instructor to review.";
}

// Runs one test alone in the sandbox and judges it.
static TestResult run_one_test(const LabSpec& lab, const TestSpec& test,
                               const std::string& executable, const GradeOptions& options) {
    // The grader's side of the sandbox included; side by side, the CPU time is the lab's.
    timings::Timer timer("tests", tests_side_by_side(options) > 1 ? timings::Measure::wall
                                                                  : timings::Measure::wall_and_cpu);
    hsys::TempDir scratch_dir("grader");  // the test's working directory, removed after
    const fs::path& scratch = scratch_dir.path();
    Limits limits = options.limits;
    limits.wall_seconds = std::min(lab.time_limit, seconds_left(options));
    auto [run, reported] = run_sealed(lab, test, executable, scratch, limits);
    timings::add_to_run("test programs", run.seconds);
    // Stopped at the run's deadline, before its own limit: it is not run, not timed out.
    if (run.timed_out && limits.wall_seconds < lab.time_limit) {
        auto stopped = not_run(lab, test, options, true);
        stopped.timeline =
            replace_all(describe_deadline_snapshot(run.at_deadline, options.source_dir),
                        options.source_dir + "/", "");
        stopped.seconds = run.seconds;
        stopped.output = run.output;  // for instructors: what it printed until then
        remove_scratch(scratch_dir, stopped);
        return stopped;
    }
    auto result = judge(test, lab, run, reported);
    if (result.verdict == Verdict::timeout)
        result.timeline = describe_deadline_snapshot(run.at_deadline, options.source_dir);
    result.message = replace_all(result.message, options.source_dir + "/", "");
    result.timeline = replace_all(result.timeline, options.source_dir + "/", "");
    remove_scratch(scratch_dir, result);
    return result;
}

// run_one_test(), whose exception (the grader could not run or judge the test: no pipe,
// no memory) becomes the test's verdict, `integrity`, instead of ending the whole run.
static TestResult run_one_test_guarded(const LabSpec& lab, const TestSpec& test,
                                       const std::string& executable, const GradeOptions& options) {
    try {
        return run_one_test(lab, test, executable, options);
    } catch (const std::exception& e) {
        TestResult failed;
        failed.spec = test;
        failed.lab = lab.id;
        failed.verdict = Verdict::integrity;
        failed.message = std::string("integrity: the grader could not run or judge this test (") +
                         e.what() +
                         "). It is worth 0, and the lab is flagged for your "
                         "instructor to review.";
        return failed;
    }
}

LabResult ungraded_lab(const LabSpec& lab, Verdict verdict, const std::string& reason,
                       const std::string& message) {
    LabResult result;
    result.lab = lab;
    result.ungraded = reason;
    result.build_error = "not graded: " + reason;
    for (const auto& test : lab.tests) {
        TestResult ungraded;
        ungraded.spec = test;
        ungraded.lab = lab.id;
        ungraded.verdict = verdict;
        ungraded.message = message;
        result.tests.push_back(ungraded);
    }
    return result;
}

const BuildTarget& test_program(const LabSpec& lab, Flavor flavor, bool hidden) {
    if (hidden)
        return flavor == Flavor::student ? lab.hidden_student : lab.hidden_reference;
    return flavor == Flavor::student ? lab.student : lab.reference;
}

namespace {

// True when @p library was built from the lab's sources as they are now (not older than any
// of them): a test program that failed to link still has it to inspect.
bool library_is_current(const LabSpec& lab, const std::string& library) {
    std::error_code error;
    auto built = fs::last_write_time(library, error);
    if (error)
        return false;
    for (const auto& source : lab.sources) {
        auto written = fs::last_write_time(fs::path(lab.dir) / source, error);
        if (error || written > built)
            return false;
    }
    return true;
}

// Inspects the lab's compiled code (lab_inspection.hpp) into @p result: its findings join the
// review notes, and one that refuses sets result.distrusted. The code is inspected even when
// the test program did not link: a reference to something the course keeps to itself is a
// link error, and a reason to look.
void inspect_compiled_code(const LabSpec& lab, const GradeOptions& options, LabResult& result) {
    const BuildTarget& target = options.flavor == Flavor::student ? lab.student : lab.reference;
    if (!options.inspect_compiled_code ||
        !(result.built || library_is_current(lab, target.library)))
        return;
    timings::Timer timer("inspection");
    auto inspection = inspect_lab(lab, options.flavor == Flavor::student, options.course,
                                  options.trusted_binaries);
    auto notes = inspection.notes();
    result.review.insert(result.review.end(), notes.begin(), notes.end());
    if (inspection.refuses())
        result.distrusted = inspection.integrity_message();
}

// Builds (or, without options.build, finds) the programs of the lab's tests, visible and
// hidden; fills built / build_error / build_stopped.
void prepare_lab(const LabSpec& lab, const GradeOptions& options, LabResult& result) {
    const BuildTarget& visible = test_program(lab, options.flavor, false);
    const BuildTarget& hidden = test_program(lab, options.flavor, true);
    bool needs_hidden = has_hidden_tests(lab);
    if (seconds_left(options) <= 0) {
        result.build_error = "not built: the run's deadline was reached";
        result.build_stopped = true;
    } else if (visible.target.empty() || (needs_hidden && hidden.target.empty())) {
        result.build_error = "this build has no " + to_string(options.flavor) + " flavour" +
                             (visible.target.empty() ? "" : " of the hidden tests");
    } else if (options.build) {
        std::vector<std::string> targets = {visible.target};
        if (needs_hidden)
            targets.push_back(hidden.target);
        try {
            result.build_stopped = !build_lab(lab, targets, options, result);
        } catch (const std::exception& e) {  // the grader's own failure: no folder, no log
            result.built = false;
            result.build_error = std::string("the grader could not build this lab: ") + e.what();
        }
    } else {
        result.built =
            fs::exists(visible.executable) && (!needs_hidden || fs::exists(hidden.executable));
        if (!result.built)
            result.build_error =
                "not built: " + (fs::exists(visible.executable) ? hidden : visible).executable;
    }
    if (options.guard_hidden_files && has_hidden_tests(lab)) {
        close_hidden_files(lab, options.layout);  // a new link is readable by all again
        close_to_others(result.build_log);        // a link error names a hidden test
    }
}

// Tries again, with a fresh budget, to remove the scratch folders the lab's tests left, so
// that a run does not keep them: one removed now is said so in its test's message, and
// stays named in leftover (and so in the flag): the test did make it.
void retry_leftovers(LabResult& result) {
    for (auto& t : result.tests) {
        std::error_code gone;  // removed by an earlier try, or the path cannot be read
        if (t.leftover.empty() || !fs::exists(fs::symlink_status(t.leftover, gone)))
            continue;
        if (hsys::remove_tree(t.leftover))
            t.message += " A second try, after the lab's other tests, removed it.";
    }
}

// Grades @p test of @p lab: it runs, or gets not-run (deadline), integrity (the lab's code
// is refused) or compile-error (the lab did not build). Reads @p result, never writes it.
TestResult grade_test(const LabSpec& lab, const TestSpec& test, const std::string& executable,
                      const GradeOptions& options, const LabResult& result) {
    if (result.build_stopped || seconds_left(options) <= 0)
        return not_run(lab, test, options, false);
    TestResult graded;
    graded.spec = test;
    graded.lab = lab.id;
    if (!result.distrusted.empty()) {
        graded.verdict = Verdict::integrity;
        graded.message = result.distrusted;
    } else if (!result.built) {
        graded.verdict = Verdict::compile_error;
        graded.message = "the lab does not compile: " + result.build_error;
    } else {
        graded = run_one_test_guarded(lab, test, executable, options);
    }
    return graded;
}

// Grades the tests of @p lab whose `hidden` is @p hidden into @p result, in the lab's
// order, up to options.test_jobs of them side by side.
void grade_tests(const LabSpec& lab, bool hidden, const GradeOptions& options, LabResult& result) {
    const std::string& executable = test_program(lab, options.flavor, hidden).executable;
    std::vector<const TestSpec*> tests;
    for (const auto& test : lab.tests) {
        if (test.hidden == hidden)
            tests.push_back(&test);
    }
    std::vector<TestResult> graded(tests.size());
    {
        int jobs = tests_side_by_side(options);
        std::optional<timings::Timer> cpu;
        if (jobs > 1)
            cpu.emplace("tests", timings::Measure::cpu);
        hsys::for_each_index(tests.size(), jobs, [&](std::size_t i) {
            graded[i] = grade_test(lab, *tests[i], executable, options, result);
        });
    }
    for (auto& test : graded)
        result.tests.push_back(std::move(test));
    retry_leftovers(result);
}

}  // namespace

bool has_hidden_tests(const LabSpec& lab) {
    return std::any_of(lab.tests.begin(), lab.tests.end(), [](const auto& t) { return t.hidden; });
}

LabResult grade_visible_tests(const LabSpec& lab, const GradeOptions& options) {
    LabResult result;
    result.lab = lab;
    prepare_lab(lab, options, result);
    if (options.flavor == Flavor::student)
        result.review = review_sources(lab, lab.dir);
    inspect_compiled_code(lab, options, result);
    grade_tests(lab, false, options, result);
    return result;
}

// Notes, in @p result, the stub's todo() calls still in the sources of tasks that pass in
// full (only a student's code has them).
static void note_todos_of_passing_tasks(LabResult& result, const GradeOptions& options) {
    if (options.flavor != Flavor::student)
        return;
    std::vector<int> passing;
    for (const auto& task : result.lab.tasks) {
        auto [earned, available] = result.task_score(task.number);
        if (available > 0 && earned == available)
            passing.push_back(task.number);
    }
    auto notes = todos_of_passing_tasks(result.lab, result.lab.dir, passing);
    result.review.insert(result.review.end(), notes.begin(), notes.end());
}

void grade_hidden_tests(LabResult& result, const GradeOptions& options) {
    const LabSpec& lab = result.lab;
    if (!has_hidden_tests(lab)) {
        note_todos_of_passing_tasks(result, options);
        return;
    }
    if (options.guard_hidden_files && result.built)
        open_hidden_program(test_program(lab, options.flavor, true).executable);
    grade_tests(lab, true, options, result);
    // In lab.json's order again, whatever the order they ran in.
    auto declared = [&](const TestResult& t) {
        auto at = std::find_if(lab.tests.begin(), lab.tests.end(),
                               [&](const TestSpec& spec) { return spec.name == t.spec.name; });
        return at - lab.tests.begin();
    };
    std::stable_sort(
        result.tests.begin(), result.tests.end(),
        [&](const TestResult& a, const TestResult& b) { return declared(a) < declared(b); });
    note_todos_of_passing_tasks(result, options);
}

LabResult grade_lab(const LabSpec& lab, const GradeOptions& options) {
    auto result = grade_visible_tests(lab, options);
    grade_hidden_tests(result, options);
    return result;
}

namespace {

// Why @p name cannot be a test's name ("" when it can): empty, longer than kMaxTestName,
// or holding a control character.
const char* test_name_problem(std::string_view name) {
    if (name.empty() || name.size() > kMaxTestName)
        return "a test name that is empty or too long";
    bool control = std::any_of(name.begin(), name.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    });
    return control ? "a test name with a control character" : "";
}

// Adds @p name to @p listing, or sets its problem.
void add_listed(std::string name, TestListing& listing) {
    const char* problem = test_name_problem(name);
    if (*problem != '\0')
        listing.problem = problem;
    else if (listing.names.size() >= kMaxListedTests)
        listing.problem = "more tests than a lab has";
    else
        listing.names.push_back(std::move(name));
}

// One line of GoogleTest's listing: "Suite." (maybe "  # TypeParam = ..." after it) starts a
// suite, "  Name" (maybe "  # GetParam() = ...") is one of its tests.
void parse_gtest_line(const std::string& line, std::string& suite, TestListing& listing) {
    if (line[0] != ' ') {
        suite = line.substr(0, line.find(' '));
        if (suite.size() < 2 || suite.back() != '.')
            listing.problem = "a suite line that does not end with '.'";
        return;
    }
    if (suite.empty() || line.size() < 3 || line.compare(0, 2, "  ") != 0 || line[2] == ' ') {
        listing.problem = "a test line that is not \"  Name\" under a suite";
        return;
    }
    add_listed(suite + line.substr(2, line.find(' ', 2) - 2), listing);
}

}  // namespace

TestListing parse_test_listing(const std::string& framework, const std::string& output) noexcept {
    TestListing listing;
    try {
        std::istringstream lines(output);
        std::string line, suite;
        while (*listing.problem == '\0' && std::getline(lines, line)) {
            if (line.empty())
                continue;
            if (framework == "catch2")
                add_listed(line, listing);
            else
                parse_gtest_line(line, suite, listing);
        }
    } catch (const std::exception&) {
        listing.problem = nullptr;
    }
    if (listing.problem == nullptr)
        listing.problem = "a listing too large to read";
    if (*listing.problem != '\0')
        listing.names.clear();
    return listing;
}

std::vector<std::string> list_tests(const LabSpec& lab, const std::string& executable) {
    hsys::TempDir scratch("grader");
    Limits limits;
    limits.wall_seconds = 30;
    limits.output_cap = 1 << 20;
    std::vector<std::string> command = {executable, "--gtest_list_tests"};
    if (lab.framework == "catch2")
        command = {executable, "--list-test-names-only"};
    auto run = run_sandboxed(command, scratch.path().string(), limits);
    auto listing = parse_test_listing(lab.framework, run.output);
    if (*listing.problem != '\0') {
        throw std::runtime_error(executable +
                                 " listed its tests in a way the grader cannot read (" +
                                 listing.problem + ")");
    }
    return std::move(listing.names);
}

}  // namespace grader
