// grader: builds and grades the course's labs, writes the scoreboard and the reports.
//
//   grader [--manifest build/course-manifest.json] [--flavor student|reference]
//          [--lab 01 ...] [--no-build] [--reports DIR] [--expect full|baseline]
//          [--check-declared] [--check-stubs] [--show-hidden] [--overlay SUBMISSION]
//          [--deadline SECONDS] [--scale MAX] [--test Suite.Name] [--logs DIR]
//          [--prairielearn RESULTS_JSON] [--autolab] [--timings FILE] [--test-jobs N]
//   grader [--manifest ...] --labs-built-on ID
//   grader batch --submissions DIR [--course .] [--jobs N] [--gradebook FILE]
//          [--work DIR] [--lab 01 ...] [--student NAME ...] [--timeout S] [--deadline S]
//          [--cmake-arg ARG ...] [--no-compile-cache] [--wrap PROGRAM] [--shard K/N]
//   grader merge [--work DIR] [--gradebook FILE] SHARD_WORK_DIR...
//   grader check lab-json|tests|stubs|given-code|all [--manifest M | --root DIR] [--lab 01 ...]
//
// --deadline bounds the whole run: what is still running then is stopped, every test not
// run to its end gets the verdict not-run, and the reports are written as usual.
// --scale MAX reports the total out of MAX: every test's points scaled by the same factor,
// in hundredths that add up to MAX.
// --test Suite.Name grades that test alone and prints all of its failure (no reports).
// --prairielearn PATH also writes PrairieLearn's results.json at PATH; --autolab ends stdout
// with Autolab's two lines, its scores last (harness/README.md, "PrairieLearn", "Autolab").
// An unknown --lab or --test is refused with what exists (exit 2).
// --timings FILE also writes where the run's time went, as JSON (timings.hpp): never read
// by a report or a verdict.
// --test-jobs N runs up to N of a lab's tests side by side (default: 2 on 2 cores or more),
// in namespaces only: without them the tests run one at a time (grade.hpp, test_jobs).
// Verdicts, reports and their order do not depend on it.
// --labs-built-on ID prints ID and the ids of the labs that build on it, directly or not
// (what `make watch` regrades when a file of lab ID changes), and exits.
//
// --overlay copies a student's submission (its files for the "sources" of each lab graded,
// and of the labs they build on) over the built course's labs before grading: what
// Gradescope's run_autograder does.
// `batch` grades one subfolder of DIR per student, each in its own grader process, in one
// build per job reused from student to student (--no-compile-cache: a fresh build each),
// and writes a CSV gradebook (see harness/README.md, "## Platforms");
// with --student, only those students, whose rows replace theirs in the gradebook.
// --shard K/N grades every N-th student only (the K-th, from 1, in the sorted class) and
// writes <work>/shard.json; `merge` checks that its arguments are shards 1..N of one batch
// and writes the gradebook and student folders one `batch` would have written.
//
// Exit status: 0 when grading ran (whatever the score); 1 when --expect or
// --check-declared found a difference (batch: when a student's reports could not be
// written); 2 for bad usage, when grading could not run, or when --overlay refused the
// submission (its reports are written all the same, every test `integrity`, saying why);
// merge: 0 when merged, 2 when the shards cannot be (missing, given twice, of different
// batches, malformed), nothing written then.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string_view>

#include <unistd.h>

#include "batch/batch.hpp"
#include "batch/shards.hpp"
#include "batch/submission.hpp"
#include "course/file.hpp"
#include "grade/grade.hpp"
#include "grade/timings.hpp"
#include "hsys/io.hpp"
#include "labcheck/labcheck.hpp"
#include "reports/reports.hpp"
#include "sandbox/hidden_files.hpp"
#include "sandbox/protections.hpp"

