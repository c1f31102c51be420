// `grader batch`: one worker thread per job slot; each student is graded by this grader in
// a child process (after CMake's configure, when the slot's build is not yet configured),
// run under timeout(1) in its own process group, its output in the student's logs.
#include "batch/batch.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <system_error>
#include <thread>

#include "batch/shards.hpp"
#include "course/file.hpp"
#include "course/sys.hpp"
#include "course/unique_fd.hpp"
#include "grade/grade.hpp"
#include "grade/timings.hpp"
#include "hsys/io.hpp"
#include "hsys/spawn.hpp"
#include "reports/gradebook.hpp"
#include "reports/reports.hpp"
#include "sandbox/protections.hpp"

extern char** environ;

namespace grader {
namespace fs = std::filesystem;

std::vector<LabSpec> load_labs_dir(const std::string& labs_dir) {
    std::vector<fs::path> dirs;
    for (const auto& entry : fs::directory_iterator(labs_dir)) {
        if (entry.is_directory() && fs::exists(entry.path() / "lab.json"))
            dirs.push_back(entry);
    }
    std::sort(dirs.begin(), dirs.end());
    std::vector<LabSpec> labs;
    for (const auto& dir : dirs) {
        LabSpec lab = parse_lab_json(course::read_file((dir / "lab.json").string()), dir.string());
        lab.slug = dir.filename().string();
        labs.push_back(std::move(lab));
    }
    return labs;
}

namespace {

constexpr off_t kMaxSourceBytes = 1 << 20;

// Where a source was looked for: found (an open descriptor), absent, or behind a link.
struct Lookup {
    course::UniqueFd fd;  // the regular file, open for reading, when found
    std::string link;     // the component that is a symbolic link, when one was met
};

// Opens `relative` (its components, in order) under the folder @p root without following
// any symbolic link: every folder is opened with O_NOFOLLOW, and a link met on the way is
// named in `link`. A missing component, or one that is not a folder/regular file, leaves
// the lookup empty.
Lookup open_without_links(int root, const std::vector<std::string>& components) {
    Lookup found;
    course::UniqueFd dir;
    int at = root;
    std::string walked;
    for (std::size_t i = 0; i < components.size(); ++i) {
        const std::string& name = components[i];
        walked += (walked.empty() ? "" : "/") + name;
        bool last = i + 1 == components.size();
        int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (last ? O_NONBLOCK : O_DIRECTORY);
        course::UniqueFd next(::openat(at, name.c_str(), flags));
        if (!next) {
            if (errno == ELOOP) {
                found.link = walked;
            } else if (errno == ENOTDIR) {
                // O_DIRECTORY|O_NOFOLLOW on a link also says ENOTDIR: tell the two apart.
                struct stat info {};
                if (::fstatat(at, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0 &&
                    S_ISLNK(info.st_mode)) {
                    found.link = walked;
                }
            } else if (errno != ENOENT && errno != EACCES) {
                course::throw_errno("open " + walked);
            }
            return found;
        }
        dir = std::move(next);
        at = dir.get();
    }
    struct stat info {};
    course::check(::fstat(at, &info), "fstat");
    if (S_ISREG(info.st_mode) && info.st_size <= kMaxSourceBytes)
        found.fd = std::move(dir);
    return found;
}

// The bytes of the open regular file @p fd (at most kMaxSourceBytes), read by hsys's one
// bounded read; its failure names @p name.
std::string read_bounded(int fd, const std::string& name) {
    try {
        return hsys::read_all(fd, kMaxSourceBytes);
    } catch (const std::system_error& error) {
        throw std::system_error(error.code(), "read " + name);
    }
}

std::string refusal(const std::string& link) {
    return link +
           " is a symbolic link: a submission must hold only regular files and "
           "folders (a link could point at another student's work or at the "
           "solutions), so nothing of it was graded";
}

// A lab source a submission may replace: where it goes, and the file found for it.
struct Taken {
    fs::path target;
    std::string shown;  // labs/<slug>/<file>
    std::string from;   // where in the submission
    course::UniqueFd fd;
};

// Looks every lab source up in the submission @p root (labs/<slug>/<file>, <slug>/<file>,
// <file>: the first found), into @p taken. @returns the first symbolic link met, which
// refuses the whole submission ("" when none).
std::string look_up_sources(int root, const std::vector<LabSpec>& labs, const std::string& labs_dir,
                            std::vector<Taken>& taken) {
    for (const auto& lab : labs) {
        for (const auto& file : lab.sources) {
            Taken source{
                fs::path(labs_dir) / lab.slug / file, "labs/" + lab.slug + "/" + file, "", {}};
            for (const auto& candidate : std::vector<std::vector<std::string>>{
                     {"labs", lab.slug, file}, {lab.slug, file}, {file}}) {
                auto found = open_without_links(root, candidate);
                if (!found.link.empty())
                    return found.link;
                if (found.fd) {
                    for (const auto& part : candidate)
                        source.from += (source.from.empty() ? "" : "/") + part;
                    source.fd = std::move(found.fd);
                    break;
                }
            }
            taken.push_back(std::move(source));
        }
    }
    return "";
}

// Copies each source found over its lab's, saying in @p overlay's notes what was copied
// and what was missing (the stub is graded then).
void copy_taken(std::vector<Taken>& taken, Overlay& overlay) {
    for (auto& source : taken) {
        if (!source.fd) {
            overlay.notes.push_back("missing " + source.shown + ": the stub is graded");
            continue;
        }
        std::ofstream out(source.target, std::ios::binary | std::ios::trunc);
        out << read_bounded(source.fd.get(), source.from);
        if (!out.flush())
            throw std::system_error(errno, std::generic_category(),
                                    "write " + source.target.string());
        overlay.notes.push_back("copied " + source.shown + " from " + source.from);
    }
}

}  // namespace

Overlay overlay_submission(const std::vector<LabSpec>& labs, const std::string& submission,
                           const std::string& labs_dir) {
    Overlay overlay;
    course::UniqueFd root(
        ::open(submission.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!root && (errno == ELOOP || errno == ENOTDIR)) {
        overlay.refused = refusal("the submission's folder");
        return overlay;
    }
    if (!root)
        course::throw_errno("open " + submission);
    // Look everything up first: a link anywhere refuses the whole submission.
    std::vector<Taken> taken;
    if (auto link = look_up_sources(root.get(), labs, labs_dir, taken); !link.empty()) {
        overlay.refused = refusal(link);
        overlay.notes.push_back("refused: " + overlay.refused);
        return overlay;
    }
    copy_taken(taken, overlay);
    return overlay;
}

namespace {

// Runs @p argv (PATH searched) with stdin from /dev/null and stdout+stderr into @p log, in
// its own process group, @p extra_env added. @returns the raw wait status; @p cpu_seconds
// (when given) gets the CPU time, user and system, of the program and of every process it
// and they waited for (wait4's), which other work on the machine does not add to.
int run_logged(const std::vector<std::string>& argv, const std::string& log,
               const std::vector<std::string>& extra_env, double* cpu_seconds = nullptr) {
    std::vector<std::string> env(extra_env);
    for (char** e = environ; *e; ++e)
        env.emplace_back(*e);  // first one wins
    course::UniqueFd null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!null)
        course::throw_errno("open /dev/null");
    course::UniqueFd out(::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!out)
        course::throw_errno("open " + log);
    hsys::SpawnOptions spawn;
    spawn.argv = argv;
    spawn.env = std::move(env);
    spawn.stdin_fd = null.get();
    spawn.stdout_fd = out.get();
    spawn.stderr_fd = out.get();
    spawn.new_process_group = true;
    pid_t pid = hsys::spawn(spawn);
    int status = 0;
    rusage usage{};
    course::retry_on_eintr("wait4", [&] { return ::wait4(pid, &status, 0, &usage); });
    if (cpu_seconds != nullptr) {
        auto seconds = [](const timeval& t) {
            return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
        };
        *cpu_seconds = seconds(usage.ru_utime) + seconds(usage.ru_stime);
    }
    return status;
}

bool succeeded(int status) {
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// timeout(1) exits 124 when it had to stop the command (137 when it had to kill it).
std::string step_failure(const char* step, int status) {
    if (WIFEXITED(status) && (WEXITSTATUS(status) == 124 || WEXITSTATUS(status) == 137)) {
        return std::string(step) + " timed out";
    }
    return fmt::format("{} failed (status {})", step, status);
}

// The build that compiled this grader, when it is a build of the course at @p course_dir
// and writes course-prebuilt.cmake ("" otherwise).
std::string course_build_of(const std::string& grader, const std::string& course_dir) {
    fs::path build = fs::path(grader).parent_path().parent_path();
    std::ifstream cache(build / "CMakeCache.txt");
    std::string line, home = "CMAKE_HOME_DIRECTORY:INTERNAL=";
    while (std::getline(cache, line)) {
        if (line.rfind(home, 0) != 0)
            continue;
        std::error_code error;
        bool same = fs::equivalent(line.substr(home.size()), course_dir, error);
        return same && fs::exists(build / "course-prebuilt.cmake") ? build.string() : "";
    }
    return "";
}

}  // namespace

SharedBuilds shared_builds_for(const BatchOptions& options) {
    SharedBuilds shared;
    if (!options.share_builds) {
        shared.why_not = "--no-compile-cache";
        return shared;
    }
    std::string no_namespaces = "GRADER_NO_NAMESPACES is set";
    bool fallback =
        std::getenv("GRADER_NO_NAMESPACES") != nullptr || !namespaces_work(no_namespaces);
    if (::geteuid() != 0 && fallback) {
        shared.why_not = "student code would run as this user, able to write what is shared (" +
                         no_namespaces + ")";
        return shared;
    }
    shared.share = true;
    shared.course_build = course_build_of(options.grader, options.course_dir);
    shared.ccache = hsys::find_in_path("ccache");
    if (shared.ccache.empty())
        return shared;
    shared.cache_dir = (fs::path(options.work_dir) / ".compile-cache").string();
    fs::create_directories(shared.cache_dir);
    fs::permissions(shared.cache_dir, fs::perms::owner_all);  // 0700: the grader's user only
    // Paths under the work folder (each slot's copy of labs/, its build) are hashed relative
    // to the build, so that every slot's build finds the first one's objects.
    shared.env = {"CCACHE_DIR=" + shared.cache_dir, "CCACHE_BASEDIR=" + options.work_dir,
                  "CCACHE_NOHASHDIR=1", "CCACHE_MAXSIZE=2G"};
    return shared;
}

namespace {

// Where one student is graded: the course's labs with the student's sources over them,
// and a build of those. Shared builds: one per job slot, configured once and reused
// student after student; otherwise the student's own, under their work folder.
struct Place {
    fs::path labs, build;
    bool configured = false;
};

std::vector<std::string> configure_command(const BatchOptions& options, const SharedBuilds& shared,
                                           const Place& place) {
    std::vector<std::string> configure = {
        "timeout", "-k", "10", std::to_string(options.timeout_seconds), "cmake", "-S",
        options.course_dir, "-B", place.build.string(), "-G", "Ninja",
        "-DCMAKE_BUILD_TYPE=RelWithDebInfo", "-DCOURSE_LABS_DIR=" + place.labs.string(),
        "-DCOURSE_WITH_SOLUTIONS=OFF",
        // Hidden from the student's compiles and tests: everyone's copies and the
        // submissions (their own labs, the manifest's labs_dir, stay visible).
        "-DCOURSE_SANDBOX_HIDE=" + options.work_dir + ";" + options.submissions};
    // The compiles reuse this grader's launcher instead of building one per student.
    auto launcher = fs::path(options.grader).parent_path() / "sandboxed-compile";
    if (fs::exists(launcher))
        configure.push_back("-DCOURSE_COMPILE_LAUNCHER=" + launcher.string());
    // The course's own code through the cache; the student's sources keep their sandboxed
    // launcher (a target's own launcher replaces this default).
    if (!shared.ccache.empty())
        configure.push_back("-DCMAKE_CXX_COMPILER_LAUNCHER=" + shared.ccache);
    if (!shared.course_build.empty())
        configure.push_back("-DCOURSE_PREBUILT=" + shared.course_build + "/course-prebuilt.cmake");
    // A faster linker than the default, when there is one: each student links every lab.
    for (const char* linker : {"gold", "lld"}) {
        if (!hsys::find_in_path(std::string("ld.") + linker).empty()) {
            configure.push_back(std::string("-DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=") + linker);
            break;
        }
    }
    if (shared.share)  // student code keyed by its preprocessed text (object_cache.hpp)
        configure.push_back("-DCOURSE_COMPILE_CACHE=" + options.work_dir +
                            "/.compile-cache/objects");
    configure.insert(configure.end(), options.cmake_args.begin(), options.cmake_args.end());
    return configure;
}

// Puts the course's labs (tests, lab.json, hidden tests, stubs) at @p place.labs, afresh.
void copy_course_labs(const BatchOptions& options, const Place& place) {
    fs::remove_all(place.labs);
    fs::create_directories(place.labs.parent_path());
    fs::copy(fs::path(options.course_dir) / "labs", place.labs, fs::copy_options::recursive);
}

// Writes every lab's stub sources over @p place.labs: in a reused build, what the student
// before left there; a submission's files then go over these (a file it lacks: the stub).
// Each file written is newer than its object, so the build compiles it again.
void reset_sources(const BatchOptions& options, const std::vector<LabSpec>& labs,
                   const Place& place) {
    for (const auto& lab : labs) {
        for (const auto& file : lab.sources) {
            fs::path to = place.labs / lab.slug / file;
            fs::remove(to);
            fs::copy_file(fs::path(options.course_dir) / "labs" / lab.slug / file, to);
        }
    }
}

// Where @p student's reports and logs go.
fs::path work_of(const BatchOptions& options, const std::string& student) {
    return fs::absolute(fs::path(options.work_dir) / student);
}

// The row of a student the batch could not grade (@p status: "refused: ...", "grader
// failed: ..."), with the reports to match in @p work/reports: every test of @p graded gets
// @p verdict and @p message, 0 points, through the grader's own report writers; the row is
// read back from report.json and flagged with @p status.
// @throws std::exception when the reports cannot be written.
GradebookRow ungraded_row(const std::vector<LabSpec>& graded, const fs::path& work,
                          const std::string& student, Verdict verdict, const std::string& status,
                          const std::string& message, const std::string& overview) {
    CourseResult result;
    result.submission = overview + "\n\n";
    for (const auto& lab : graded)
        result.labs.push_back(ungraded_lab(lab, verdict, status, message));
    write_reports(result, (work / "reports").string(), false);
    GradebookRow row;
    row.student = student;
    read_report((work / "reports" / "report.json").string(), row);
    row.status = status;
    row.flagged = status;
    row.complete = true;
    return row;
}

// The row of a student whose submission a symbolic link refused (@p why).
GradebookRow refused_row(const std::vector<LabSpec>& graded, const fs::path& work,
                         const std::string& student, const std::string& why) {
    return ungraded_row(graded, work, student, Verdict::integrity, "refused: " + why,
                        "integrity: your submission was refused (" + why +
                            "): nothing of it was built or run, so this test is worth 0, and "
                            "your instructor will review it.",
                        "Your submission was refused: " + why + ".");
}

// The row of a student the grader failed to grade (@p why: which step, how it ended).
GradebookRow grader_failed_row(const std::vector<LabSpec>& graded, const fs::path& work,
                               const std::string& student, const std::string& why) {
    return ungraded_row(graded, work, student, Verdict::not_run, "grader failed: " + why,
                        "not graded: the grader failed (" + why +
                            "). This test is worth 0 for now; your instructor will look.",
                        "The autograder could not grade this submission (" + why +
                            "). Please tell your instructor.");
}

// Seconds since @p start.
double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Where the time of @p student's grading went: what their grader wrote (--timings), with
// the batch's own steps added to it.
fs::path timings_of(const BatchOptions& options, const std::string& student) {
    return work_of(options, student) / "logs" / "timings.json";
}

// Adds the batch's own steps (@p spent) to what the student's grader wrote in @p path (or
// to nothing, when it wrote none). Timings are no part of a grade: when they cannot be
// read or written, the file is left out (and the class's summary counts one student less).
void add_batch_timings(const fs::path& path, const timings::Phases& spent) {
    try {
        timings::Phases phases;
        if (fs::exists(path))
            phases = timings::from_json(course::read_file(path.string()));
        for (const auto& [name, phase] : spent)
            timings::add(phases, name, phase.seconds, phase.count, phase.cpu_seconds);
        hsys::write_file_atomically(path.string(), timings::to_json(phases));
    } catch (const std::exception&) {
        std::error_code ignored;
        fs::remove(path, ignored);
    }
}

// The command that grades one student's copy in @p place, its reports and logs in
// @p work: the grader under timeout(1), with a deadline of its own that comes first, running
// @p test_jobs tests at a time (the student's share of the cores).
std::vector<std::string> grade_command(const BatchOptions& options, const Place& place,
                                       const fs::path& work, int test_jobs) {
    std::vector<std::string> grade = {"timeout", "-k", "10",
                                      std::to_string(options.timeout_seconds)};
    if (!options.wrapper.empty())
        grade.push_back(options.wrapper);
    grade.insert(grade.end(),
                 {options.grader, "--manifest", (place.build / "course-manifest.json").string(),
                  "--reports", (work / "reports").string(), "--logs", (work / "logs").string(),
                  "--timings", (work / "logs" / "timings.json").string(),  // = timings_of()
                  "--test-jobs", std::to_string(test_jobs)});
    for (const auto& id : options.labs)
        grade.insert(grade.end(), {"--lab", id});
    // The grader stops itself before timeout(1) would kill it: its reports keep what passed.
    double deadline = options.deadline_seconds > 0
                          ? std::min<double>(options.deadline_seconds, options.timeout_seconds)
                          : std::max(options.timeout_seconds - 60, options.timeout_seconds / 2);
    grade.insert(grade.end(), {"--deadline", fmt::format("{:g}", deadline)});
    return grade;
}

// Puts @p student's submission into @p place (a fresh copy of the course's labs, or the
// slot's reset to the course's), its notes in work/logs/submission.log. @returns why it
// was refused ("" when it was taken).
std::string take_submission(const BatchOptions& options, const std::vector<LabSpec>& labs,
                            const SharedBuilds& shared, const std::string& student,
                            const fs::path& work, Place& place) {
    if (!shared.share) {
        place = {work / "labs", work / "build", false};
        copy_course_labs(options, place);
    } else {
        reset_sources(options, labs, place);
    }
    auto overlay = overlay_submission(labs, (fs::path(options.submissions) / student).string(),
                                      place.labs.string());
    std::ofstream overlay_log(work / "logs" / "submission.log");
    for (const auto& note : overlay.notes)
        overlay_log << note << "\n";
    return overlay.refused;
}

GradebookRow grade_student(const BatchOptions& options, const SharedBuilds& shared,
                           const std::vector<LabSpec>& labs, const std::vector<LabSpec>& graded,
                           const std::string& student, Place& place, int build_parallelism) {
    auto start = std::chrono::steady_clock::now();
    timings::Phases spent;  // the batch's own steps, for timings_of()
    GradebookRow row;
    row.student = student;
    fs::path work = work_of(options, student);
    fs::remove_all(work);
    fs::create_directories(work / "logs");
    std::vector<std::string> env = {"CMAKE_BUILD_PARALLEL_LEVEL=" +
                                    std::to_string(build_parallelism)};
    env.insert(env.end(), shared.env.begin(), shared.env.end());
    std::string refused = take_submission(options, labs, shared, student, work, place);
    if (!refused.empty())
        return refused_row(graded, work, student, refused);
    timings::add(spent, "sources", seconds_since(start));
    if (!place.configured) {
        auto configure_start = std::chrono::steady_clock::now();
        int status = run_logged(configure_command(options, shared, place),
                                (work / "logs" / "configure.log").string(), env);
        if (!succeeded(status))
            return grader_failed_row(graded, work, student, step_failure("configure", status));
        place.configured = shared.share;
        timings::add(spent, "configure", seconds_since(configure_start));
    }
    auto grade_start = std::chrono::steady_clock::now();
    double cpu_seconds = 0;
    int status = run_logged(grade_command(options, place, work, build_parallelism),
                            (work / "logs" / "grade.log").string(), env, &cpu_seconds);
    if (!succeeded(status))
        return grader_failed_row(graded, work, student, step_failure("grading", status));
    timings::add(spent, "grader process", seconds_since(grade_start), 1, cpu_seconds);
    timings::add(spent, "student", seconds_since(start));
    add_batch_timings(timings_of(options, student), spent);
    try {
        read_report((work / "reports" / "report.json").string(), row);
    } catch (const std::exception& e) {
        return grader_failed_row(graded, work, student,
                                 std::string("no readable report: ") + e.what());
    }
    row.status = "graded";
    row.complete = true;
    return row;
}

// Before the students, with every core: brings the course build's harness and test objects
// up to date (none taken when that fails), then configures each slot's build, which
// imports them. Without them, each slot builds the harness and tests: the first one
// compiles them (into the cache, when there is one), the others find them there.
void prepare_slots(const BatchOptions& options, SharedBuilds& shared, std::vector<Place>& slots) {
    fs::path logs = fs::path(options.work_dir) / "logs";
    fs::create_directories(logs);
    if (!shared.course_build.empty()) {
        int status =
            run_logged({"cmake", "--build", shared.course_build, "--target", "course_prebuilt"},
                       (logs / "prebuilt.log").string(), {});
        if (!succeeded(status)) {
            std::cerr << "batch: the course build's test objects could not be brought up to "
                         "date ("
                      << (logs / "prebuilt.log").string() << "): every slot compiles its own\n";
            shared.course_build.clear();
        }
    }
    for (std::size_t i = 0; i < slots.size(); ++i) {
        Place& slot = slots[i];
        copy_course_labs(options, slot);
        fs::path log = logs / fmt::format("slot-{}.log", i + 1);
        int status = run_logged(configure_command(options, shared, slot), log.string(), shared.env);
        if (!succeeded(status))
            continue;  // each student in this slot tries again, and says why in their row
        slot.configured = true;
        if (shared.course_build.empty()) {  // the harness and tests, compiled by this slot
            run_logged({"cmake", "--build", slot.build.string(), "--target", "course_prebuilt"},
                       (logs / fmt::format("slot-{}-prebuilt.log", i + 1)).string(), shared.env);
        }
    }
}

// grade_student(), whose exception (a copy or a folder the grader could not make) gives
// the student a `grader failed` row and reports all the same; only when even those cannot
// be written is the row incomplete (and the batch's exit status 1).
GradebookRow grade_student_guarded(const BatchOptions& options, const SharedBuilds& shared,
                                   const std::vector<LabSpec>& labs,
                                   const std::vector<LabSpec>& graded, const std::string& student,
                                   Place& place, int build_parallelism) {
    std::string why;
    try {
        return grade_student(options, shared, labs, graded, student, place, build_parallelism);
    } catch (const std::exception& e) {  // the batch goes on whatever one student does
        why = e.what();
    }
    place.configured = false;  // a slot left half-prepared is configured again
    try {
        return grader_failed_row(graded, work_of(options, student), student, why);
    } catch (const std::exception& e) {
        GradebookRow row;
        row.student = student;
        row.status = "not graded: " + why + "; and its reports could not be written: " + e.what();
        row.flagged = row.status;
        return row;
    }
}

// One decimal, or "-" when the phase never happened.
std::string mean_of(const timings::Phases& phases, const std::string& name, std::size_t students) {
    auto found = phases.find(name);
    if (found == phases.end())
        return "-";
    return fmt::format("{:.1f}", found->second.seconds / static_cast<double>(students));
}

// The phase's CPU seconds per student, one decimal, or "-".
std::string cpu_mean_of(const timings::Phases& phases, const std::string& name,
                        std::size_t students) {
    auto found = phases.find(name);
    if (found == phases.end())
        return "-";
    return fmt::format("{:.1f}", found->second.cpu_seconds / static_cast<double>(students));
}

long count_of(const timings::Phases& phases, const std::string& name) {
    auto found = phases.find(name);
    return found == phases.end() ? 0 : found->second.count;
}

// Writes <work>/logs/timings.json, the sum of every student's timings (timings_of()) and the
// class's wall time (@p jobs students at once), and says on stderr where a student's time
// goes, on average. Timings are no part of a grade: what cannot be read is left out, and
// a summary that cannot be written is said so.
void summarize_timings(const BatchOptions& options, const std::vector<std::string>& students,
                       int jobs, double wall_seconds) {
    timings::Phases total;
    std::size_t timed = 0;
    for (const auto& student : students) {
        try {
            auto path = timings_of(options, student);
            if (!fs::exists(path))
                continue;
            for (const auto& [name, phase] : timings::from_json(course::read_file(path.string())))
                timings::add(total, name, phase.seconds, phase.count, phase.cpu_seconds);
            ++timed;
        } catch (const std::exception&) {
            // a file that cannot be read: that student is left out of the summary
        }
    }
    timings::add(total, "class wall", wall_seconds, static_cast<long>(students.size()));
    auto summary = fs::path(options.work_dir) / "logs" / "timings.json";
    try {
        fs::create_directories(summary.parent_path());
        hsys::write_file_atomically(summary.string(), timings::to_json(total));
    } catch (const std::exception& e) {
        std::cerr << "batch: could not write " << summary.string() << ": " << e.what() << "\n";
    }
    if (timed == 0)
        return;
    std::cerr << fmt::format(
        "batch: {:.1f} s per student for the class ({} graded at once); each student's own "
        "{} s: configure {}, grader {} = build {} (compile {} in {}, link {} in {}), "
        "inspection {}, tests {} ({} tests, their programs {}), reports {}; {} s of CPU "
        "(mean of {}; {})\n",
        wall_seconds / static_cast<double>(students.size()), jobs, mean_of(total, "student", timed),
        mean_of(total, "configure", timed), mean_of(total, "grader process", timed),
        mean_of(total, "build", timed), mean_of(total, "compile", timed),
        count_of(total, "compile"), mean_of(total, "link", timed), count_of(total, "link"),
        mean_of(total, "inspection", timed), mean_of(total, "tests", timed),
        count_of(total, "tests"), mean_of(total, "test programs", timed),
        mean_of(total, "reports", timed), cpu_mean_of(total, "grader process", timed), timed,
        summary.string());
}

}  // namespace

namespace {

// The students this run grades, in sorted order: every submission folder, or with --shard
// its share of them (@p record then says which, for shard.json), or with --student those
// only (each must have a folder).
std::vector<std::string> students_to_grade(const BatchOptions& options, ShardRecord& record) {
    std::vector<std::string> students;
    for (const auto& entry : fs::directory_iterator(options.submissions)) {
        if (entry.is_directory())
            students.push_back(entry.path().filename().string());
    }
    std::sort(students.begin(), students.end());
    if (options.shard) {
        record.shard = *options.shard;
        record.course = course_fingerprint(options.course_dir);
        record.timeout_seconds = options.timeout_seconds;
        record.deadline_seconds = options.deadline_seconds;
        record.cmake_args = options.cmake_args;
        record.class_list = students;
        record.students = students = students_of(students, *options.shard);
        fs::create_directories(options.work_dir);
        fs::remove(fs::path(options.work_dir) / "shard.json");  // a run that stops leaves none
    }
    if (!options.students.empty()) {  // --student: these only; the others' rows are kept
        for (const auto& wanted : options.students) {
            if (std::find(students.begin(), students.end(), wanted) == students.end()) {
                throw std::invalid_argument("no submission folder " + wanted + " in " +
                                            options.submissions);
            }
        }
        students = options.students;
    }
    return students;
}

// The labs of @p all_labs that --lab names (all of them without --lab).
std::vector<LabSpec> labs_to_grade(const BatchOptions& options,
                                   const std::vector<LabSpec>& all_labs) {
    std::vector<LabSpec> labs;
    for (const auto& lab : all_labs) {
        bool wanted = options.labs.empty() || std::find(options.labs.begin(), options.labs.end(),
                                                        lab.id) != options.labs.end();
        if (wanted)
            labs.push_back(lab);
    }
    return labs;
}

// One slot per job (none without students: a shard of a small class), each with its
// course copy and build prepared when builds are shared.
std::vector<Place> prepare_job_slots(const BatchOptions& options, SharedBuilds& shared, int jobs,
                                     std::size_t students) {
    std::vector<Place> slots(students == 0 ? 0 : static_cast<std::size_t>(jobs));
    if (shared.share && !slots.empty()) {
        for (std::size_t j = 0; j < slots.size(); ++j) {
            fs::path dir = fs::path(options.work_dir) / fmt::format(".slot-{}", j + 1);
            slots[j] = {dir / "labs", dir / "build", false};
        }
        prepare_slots(options, shared, slots);
    }
    return slots;
}

// Grades @p students, one thread per slot, each taking the next student left; prints each
// row as it comes. @returns the rows, in @p students' order.
std::vector<GradebookRow> grade_students(const BatchOptions& options, const SharedBuilds& shared,
                                         const std::vector<LabSpec>& all_labs,
                                         const std::vector<LabSpec>& labs,
                                         const std::vector<std::string>& students,
                                         std::vector<Place>& slots, int parallelism) {
    std::vector<GradebookRow> rows(students.size());
    std::atomic<std::size_t> next{0};
    std::atomic<int> done{0};
    std::mutex print;
    auto worker = [&](Place& slot) {
        for (std::size_t i = next++; i < students.size(); i = next++) {
            rows[i] = grade_student_guarded(options, shared, all_labs, labs, students[i], slot,
                                            parallelism);
            std::lock_guard lock(print);
            std::cerr << fmt::format("[{}/{}] {}: {:g} / {:g} ({})\n", ++done, students.size(),
                                     students[i], rows[i].score, rows[i].max_score, rows[i].status);
        }
    };
    std::vector<std::thread> threads;
    for (auto& slot : slots)
        threads.emplace_back(worker, std::ref(slot));
    for (auto& t : threads)
        t.join();
    return rows;
}

// Writes the gradebook (and, with --shard, shard.json) and says where it is.
void write_batch_results(const BatchOptions& options, const std::vector<LabSpec>& labs,
                         const std::vector<GradebookRow>& rows, ShardRecord& record) {
    write_gradebook(options.gradebook, labs, rows, !options.students.empty());
    std::string shard_note;
    if (options.shard) {
        for (const auto& lab : labs)
            record.labs.push_back(lab.id);
        hsys::write_file_atomically((fs::path(options.work_dir) / "shard.json").string(),
                                    shard_record_json(record));
        shard_note = fmt::format(", shard {}/{} of a class of {}", options.shard->index,
                                 options.shard->count, record.class_list.size());
    }
    std::cout << fmt::format(
        "Gradebook: {} ({} graded now{}{}; reports and logs in {}/<student>/)\n", options.gradebook,
        rows.size() == 1 ? "1 student" : fmt::format("{} students", rows.size()), shard_note,
        options.students.empty() ? "" : ", the other rows kept", options.work_dir);
}

}  // namespace

int run_batch(const BatchOptions& options) {
    ShardRecord record;  // with --shard: what shard.json says
    auto students = students_to_grade(options, record);
    auto all_labs = load_labs_dir((fs::path(options.course_dir) / "labs").string());
    auto labs = labs_to_grade(options, all_labs);
    auto shared = shared_builds_for(options);
    int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(students.size())));
    auto slots = prepare_job_slots(options, shared, jobs, students.size());
    std::cerr << describe(shared);
    int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    int parallelism = std::max(1, cores / jobs);
    auto graded_from = std::chrono::steady_clock::now();
    auto rows = grade_students(options, shared, all_labs, labs, students, slots, parallelism);
    if (!students.empty())
        summarize_timings(options, students, jobs, seconds_since(graded_from));
    write_batch_results(options, labs, rows, record);
    return static_cast<int>(
        std::count_if(rows.begin(), rows.end(), [](const GradebookRow& r) { return !r.complete; }));
}

std::string describe(const SharedBuilds& shared) {
    if (!shared.share) {
        return "batch: every student's build compiles the harness and the tests (" +
               shared.why_not + ")\n";
    }
    std::string text = "batch: one build per job, reused from student to student; ";
    text += shared.course_build.empty()
                ? "the tests are compiled once per job"
                : "the tests are the course build's (" + shared.course_build + ")";
    text += shared.ccache.empty()
                ? "; no compile cache (ccache is not installed)\n"
                : "; the harness through the compile cache (" + shared.cache_dir + ")\n";
    return text;
}

}  // namespace grader
