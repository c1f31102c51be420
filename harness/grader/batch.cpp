// `grader batch`: one worker thread per job slot; each student is graded by two child
// processes (CMake's configure, then this grader on that build), run under timeout(1) in
// their own process group, their output in the student's logs.
#include "batch.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "course/file.hpp"
#include "course/sys.hpp"
#include "course/unique_fd.hpp"
#include "hsys/spawn.hpp"
#include "protections.hpp"

extern char** environ;

namespace grader {
namespace fs = std::filesystem;
using nlohmann::json;

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

// The bytes of the open regular file @p fd (at most kMaxSourceBytes).
std::string read_bounded(int fd, const std::string& name) {
    std::string content;
    char buffer[65536];
    for (;;) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            course::throw_errno("read " + name);
        if (n == 0 || content.size() + static_cast<std::size_t>(n) > kMaxSourceBytes)
            return content;
        content.append(buffer, static_cast<std::size_t>(n));
    }
}

std::string refusal(const std::string& link) {
    return link +
           " is a symbolic link: a submission must hold only regular files and "
           "folders (a link could point at another student's work or at the "
           "solutions), so nothing of it was graded";
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
    struct Taken {
        fs::path target;
        std::string shown;  // labs/<slug>/<file>
        std::string from;   // where in the submission
        course::UniqueFd fd;
    };
    std::vector<Taken> taken;
    for (const auto& lab : labs) {
        for (const auto& file : lab.sources) {
            Taken source{
                fs::path(labs_dir) / lab.slug / file, "labs/" + lab.slug + "/" + file, "", {}};
            for (const auto& candidate : std::vector<std::vector<std::string>>{
                     {"labs", lab.slug, file}, {lab.slug, file}, {file}}) {
                auto found = open_without_links(root.get(), candidate);
                if (!found.link.empty()) {
                    overlay.refused = refusal(found.link);
                    overlay.notes.push_back("refused: " + overlay.refused);
                    return overlay;
                }
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
    return overlay;
}

std::string csv_field(const std::string& field) {
    if (field.find_first_of(",\"\r\n") == std::string::npos)
        return field;
    std::string quoted = "\"";
    for (char c : field)
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

namespace {

// Runs @p argv (PATH searched) with stdin from /dev/null and stdout+stderr into @p log, in
// its own process group, @p extra_env added. @returns the raw wait status.
int run_logged(const std::vector<std::string>& argv, const std::string& log,
               const std::vector<std::string>& extra_env) {
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
    course::retry_on_eintr("waitpid", [&] { return ::waitpid(pid, &status, 0); });
    return status;
}

}  // namespace

CompileCache compile_cache_for(const BatchOptions& options) {
    CompileCache cache;
    if (!options.compile_cache) {
        cache.why_not = "--no-compile-cache";
        return cache;
    }
    cache.ccache = hsys::find_in_path("ccache");
    if (cache.ccache.empty()) {
        cache.why_not = "ccache is not installed (apt-get install ccache)";
        return cache;
    }
    std::string no_namespaces = "GRADER_NO_NAMESPACES is set";
    bool fallback =
        std::getenv("GRADER_NO_NAMESPACES") != nullptr || !namespaces_work(no_namespaces);
    if (::geteuid() != 0 && fallback) {
        cache.ccache.clear();
        cache.why_not =
            "student code would run as this user, able to write the cache (" + no_namespaces + ")";
        return cache;
    }
    cache.dir = (fs::path(options.work_dir) / ".compile-cache").string();
    fs::create_directories(cache.dir);
    fs::permissions(cache.dir, fs::perms::owner_all);  // 0700: the grader's user only
    // Paths under the work folder (each student's copy of labs/, their build) are hashed
    // relative to the build, so that every student's build finds the first one's objects.
    cache.env = {"CCACHE_DIR=" + cache.dir, "CCACHE_BASEDIR=" + options.work_dir,
                 "CCACHE_NOHASHDIR=1", "CCACHE_MAXSIZE=2G"};
    return cache;
}

namespace {

struct Row {
    std::string student;
    std::map<std::string, double> lab_scores, lab_max;
    double score = 0, max_score = 0;
    std::map<std::string, int> verdicts;
    std::string status = "not graded";
    std::string flagged;  // why an instructor should look ("" when nothing is flagged)
    bool complete = false;
};

// timeout(1) exits 124 when it had to stop the command (137 when it had to kill it).
std::string step_failure(const char* step, int status) {
    if (WIFEXITED(status) && (WEXITSTATUS(status) == 124 || WEXITSTATUS(status) == 137)) {
        return std::string(step) + " timed out";
    }
    return fmt::format("{} failed (status {})", step, status);
}

void read_report(const fs::path& report_path, Row& row) {
    json report = json::parse(course::read_file(report_path.string()));
    row.score = report.at("score").get<double>();
    row.max_score = report.at("max_score").get<double>();
    std::map<std::string, int> timeouts;  // per lab
    for (const auto& test : report.at("tests")) {
        auto verdict = test.at("verdict").get<std::string>();
        ++row.verdicts[verdict];
        timeouts[test.at("lab").get<std::string>()] += verdict == "timeout";
    }
    auto flag = [&row](const std::string& why) {
        row.flagged += (row.flagged.empty() ? "" : "; ") + why;
    };
    for (const auto& lab : report.at("labs")) {
        auto id = lab.at("id").get<std::string>();
        row.lab_scores[id] = lab.at("score").get<double>();
        row.lab_max[id] = lab.at("max_score").get<double>();
        if (!lab.value("built", true))
            flag("lab " + id + " does not compile");
        if (timeouts[id] > 0)
            flag(fmt::format("lab {}: {} test(s) timed out", id, timeouts[id]));
        if (lab.value("flagged", false))
            flag("lab " + id + ": " + lab.value("flag_reason", ""));
    }
}

Row grade_student(const BatchOptions& options, const CompileCache& cache,
                  const std::vector<LabSpec>& labs, const std::string& student,
                  int build_parallelism) {
    Row row;
    row.student = student;
    fs::path work = fs::absolute(fs::path(options.work_dir) / student);
    fs::remove_all(work);
    fs::create_directories(work / "logs");
    // The course's own labs (tests, lab.json, hidden tests), with the student's sources over them.
    fs::copy(fs::path(options.course_dir) / "labs", work / "labs", fs::copy_options::recursive);
    auto overlay = overlay_submission(labs, (fs::path(options.submissions) / student).string(),
                                      (work / "labs").string());
    std::ofstream overlay_log(work / "logs" / "submission.log");
    for (const auto& note : overlay.notes)
        overlay_log << note << "\n";
    if (!overlay.refused.empty()) {
        row.status = "refused: " + overlay.refused;
        return row;
    }
    std::vector<std::string> env = {"CMAKE_BUILD_PARALLEL_LEVEL=" +
                                    std::to_string(build_parallelism)};
    env.insert(env.end(), cache.env.begin(), cache.env.end());
    std::string limit = std::to_string(options.timeout_seconds);
    std::vector<std::string> configure = {
        "timeout", "-k", "10", limit, "cmake", "-S", options.course_dir, "-B",
        (work / "build").string(), "-G", "Ninja", "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
        "-DCOURSE_LABS_DIR=" + (work / "labs").string(), "-DCOURSE_WITH_SOLUTIONS=OFF",
        // Hidden from this student's compiles and tests:
        // everyone's copies and the submissions (their own
        // labs, the manifest's labs_dir, stay visible).
        "-DCOURSE_SANDBOX_HIDE=" + options.work_dir + ";" + options.submissions};
    // The compiles reuse this grader's launcher instead of building one per student.
    auto launcher = fs::path(options.grader).parent_path() / "sandboxed-compile";
    if (fs::exists(launcher))
        configure.push_back("-DCOURSE_COMPILE_LAUNCHER=" + launcher.string());
    // The course's own code (harness, tests) through the cache; the student's sources keep
    // their sandboxed launcher (a target's own launcher replaces this default).
    if (!cache.ccache.empty())
        configure.push_back("-DCMAKE_CXX_COMPILER_LAUNCHER=" + cache.ccache);
    configure.insert(configure.end(), options.cmake_args.begin(), options.cmake_args.end());
    int status = run_logged(configure, (work / "logs" / "configure.log").string(), env);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        row.status = step_failure("configure", status);
        return row;
    }
    std::vector<std::string> grade = {"timeout",
                                      "-k",
                                      "10",
                                      limit,
                                      options.grader,
                                      "--manifest",
                                      (work / "build" / "course-manifest.json").string(),
                                      "--reports",
                                      (work / "reports").string()};
    for (const auto& id : options.labs)
        grade.insert(grade.end(), {"--lab", id});
    // The grader stops itself before timeout(1) would kill it: its reports keep what passed.
    double deadline = options.deadline_seconds > 0
                          ? std::min<double>(options.deadline_seconds, options.timeout_seconds)
                          : std::max(options.timeout_seconds - 60, options.timeout_seconds / 2);
    grade.insert(grade.end(), {"--deadline", fmt::format("{:g}", deadline)});
    status = run_logged(grade, (work / "logs" / "grade.log").string(), env);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        row.status = step_failure("grading", status);
        return row;
    }
    try {
        read_report(work / "reports" / "report.json", row);
        row.status = "graded";
        row.complete = true;
    } catch (const std::exception& e) {
        row.status = std::string("no readable report: ") + e.what();
    }
    return row;
}

const std::vector<std::string> verdict_columns = {"pass",    "fail",  "compile-error",
                                                  "timeout", "crash", "integrity"};

// One record of a CSV file (RFC 4180: quoted fields may hold commas, quotes and line
// breaks) from @p in; false at the end of the file.
bool read_csv_record(std::istream& in, std::vector<std::string>& fields) {
    fields.clear();
    std::string field;
    bool quoted = false, any = false;
    for (char c; in.get(c);) {
        any = true;
        if (quoted) {
            if (c != '"')
                field += c;
            else if (in.peek() == '"')
                field += static_cast<char>(in.get());
            else
                quoted = false;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.push_back(std::move(field));
            field.clear();
        } else if (c == '\n') {
            break;
        } else if (c != '\r') {
            field += c;
        }
    }
    if (any)
        fields.push_back(std::move(field));
    return any;
}

std::vector<std::string> gradebook_columns(const std::vector<LabSpec>& labs) {
    std::vector<std::string> columns = {"student"};
    for (const auto& lab : labs) {
        columns.push_back("lab" + lab.id);
        columns.push_back("lab" + lab.id + "_max");
    }
    columns.insert(columns.end(), {"total", "max"});
    columns.insert(columns.end(), verdict_columns.begin(), verdict_columns.end());
    columns.insert(columns.end(), {"other", "status", "flagged"});
    return columns;
}

// @p row as the gradebook's fields, by column name.
std::map<std::string, std::string> row_fields(const Row& row, const std::vector<LabSpec>& labs) {
    std::map<std::string, std::string> fields;
    fields["student"] = row.student;
    auto number = [](const std::map<std::string, double>& values, const std::string& id) {
        auto found = values.find(id);
        return found == values.end() ? std::string() : fmt::format("{:g}", found->second);
    };
    for (const auto& lab : labs) {
        fields["lab" + lab.id] = number(row.lab_scores, lab.id);
        fields["lab" + lab.id + "_max"] = number(row.lab_max, lab.id);
    }
    fields["total"] = fmt::format("{:g}", row.score);
    fields["max"] = fmt::format("{:g}", row.max_score);
    int other = 0;
    for (const auto& [verdict, count] : row.verdicts) {
        bool listed = std::find(verdict_columns.begin(), verdict_columns.end(), verdict) !=
                      verdict_columns.end();
        if (!listed)
            other += count;
    }
    for (const auto& v : verdict_columns) {
        auto found = row.verdicts.find(v);
        fields[v] = std::to_string(found == row.verdicts.end() ? 0 : found->second);
    }
    fields["other"] = std::to_string(other);
    fields["status"] = row.status;
    fields["flagged"] = row.flagged;
    return fields;
}

// The rows of an existing gradebook at @p path, by student, each by column name (none
// when there is no such file).
std::map<std::string, std::map<std::string, std::string>> read_gradebook(const std::string& path) {
    std::map<std::string, std::map<std::string, std::string>> rows;
    std::ifstream in(path);
    std::vector<std::string> header, fields;
    if (!in || !read_csv_record(in, header))
        return rows;
    while (read_csv_record(in, fields)) {
        std::map<std::string, std::string> row;
        for (std::size_t i = 0; i < header.size() && i < fields.size(); ++i)
            row[header[i]] = fields[i];
        if (!row["student"].empty())
            rows[row["student"]] = std::move(row);
    }
    return rows;
}

// Writes the gradebook: the rows graded now, and, when @p keep_others, the rows of the
// students not graded this time, as the previous gradebook at @p path had them.
void write_gradebook(const std::string& path, const std::vector<LabSpec>& labs,
                     const std::vector<Row>& rows, bool keep_others) {
    auto all = keep_others ? read_gradebook(path) : decltype(read_gradebook(path)){};
    for (const auto& row : rows)
        all[row.student] = row_fields(row, labs);
    if (auto parent = fs::path(path).parent_path(); !parent.empty())
        fs::create_directories(parent);
    auto columns = gradebook_columns(labs);
    std::ofstream csv(path);
    for (std::size_t i = 0; i < columns.size(); ++i)
        csv << (i ? "," : "") << columns[i];
    csv << "\n";
    for (auto& [student, fields] : all) {
        for (std::size_t i = 0; i < columns.size(); ++i)
            csv << (i ? "," : "") << csv_field(fields[columns[i]]);
        csv << "\n";
    }
    if (!csv.flush())
        throw std::system_error(errno, std::generic_category(), "write " + path);
}

}  // namespace

int run_batch(const BatchOptions& options) {
    std::vector<std::string> students;
    for (const auto& entry : fs::directory_iterator(options.submissions)) {
        if (entry.is_directory())
            students.push_back(entry.path().filename().string());
    }
    std::sort(students.begin(), students.end());
    if (!options.students.empty()) {  // --student: these only; the others' rows are kept
        for (const auto& wanted : options.students) {
            if (std::find(students.begin(), students.end(), wanted) == students.end()) {
                throw std::invalid_argument("no submission folder " + wanted + " in " +
                                            options.submissions);
            }
        }
        students = options.students;
    }
    auto all_labs = load_labs_dir((fs::path(options.course_dir) / "labs").string());
    std::vector<LabSpec> labs;
    for (const auto& lab : all_labs) {
        bool wanted = options.labs.empty() || std::find(options.labs.begin(), options.labs.end(),
                                                        lab.id) != options.labs.end();
        if (wanted)
            labs.push_back(lab);
    }
    auto cache = compile_cache_for(options);
    std::cerr << (cache.ccache.empty()
                      ? "batch: every student's build compiles the harness and tests: no "
                        "compile cache (" +
                            cache.why_not + ")\n"
                      : "batch: the harness and tests are compiled once, then taken from the "
                        "compile cache (" +
                            cache.dir + ")\n");
    int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(students.size())));
    int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    int parallelism = std::max(1, cores / jobs);
    std::vector<Row> rows(students.size());
    std::atomic<std::size_t> next{0};
    std::atomic<int> done{0};
    std::mutex print;
    auto worker = [&] {
        for (std::size_t i = next++; i < students.size(); i = next++) {
            try {
                rows[i] = grade_student(options, cache, all_labs, students[i], parallelism);
            } catch (const std::exception& e) {  // the batch goes on whatever one student does
                rows[i].student = students[i];
                rows[i].status = std::string("not graded: ") + e.what();
            }
            std::lock_guard lock(print);
            std::cerr << fmt::format("[{}/{}] {}: {:g} / {:g} ({})\n", ++done, students.size(),
                                     students[i], rows[i].score, rows[i].max_score, rows[i].status);
        }
    };
    std::vector<std::thread> threads;
    for (int j = 0; j < jobs; ++j)
        threads.emplace_back(worker);
    for (auto& t : threads)
        t.join();
    write_gradebook(options.gradebook, labs, rows, !options.students.empty());
    std::cout << "Gradebook: " << options.gradebook << " (" << rows.size()
              << " students; reports and logs in " << options.work_dir << "/<student>/)\n";
    return static_cast<int>(
        std::count_if(rows.begin(), rows.end(), [](const Row& r) { return !r.complete; }));
}

}  // namespace grader