namespace {

struct Options {
    std::string manifest = "build/course-manifest.json";
    std::string flavor = "student";
    std::vector<std::string> labs;
    bool no_build = false;
    std::string reports;
    std::string logs;
    std::string expect;
    bool check_declared = false;
    bool check_stubs = false;
    bool show_hidden = false;
    std::string overlay;
    double deadline = 0;       // seconds for the whole run (0: none)
    double scale = 0;          // the total's maximum (0: lab.json's points as they are)
    std::string test;          // --test: grade only this test and show all of its failure
    std::string built_on;      // --labs-built-on: list the labs to regrade after this one changes
    std::string prairielearn;  // also PrairieLearn's results.json there (/grade/results/...)
    bool autolab = false;      // end stdout with Autolab's feedback and autoresult lines
    std::string timings;       // --timings: where the run's time went, as JSON (timings.hpp)
    std::string build_with;    // --build-with: builds each lab instead of cmake --build
    int test_jobs = 0;         // --test-jobs: a lab's tests side by side (0: by the cores)
};

// The build folder: the manifest's, made absolute first (a bare "course-manifest.json" has
// an empty parent, which would put the reports in /reports).
std::string build_dir_of(const Options& options) {
    return std::filesystem::absolute(options.manifest).lexically_normal().parent_path().string();
}

// True when --lab @p wanted names the lab @p id ("1" and "01" both name Lab 01).
bool names_lab(const std::string& wanted, const std::string& id) {
    return wanted == id || (wanted.size() == 1 && "0" + wanted == id);
}

bool selected(const Options& options, const std::string& id) {
    if (options.labs.empty())
        return true;
    for (const auto& wanted : options.labs) {
        if (names_lab(wanted, id))
            return true;
    }
    return false;
}

// Whether the tests of @p lab that the program lists as @p actual agree with lab.json, for
// its visible tests (@p hidden false) or hidden ones; says each difference on stderr.
// @returns how many differences.
int compare_declared(const grader::LabSpec& lab, bool hidden,
                     const std::vector<std::string>& actual) {
    int problems = 0;
    const char* which = hidden ? "hidden" : "visible";
    for (const auto& name : actual) {
        auto declared = std::find_if(lab.tests.begin(), lab.tests.end(),
                                     [&](const auto& t) { return t.name == name; });
        if (declared == lab.tests.end() || declared->hidden != hidden) {
            std::cerr << lab.dir << "/lab.json: test " << name << " of the " << which
                      << " tests' program is not declared"
                      << (declared == lab.tests.end() ? "" : " there (see \"hidden\")") << "\n";
            ++problems;
        }
    }
    for (const auto& t : lab.tests) {
        if (t.hidden == hidden && std::find(actual.begin(), actual.end(), t.name) == actual.end()) {
            std::cerr << lab.dir << "/lab.json: declares " << t.name << ", which the " << which
                      << " tests' program does not define\n";
            ++problems;
        }
    }
    return problems;
}

// --check-declared: every lab.json must list exactly the tests its programs have: the
// visible tests in the visible program, the hidden ones in the hidden program.
int check_declared(const std::vector<grader::LabSpec>& labs, const Options& options) {
    auto flavor =
        options.flavor == "reference" ? grader::Flavor::reference : grader::Flavor::student;
    int problems = 0;
    for (const auto& lab : labs) {
        if (!selected(options, lab.id))
            continue;
        for (bool hidden : {false, true}) {
            const auto& program = grader::test_program(lab, flavor, hidden);
            std::vector<std::string> actual;
            if (!program.executable.empty())
                actual = grader::list_tests(lab, program.executable);
            problems += compare_declared(lab, hidden, actual);
        }
    }
    std::cout << (problems ? "lab.json files disagree with the tests\n"
                           : "every lab.json lists exactly its tests\n");
    return problems ? 1 : 0;
}

// --check-stubs: each stub file must still say, for every task, `TODO: Task N`.
int check_stubs(const std::vector<grader::LabSpec>& labs) {
    int problems = 0;
    for (const auto& lab : labs) {
        std::string stubs;
        for (const auto& source : lab.sources) {
            try {
                stubs += course::read_file(lab.dir + "/" + source);
            } catch (const std::system_error& e) {
                std::cerr << lab.dir << ": cannot read stub " << source << ": " << e.what() << "\n";
                ++problems;
            }
        }
        for (const auto& task : lab.tasks) {
            std::string marker = "TODO: Task " + std::to_string(task.number);
            if (stubs.find(marker) == std::string::npos) {
                std::cerr << lab.dir << ": no `" << marker << "` in its stub\n";
                ++problems;
            }
        }
    }
    std::cout << (problems ? "some stubs lack their TODO markers\n"
                           : "every stub has a TODO marker for each task\n");
    return problems ? 1 : 0;
}

// --expect full|baseline: the verdict `make test` relies on.
int check_expectation(const grader::CourseResult& result, const std::string& expect) {
    int problems = 0;
    for (const auto& lab : result.labs) {
        // "full": every test that could run here passed; a skipped test (it said why,
        // e.g. psutil missing) counts neither way, as in the score itself.
        double wanted = expect == "full" ? lab.max_score() : lab.lab.baseline;
        if (lab.score() != wanted) {
            std::cerr << "Lab " << lab.lab.id << " scored " << lab.score() << ", expected "
                      << wanted << " (" << expect << ")\n";
            ++problems;
        }
        for (const auto& test : lab.tests) {
            if (test.verdict == grader::Verdict::skipped) {
                std::cerr << "note: " << test.spec.name << " was " << test.message << "\n";
            }
        }
    }
    return problems ? 1 : 0;
}

// The labs graded and every lab they build on (`depends`, transitively), in the course's
// order: a lab's tests link the labs it depends on, so a submission's copies of those are
// what its code runs with (Lab 08's tests call the student's Lab 04 `wait`).
std::vector<grader::LabSpec> graded_and_their_dependencies(const std::vector<grader::LabSpec>& labs,
                                                           const Options& options) {
    std::vector<std::string> wanted;
    for (const auto& lab : labs) {
        if (selected(options, lab.id))
            wanted.push_back(lab.id);
    }
    for (std::size_t i = 0; i < wanted.size(); ++i) {  // grows as dependencies are found
        for (const auto& lab : labs) {
            if (lab.id != wanted[i])
                continue;
            for (const auto& dependency : lab.depends) {
                if (std::find(wanted.begin(), wanted.end(), dependency) == wanted.end())
                    wanted.push_back(dependency);
            }
        }
    }
    std::vector<grader::LabSpec> found;
    for (const auto& lab : labs) {
        if (std::find(wanted.begin(), wanted.end(), lab.id) != wanted.end())
            found.push_back(lab);
    }
    return found;
}

// --overlay: lays the submission's sources of the labs graded, and of the labs they build
// on, over the configured course's labs (@p labs_dir), wherever in the submission they are.
// @returns what the student should read about it; sets @p refused (and copies nothing) when a
// symbolic link in the submission refuses it.
std::string overlay(const std::vector<grader::LabSpec>& labs, const std::string& labs_dir,
                    const Options& options, std::string& refused) {
    namespace fs = std::filesystem;
    std::vector<grader::LabSpec> graded = graded_and_their_dependencies(labs, options);
    std::string root = grader::submission_root(options.overlay, graded);
    auto taken = grader::overlay_submission(graded, root, labs_dir);
    if (!taken.refused.empty()) {
        refused = taken.refused;
        return "";
    }
    std::string relative = fs::path(root).lexically_relative(options.overlay).string();
    if (relative == ".")
        relative.clear();
    if (!relative.empty())
        std::cout << "submission: its files are in " << relative << "/\n";
    for (const auto& note : taken.notes)
        std::cout << "submission: " << note << "\n";
    return grader::describe_submission(taken.notes, relative);
}

// @p grade (grading a lab), whose exception (the grader's own failure, never the lab's code)
// costs only this lab: its tests get `integrity` with the reason, and the run goes on to
// write every report.
template <typename Grade>
grader::LabResult guarded(const grader::LabSpec& lab, Grade&& grade) {
    try {
        return grade();
    } catch (const std::exception& e) {
        std::string why = std::string("the grader failed: ") + e.what();
        std::cerr << "grader: Lab " << lab.id << ": " << why << "\n";
        return grader::ungraded_lab(lab, grader::Verdict::integrity, why,
                                    "integrity: " + why +
                                        ". This test is worth 0 for now; "
                                        "your instructor will review it.");
    }
}

// Writes every report of @p result into @p dir, and PrairieLearn's results.json where
// --prairielearn says (its folder made: PrairieLearn does not make /grade/results).
void write_all_reports(const grader::CourseResult& result, const std::string& dir,
                       const Options& options) {
    grader::write_reports(result, dir);
    if (!options.prairielearn.empty()) {
        auto folder = std::filesystem::path(options.prairielearn).parent_path();
        if (!folder.empty())
            std::filesystem::create_directories(folder);
        grader::write_prairielearn_results(result, options.prairielearn);
    }
    std::cout << "Reports: " << dir
              << "/{report.json,results.json,junit.xml,classroom.json,classroom-NN.json,"
                 "prairielearn.json,autolab.json,summary.md}\n";
}

// --autolab: Autolab reads the last line of stdout, so these two lines come last of all.
void print_autolab_lines(const grader::CourseResult& result, const Options& options) {
    if (options.autolab) {
        std::cout << grader::autolab_feedback(result) << "\n"
                  << grader::autolab_autoresult(result) << std::endl;
    }
}

// --overlay refused the submission: every lab graded gets its report all the same, each
// test `integrity` with the reason, so that Gradescope, Classroom and the gradebook say
// why the score is 0. @returns 2 (the run graded nothing).
int report_refusal(const std::vector<grader::LabSpec>& labs, const Options& options,
                   const std::string& refused) {
    std::cerr << "grader: submission refused: " << refused << "\n";
    grader::CourseResult result;
    result.submission = "Your submission was refused: " + refused + ".\n\n";
    std::string message = "integrity: your submission was refused (" + refused +
                          "): nothing of it was built or run, so this test is worth 0, and "
                          "your instructor will review it.";
    for (const auto& lab : labs) {
        if (selected(options, lab.id)) {
            result.labs.push_back(grader::ungraded_lab(lab, grader::Verdict::integrity,
                                                       "refused: " + refused, message));
        }
    }
    std::string build_dir = build_dir_of(options);
    std::string reports = options.reports.empty() ? build_dir + "/reports" : options.reports;
    write_all_reports(result, reports, options);
    print_autolab_lines(result, options);
    return 2;
}

// True when every --lab names a lab of this course; otherwise lists the labs on stderr.
bool every_lab_exists(const std::vector<grader::LabSpec>& labs, const Options& options) {
    for (const auto& wanted : options.labs) {
        if (std::any_of(labs.begin(), labs.end(),
                        [&](const auto& lab) { return names_lab(wanted, lab.id); }))
            continue;
        std::cerr << "grader: there is no lab " << wanted << ". The labs are:\n";
        for (const auto& lab : labs)
            std::cerr << "  " << lab.id << "  " << lab.title << "\n";
        std::cerr << "(make grade LAB=01 grades Lab 01)\n";
        return false;
    }
    return true;
}

// --test: keeps only that test in the labs selected, and selects only the labs that have
// it. @returns false (having said so on stderr) when none has it.
bool keep_only_test(std::vector<grader::LabSpec>& labs, Options& options) {
    std::vector<std::string> with_test;
    for (auto& lab : labs) {
        if (!selected(options, lab.id))
            continue;
        std::erase_if(lab.tests, [&](const auto& test) { return test.name != options.test; });
        if (!lab.tests.empty())
            with_test.push_back(lab.id);
    }
    if (with_test.empty()) {
        std::cerr << "grader: no lab graded here has a test named " << options.test
                  << " (names are Suite.Test, as the scoreboard shows them)\n";
        return false;
    }
    options.labs = with_test;
    return true;
}

// Gives the next of @p parts_left parts of the run its share of the deadline: the time left,
// divided by the parts left (all of it for the last).
void share_the_deadline(grader::GradeOptions& part, std::size_t parts_left) {
    if (!part.deadline || parts_left == 0)
        return;
    auto now = std::chrono::steady_clock::now();
    auto left = std::max(*part.deadline - now, std::chrono::steady_clock::duration::zero());
    auto share = left / static_cast<long>(parts_left);
    part.lab_deadline = now + share;
    part.lab_share_seconds = std::chrono::duration<double>(share).count();
}

// Whether the scoreboard shows each lab as soon as it is graded (show_graded_lab()): in a
// run of whole labs, without hidden tests (graded after every lab's visible ones) and with
// points as lab.json gives them (a scaled total needs every lab's points first).
bool shows_labs_as_graded(const std::vector<grader::LabSpec>& labs, const Options& options) {
    return options.test.empty() && options.scale <= 0 &&
           std::none_of(labs.begin(), labs.end(), [&](const grader::LabSpec& lab) {
               return selected(options, lab.id) && grader::has_hidden_tests(lab);
           });
}

// Prints the lab graded last in @p so_far, as the scoreboard at the end would show it: its
// needs are those of the labs graded before it (a lab uses only labs it builds on, which
// come before it), its points those scale_points() leaves unscaled.
void show_graded_lab(const grader::CourseResult& so_far, const Options& options) {
    grader::CourseResult shown = so_far;
    grader::note_needs(shown);
    grader::scale_points(shown, 0);
    grader::ScoreboardStyle style;
    style.show_hidden = options.show_hidden;
    grader::print_scoreboard_lab(shown.labs.back(), std::cout, style);
    std::cout.flush();
}

// Grades the labs selected: every visible test of every lab first, then the hidden tests
// (so that nothing a hidden test leaves in a shared place, such as the fallback's /tmp,
// can reach a visible test's message). Each lab's tests stay in lab.json's order. With
// @p streamed, the scoreboard's title and each lab are printed as soon as it is graded.
void grade_course(const std::vector<grader::LabSpec>& labs, const Options& options,
                  const grader::GradeOptions& grading, grader::CourseResult& result,
                  bool streamed) {
    if (grading.guard_hidden_files) {
        for (const auto& lab : labs)  // before any student code is compiled
            grader::close_hidden_files(lab, grading.layout);
    }
    // The deadline is shared: each lab's visible tests, then each lab's hidden tests, is one
    // part, and each part gets the time left divided by the parts left.
    grader::GradeOptions part = grading;
    std::size_t parts_left = 0;
    for (const auto& lab : labs) {
        if (selected(options, lab.id))
            parts_left += 1 + grader::has_hidden_tests(lab);
    }
    if (streamed) {
        grader::print_scoreboard_head(result.flavor, std::cout);
        std::cout.flush();
    }
    // While a lab builds and runs: a line saying so; on a terminal, in a streamed run, one
    // that its result then replaces (elsewhere the scoreboard's labs say how far it is).
    bool terminal = ::isatty(STDERR_FILENO) == 1;
    for (const auto& lab : labs) {
        if (!selected(options, lab.id))
            continue;
        if (!streamed || terminal) {
            std::cerr << "grading Lab " << lab.id << " (" << lab.title << ")..."
                      << (streamed ? "" : "\n");
        }
        share_the_deadline(part, parts_left--);
        result.labs.push_back(guarded(lab, [&] { return grader::grade_visible_tests(lab, part); }));
        if (streamed) {
            if (terminal)
                std::cerr << "\r\033[K";  // the line, erased
            show_graded_lab(result, options);
        }
    }
    for (auto& lab : result.labs) {
        if (grader::has_hidden_tests(lab.lab))
            share_the_deadline(part, parts_left--);
        lab = guarded(lab.lab, [&] {
            grader::grade_hidden_tests(lab, part);
            return lab;
        });
    }
    if (grading.guard_hidden_files) {
        for (const auto& lab : labs)
            grader::close_hidden_files(lab, grading.layout);
    }
}

// --labs-built-on: "03 04 07" for Lab 03, on stdout.
int list_labs_built_on(const std::vector<grader::LabSpec>& labs, const std::string& wanted) {
    for (const auto& lab : labs) {
        if (!names_lab(wanted, lab.id))
            continue;
        std::string ids;
        for (const auto& id : labmeta::labs_built_on(labs, lab.id))
            ids += (ids.empty() ? "" : " ") + id;
        std::cout << ids << "\n";
        return 0;
    }
    std::cerr << "grader: there is no lab " << wanted << "\n";
    return 2;
}

// --timings: where this run's time went, as JSON at @p path. No grade depends on it: a
// file that cannot be written is said so on stderr, and the run goes on.
void write_timings(const std::string& path, std::chrono::steady_clock::time_point start) {
    grader::timings::add_to_run(
        "grading", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    const auto& phases = grader::timings::of_this_run();
    try {
        hsys::write_file_atomically(path, grader::timings::to_json(phases));
    } catch (const std::exception& e) {
        std::cerr << "grader: --timings " << path << ": " << e.what() << "\n";
    }
}

// The answers that need no grading (--labs-built-on, --check-declared, --check-stubs) and
// the refusals of what cannot be graded (an unknown lab or test). @returns the exit status
// when one of them ends the run; @p labs then keeps only the test asked for, if any.
std::optional<int> answer_without_grading(std::vector<grader::LabSpec>& labs, Options& options) {
    if (!options.built_on.empty())
        return list_labs_built_on(labs, options.built_on);
    if (!every_lab_exists(labs, options))
        return 2;
    if (!options.test.empty() && !keep_only_test(labs, options))
        return 2;
    if (options.check_declared)
        return check_declared(labs, options);
    if (options.check_stubs)
        return check_stubs(labs);
    return std::nullopt;
}

// How to grade: the flavour, the build, the logs, the deadline from @p start, the course's
// layout, and the protections this machine gives (turned on here, once per run, into
// @p protections).
grader::GradeOptions grading_options(const Options& options, const labmeta::Manifest& manifest,
                                     std::chrono::steady_clock::time_point start,
                                     std::vector<std::string>& protections) {
    grader::GradeOptions grading;
    grading.flavor =
        options.flavor == "reference" ? grader::Flavor::reference : grader::Flavor::student;
    grading.build = !options.no_build;
    grading.build_dir = build_dir_of(options);
    // Two at a time fill 2 cores (a test waits on its children as often as it computes);
    // more would multiply the memory hostile tests may take (RLIMIT_AS each) for little.
    grading.test_jobs =
        options.test_jobs > 0
            ? options.test_jobs
            : std::min(2, static_cast<int>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN))));
    grading.logs_dir = options.logs.empty() ? grading.build_dir + "/logs" : options.logs;
    grading.source_dir = manifest.labs_root();
    if (options.deadline > 0) {
        grading.deadline = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                       std::chrono::duration<double>(options.deadline));
        grading.deadline_seconds = options.deadline;
    }
    grading.layout = grader::read_course_layout(manifest);
    grading.inspect_compiled_code = true;
    grading.course = manifest.labs;
    grading.trusted_binaries = manifest.trusted_binaries;
    protections = grader::apply_protections(grading.limits, grading.layout);
    grading.guard_hidden_files =
        !grading.limits.isolate && ::geteuid() == 0 && !grading.layout.hidden_sources.empty();
    if (!options.build_with.empty())
        grading.build_command = {options.build_with};
    return grading;
}

