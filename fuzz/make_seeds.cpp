// Writes the seeds of the fuzz targets that only the course's own code can make: sealed
// record streams (the real sealer, under fuzz_secret.hpp's key), the sandbox child's
// reports, and a report.json from the grader's own writer. The listings and compiler logs
// were captured from real programs (fuzz/README.md). Usage: make_seeds CORPUS_DIR
#include <sys/wait.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fuzz_secret.hpp"
#include "reports/reports.hpp"
#include "sandbox/child_reports.hpp"

namespace {
namespace fs = std::filesystem;
namespace channel = harness::channel;
using nlohmann::json;

void write_seed(const fs::path& dir, const std::string& name, const std::string& bytes) {
    fs::create_directories(dir);
    std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
    out << bytes;
    if (!out.flush())
        throw std::system_error(errno, std::generic_category(), "write " + (dir / name).string());
}

// The payloads of an honest run of the fuzz target's test, as the test mains send them.
std::vector<std::string> honest_payloads(const std::string& outcome, const std::string& message) {
    return {json{{"kind", "begin"}, {"test", course_fuzz::kTest}}.dump(),
            json{{"kind", "result"},
                 {"test", course_fuzz::kTest},
                 {"outcome", outcome},
                 {"message", message}}
                .dump(),
            json{{"kind", "canary"}, {"failed", true}}.dump(),
            json{{"kind", "end"}, {"exit_code", outcome == "fail" ? 1 : 0}}.dump()};
}

// The channel target's two forms: "\0" + sealed stream, "\1" + payloads one per line.
void channel_seeds(const fs::path& dir) {
    struct Run {
        const char* name;
        std::string outcome, message;
    };
    for (const Run& run : {Run{"pass", "pass", ""},
                           Run{"fail", "fail",
                               "labs/01-process/process_test.cpp:42: Failure\nExpected equality "
                               "of these values:\n  p.pid()\n    Which is: 0\n  getpid()\n"},
                           Run{"skip", "skip", "psutil is not installed"}}) {
        auto payloads = honest_payloads(run.outcome, run.message);
        std::string stream, lines;
        for (std::size_t i = 0; i < payloads.size(); ++i) {
            stream += channel::seal(course_fuzz::secret(), i, payloads[i]);
            lines += (i ? "\n" : "") + payloads[i];
        }
        write_seed(dir, std::string("sealed-") + run.name, std::string(1, '\0') + stream);
        write_seed(dir, std::string("payloads-") + run.name, "\1" + lines);
        if (run.outcome == "pass")  // a writer that died inside its third record
            write_seed(dir, "sealed-cut-short",
                       std::string(1, '\0') + stream.substr(0, stream.size() / 2));
    }
}

std::string report_bytes(const grader::child::ChildReport& report) {
    return std::string(reinterpret_cast<const char*>(&report), sizeof report);
}

void child_report_seeds(const fs::path& dir) {
    grader::child::ChildReport exited;
    exited.status = 0;
    exited.last_pid = 3;
    write_seed(dir, "exited-0", report_bytes(exited));
    grader::child::ChildReport crashed;
    crashed.status = SIGSEGV | 0x80;  // killed by SIGSEGV, core dumped
    crashed.leftovers = 2;
    crashed.last_pid = 12;
    write_seed(dir, "segv-leftovers", report_bytes(crashed));
    grader::child::ChildReport failed;
    std::strcpy(failed.step, "mount");
    std::strcpy(failed.path, "/proc");
    failed.error = EPERM;
    write_seed(dir, "mount-failed", report_bytes(failed) + report_bytes(exited));
    grader::child::ChildReport exec;
    std::strcpy(exec.step, "execve");
    std::strcpy(exec.path, "/course/build/bin/lab01_tests");
    exec.error = ENOENT;
    write_seed(dir, "exec-failed", report_bytes(exec));
}

// A report.json as the grader writes it, for the gradebook's reader.
void report_seed(const fs::path& dir) {
    grader::CourseResult result;
    grader::LabResult lab;
    lab.lab.id = "01";
    lab.lab.slug = "01-process";
    lab.lab.title = "Process identity";
    lab.built = true;
    const std::vector<std::pair<const char*, grader::Verdict>> tests = {
        {"ProcessTest.ReadsItsOwnPid", grader::Verdict::pass},
        {"ProcessTest.ReadsInit", grader::Verdict::fail},
        {"ProcessTest.Hangs", grader::Verdict::timeout},
        {"ProcessTest.Forged", grader::Verdict::integrity}};
    for (const auto& [name, verdict] : tests) {
        grader::TestResult test;
        test.spec.name = name;
        test.spec.task = 1;
        test.lab = "01";
        test.verdict = verdict;
        test.score = verdict == grader::Verdict::pass ? 1 : 0;
        test.message = verdict == grader::Verdict::pass ? "" : "expected 1, got 0";
        lab.lab.tests.push_back(test.spec);
        lab.tests.push_back(test);
    }
    result.labs.push_back(lab);
    fs::create_directories(dir);
    grader::write_report_json(result, (dir / "report.json").string());
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: make_seeds CORPUS_DIR\n";
        return 2;
    }
    fs::path corpus = argv[1];
    channel_seeds(corpus / "channel_fuzzer");
    child_report_seeds(corpus / "child_reports_fuzzer");
    report_seed(corpus / "report_fuzzer");
    write_seed(corpus / "resource_events_fuzzer", "out-of-memory",
               std::string(1, '\0') + "out-of-memory operator new\n");
    write_seed(
        corpus / "resource_events_fuzzer", "processes",
        std::string(1, '\0') + "too-many-processes fork\ntoo-many-processes pthread_create\n");
    write_seed(corpus / "resource_events_fuzzer", "cut-at-cap",
               "\1too-many-processes posix_spawn\ntoo-many-processes posix_sp");
    return 0;
}