// After the grading: the scoreboard's end (or all of it), the reports, the next step.
// @returns the run's exit status.
int finish_run(const grader::CourseResult& result, const Options& options,
               const grader::GradeOptions& grading, bool streamed,
               std::chrono::steady_clock::time_point start) {
    grader::ScoreboardStyle style;
    style.show_hidden = options.show_hidden;
    if (!options.test.empty()) {  // one test: all of it, and the last full run's reports stay
        style.failure_lines = 0;
        grader::print_scoreboard(result, std::cout, style);
        std::cout << "(one test graded: the reports of the last full run are left as they are)\n";
        return 0;
    }
    if (streamed)
        grader::print_scoreboard_total(result, std::cout, style);
    else
        grader::print_scoreboard(result, std::cout, style);
    std::string build_dir = build_dir_of(options);
    std::string reports =
        options.reports.empty()
            ? build_dir + "/reports" +
                  (grading.flavor == grader::Flavor::reference ? "/reference" : "")
            : options.reports;
    {
        grader::timings::Timer timer("reports");
        write_all_reports(result, reports, options);
    }
    if (!options.timings.empty())
        write_timings(options.timings, start);
    if (grading.guard_hidden_files) {  // they name hidden tests: the owner's alone
        grader::close_to_others(reports + "/report.json");
        grader::close_to_others(reports + "/results.json");
    }
    if (grading.flavor == grader::Flavor::student && options.expect.empty())
        grader::print_next_step(result, std::cout);
    int status = options.expect.empty() ? 0 : check_expectation(result, options.expect);
    print_autolab_lines(result, options);
    return status;
}

int run(Options options) {
    auto start = std::chrono::steady_clock::now();
    auto manifest = labmeta::load_manifest(options.manifest);  // read once, here
    auto labs = manifest.labs;
    if (auto answered = answer_without_grading(labs, options))
        return *answered;
    grader::CourseResult result;
    if (!options.overlay.empty()) {
        std::string refused;
        result.submission = overlay(labs, manifest.labs_dir, options, refused);
        if (!refused.empty())
            return report_refusal(labs, options, refused);
    }
    auto grading = grading_options(options, manifest, start, result.protections);
    result.flavor = grading.flavor;
    result.deadline_seconds = options.deadline;
    result.course = manifest.labs;
    if (grading.flavor == grader::Flavor::student)
        result.todos = grader::todos_left(manifest.labs);
    bool streamed = shows_labs_as_graded(labs, options);
    grade_course(labs, options, grading, result, streamed);
    grader::note_needs(result);
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    grader::scale_points(result, options.scale);  // every test's points in hundredths
    return finish_run(result, options, grading, streamed, start);
}

// The `batch` subcommand's options.
CLI::App* add_batch(CLI::App& app, grader::BatchOptions& batch, std::string& shard) {
    auto* command = app.add_subcommand("batch", "grade one submission per subfolder of a folder");
    command->add_option("--submissions", batch.submissions, "one subfolder per student")
        ->required()
        ->check(CLI::ExistingDirectory);
    command->add_option("--course", batch.course_dir, "the course's root (default: .)");
    command->add_option("--jobs", batch.jobs, "students graded at once")
        ->check(CLI::PositiveNumber);
    command->add_option("--gradebook", batch.gradebook, "the CSV to write");
    command->add_option("--work", batch.work_dir, "per-student builds, reports, logs");
    command->add_option("--lab", batch.labs, "grade only these labs (e.g. 01)");
    command->add_option("--student", batch.students,
                        "grade only this student (a subfolder's name; the gradebook keeps the "
                        "other rows)");
    command->add_option("--timeout", batch.timeout_seconds, "seconds per step and student");
    command
        ->add_option("--deadline", batch.deadline_seconds,
                     "seconds for each student's grading run (default: --timeout - 60)")
        ->check(CLI::PositiveNumber);
    command->add_option("--cmake-arg", batch.cmake_args, "extra argument for each configure");
    command->add_option("--wrap", batch.wrapper,
                        "run each student's grader under this program (PROGRAM GRADER ARGS...)");
    command->add_flag(
        "!--no-compile-cache", batch.share_builds,
        "share nothing: every student's build compiles the harness and tests (the old way)");
    command->add_option("--shard", shard,
                        "grade shard K of N only (K/N: every N-th student of the sorted class, "
                        "from the K-th) and write <work>/shard.json for grader merge");
    return command;
}

// The `merge` subcommand's options.
CLI::App* add_merge(CLI::App& app, grader::MergeOptions& merge) {
    auto* command = app.add_subcommand(
        "merge", "merge the work folders of grader batch --shard 1/N ... N/N into one");
    command->add_option("--work", merge.work_dir,
                        "the merged work folder: each student's reports and logs "
                        "(default: build/batch)");
    command->add_option("--gradebook", merge.gradebook,
                        "the merged gradebook (default: <work>/gradebook.csv)");
    command->add_option("shards", merge.shards, "each shard's work folder (grader batch --work)")
        ->required();
    return command;
}

int run_merge_command(grader::MergeOptions merge) {
    namespace fs = std::filesystem;
    if (merge.work_dir.empty())
        merge.work_dir = "build/batch";
    if (merge.gradebook.empty())
        merge.gradebook = merge.work_dir + "/gradebook.csv";
    std::size_t students = grader::merge_shards(merge);
    std::cout << "Gradebook: " << merge.gradebook << " (" << students << " student"
              << (students == 1 ? "" : "s") << " from " << merge.shards.size() << " shard"
              << (merge.shards.size() == 1 ? "" : "s") << "; reports and logs in " << merge.work_dir
              << "/<student>/)\n";
    return 0;
}

int run_batch_command(grader::BatchOptions batch, const std::string& shard) {
    namespace fs = std::filesystem;
    if (!shard.empty()) {
        batch.shard = grader::parse_shard(shard);
        if (!batch.shard) {
            std::cerr << "grader batch: --shard " << shard << ": give K/N, two whole numbers "
                      << "with 1 <= K <= N <= " << grader::kMaxShards << " (e.g. 2/3)\n";
            return 2;
        }
        if (!batch.students.empty() || !batch.gradebook.empty()) {
            std::cerr << "grader batch: --shard grades a fixed part of the class into "
                         "<work>/gradebook.csv, for grader merge: it takes neither --student "
                         "nor --gradebook (regrade a student in the merged work folder)\n";
            return 2;
        }
    }
    batch.course_dir = fs::absolute(batch.course_dir).lexically_normal().string();
    batch.submissions = fs::absolute(batch.submissions).string();
    if (batch.work_dir.empty())
        batch.work_dir = "build/batch";
    if (batch.gradebook.empty())
        batch.gradebook = batch.work_dir + "/gradebook.csv";
    batch.work_dir = fs::absolute(batch.work_dir).string();
    batch.grader = fs::read_symlink("/proc/self/exe").string();
    for (auto& id : batch.labs) {
        if (id.size() == 1)
            id = "0" + id;
    }
    // 0 when every student got a row and reports (a refused or failed one with 0 points).
    return grader::run_batch(batch) == 0 ? 0 : 1;
}

// The options of a grading run (what `grader` does without a subcommand), into @p options.
void add_grade_options(CLI::App& app, Options& options) {
    app.add_option("--manifest", options.manifest, "the build's course-manifest.json");
    app.add_option("--flavor", options.flavor, "whose code: student (labs/) or reference")
        ->check(CLI::IsMember({"student", "reference"}));
    app.add_option("--lab", options.labs, "grade only these labs (e.g. 01)");
    app.add_flag("--no-build", options.no_build, "use the test executables as they are");
    app.add_option("--build-with", options.build_with,
                   "build each lab with PROGRAM BUILD_DIR TARGET... (default: cmake --build)");
    app.add_option("--reports", options.reports, "where to write the reports");
    app.add_option("--logs", options.logs, "where to write the build logs (default: BUILD/logs)");
    app.add_option("--expect", options.expect, "exit 1 unless every lab scores this")
        ->check(CLI::IsMember({"full", "baseline"}));
    app.add_flag("--check-declared", options.check_declared,
                 "check that each lab.json lists exactly its tests");
    app.add_flag("--check-stubs", options.check_stubs,
                 "check that each stub has a TODO marker for every task");
    app.add_flag("--show-hidden", options.show_hidden, "show hidden tests (instructors)");
    app.add_option("--overlay", options.overlay,
                   "copy a submission's lab sources over the labs first (Gradescope)")
        ->check(CLI::ExistingDirectory);
    app.add_option("--deadline", options.deadline,
                   "seconds for the whole run: then the test running is stopped and the "
                   "tests left are not run")
        ->check(CLI::PositiveNumber);
    app.add_option("--test", options.test,
                   "grade only this test (Suite.Name) and show all of its failure");
    app.add_option("--labs-built-on", options.built_on,
                   "print this lab's id and those of the labs that build on it, then exit");
    app.add_option("--prairielearn", options.prairielearn,
                   "also write PrairieLearn's results.json here (/grade/results/results.json)");
    app.add_flag("--autolab", options.autolab,
                 "end stdout with Autolab's feedback and scores lines (its autoresult)");
    app.add_option("--timings", options.timings,
                   "also write where the run's time went (build, compile, link, tests...) as "
                   "JSON there");
    app.add_option("--test-jobs", options.test_jobs,
                   "run up to this many of a lab's tests side by side, in namespaces only "
                   "(default: 2 on 2 cores or more)")
        ->check(CLI::PositiveNumber);
    app.add_option("--scale", options.scale,
                   "report the total out of this maximum (each test's points scaled alike)")
        ->check(CLI::PositiveNumber);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 1 && std::string_view(argv[1]) == "check")  // harness/labcheck
        return labcheck::run_check_command(argc - 1, argv + 1);
    Options options;
    grader::BatchOptions batch;
    batch.course_dir = ".";
    std::string shard;
    grader::MergeOptions merge;
    CLI::App app{"grader: build and grade the course's labs"};
    add_grade_options(app, options);
    auto* batch_command = add_batch(app, batch, shard);
    auto* merge_command = add_merge(app, merge);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return e.get_exit_code() == 0 ? 0 : 2;
    }
    try {
        // Not dumpable from the start: no test, even of the grader's user, can trace it.
        grader::refuse_tracing();
        if (batch_command->parsed())
            return run_batch_command(batch, shard);
        if (merge_command->parsed())
            return run_merge_command(merge);
        return run(options);
    } catch (const std::exception& e) {
        std::cerr << "grader: " << e.what() << "\n";
        return 2;
    }
}
