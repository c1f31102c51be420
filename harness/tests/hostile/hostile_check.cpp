// Grades the hostile "submissions" (hostile_tests.cpp) exactly as the grader grades a lab,
// with every protection apply_protections() turns on, and checks the guarantees of
// harness/README.md, "The sandbox": each test gets its expected verdict (expected.json)
// with a plain message, ends within its time limit + 1 s, the report is complete and
// valid, and no process the grading started is left alive.
#include <gtest/gtest.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "course/file.hpp"
#include "grade/grade.hpp"
#include "harness/testsupport.hpp"
#include "hsys/proc.hpp"
#include "hsys/temp_dir.hpp"
#include "reports/reports.hpp"
#include "sandbox/protections.hpp"

namespace {

using nlohmann::json;

struct Expectation {
    std::string test;
    std::string verdict;
    std::string words;     // the message must hold them ("" for none)
    std::string may_skip;  // why it may skip itself (expected.json "may_skip"), or ""
};

// The expected verdicts; without namespaces or without a cgroup per test, with the
// fallback's differences.
std::vector<Expectation> load_expectations(double& time_limit, bool isolated, bool cgroup) {
    json root = json::parse(course::read_file(HOSTILE_EXPECTED));
    time_limit = root.at("time_limit").get<double>();
    json overrides = json::object();
    if (!isolated)
        overrides.update(root.at("fallback"));
    if (!cgroup)
        overrides.update(root.at("no_cgroup"));
    if (!isolated && ::geteuid() != 0 && ::access(COURSE_SOURCE_DIR, W_OK) == 0) {
        overrides.update(root.at("fallback_writable_course"));
    }
    std::vector<Expectation> expected;
    for (const auto& row : root.at("tests")) {
        // Explicit get<>() throughout: json converts implicitly in some versions only.
        auto test = row.at(0).get<std::string>();
        auto usual = row.at(1).get<std::string>();
        std::string verdict = overrides.value(test, usual);
        std::string words = row.size() > 2 ? row.at(2).get<std::string>() : "";
        std::string may_skip = root.at("may_skip").value(test, "");
        expected.push_back({test, verdict, verdict == usual ? words : "", may_skip});
    }
    return expected;
}

grader::LabSpec hostile_lab(const std::vector<Expectation>& expected, double time_limit) {
    grader::LabSpec lab;
    lab.id = "98";
    lab.slug = "98-hostile";
    lab.title = "Hostile submissions";
    lab.lesson = "98-hostile.md";
    lab.framework = "gtest";
    lab.time_limit = time_limit;
    lab.tasks = {{1, "Survive", "survive"}};
    for (const auto& e : expected)
        lab.tests.push_back({e.test, 1, 1, false, e.may_skip});
    lab.student = {"hostile_tests", HOSTILE_TESTS, ""};
    return lab;
}

// Every live process whose executable is the hostile test program, from a /proc scan.
std::vector<pid_t> hostile_processes() {
    std::vector<pid_t> found;
    auto program = std::filesystem::weakly_canonical(HOSTILE_TESTS).string();
    for (pid_t pid : hsys::list_pids()) {
        char exe[4096] = {};
        std::string link = "/proc/" + std::to_string(pid) + "/exe";
        if (::readlink(link.c_str(), exe, sizeof exe - 1) <= 0)
            continue;  // ended since the scan, or not ours to inspect
        if (program == exe)
            found.push_back(pid);
    }
    return found;
}

// Listeners on the host that no test may reach (Hostile.ReachesTheHostsNetwork): TCP and
// UDP on 127.0.0.1 and an abstract Unix socket, named to the tests by the environment
// (COURSE_TEST_*: the only variables of the grader's own, besides the usual ones, that a
// test sees).
class HostListeners {
  public:
    HostListeners() {
        tcp_ = listen_on(AF_INET, SOCK_STREAM, "COURSE_TEST_HOSTILE_TCP_PORT");
        udp_ = listen_on(AF_INET, SOCK_DGRAM, "COURSE_TEST_HOSTILE_UDP_PORT");
        unix_ = listen_on(AF_UNIX, SOCK_STREAM, "COURSE_TEST_HOSTILE_ABSTRACT_SOCKET");
    }
    ~HostListeners() {
        for (int fd : {tcp_, udp_, unix_})
            ::close(fd);
    }
    // Whether anything reached a listener (a connection waiting, a datagram).
    std::string reached() const {
        std::string what;
        for (auto [fd, name] : {std::pair{tcp_, "TCP"}, std::pair{unix_, "abstract Unix"}}) {
            int accepted = ::accept4(fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (accepted >= 0) {
                what += std::string(" ") + name;
                ::close(accepted);
            }
        }
        char byte;
        if (::recv(udp_, &byte, 1, MSG_DONTWAIT) >= 0)
            what += " UDP";
        return what;
    }

  private:
    static int listen_on(int family, int type, const char* variable) {
        int fd = ::socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            throw std::system_error(errno, std::generic_category(), "socket");
        std::string value;
        int bound = -1;
        if (family == AF_INET) {
            sockaddr_in address{};
            address.sin_family = AF_INET;
            address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            socklen_t length = sizeof address;
            bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
            value = std::to_string(ntohs(address.sin_port));
        } else {
            value = "hostile-check-" + std::to_string(::getpid());
            sockaddr_un address{};
            address.sun_family = AF_UNIX;
            std::memcpy(address.sun_path + 1, value.data(), value.size());
            bound =
                ::bind(fd, reinterpret_cast<sockaddr*>(&address),
                       static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + value.size()));
        }
        if (bound != 0 || (type == SOCK_STREAM && ::listen(fd, 8) != 0))
            throw std::system_error(errno, std::generic_category(), "bind/listen " + value);
        ::setenv(variable, value.c_str(), 1);
        return fd;
    }
    int tcp_ = -1, udp_ = -1, unix_ = -1;
};

// The IPC objects Hostile.LeavesIpcObjects makes, if any is on this machine; removes them.
std::string ipc_left_on_the_host() {
    constexpr key_t key = 0x484f5354;
    std::string left;
    if (int id = ::msgget(key, 0); id >= 0) {
        left += " msg";
        ::msgctl(id, IPC_RMID, nullptr);
    }
    if (int id = ::shmget(key, 0, 0); id >= 0) {
        left += " shm";
        ::shmctl(id, IPC_RMID, nullptr);
    }
    if (int id = ::semget(key, 0, 0); id >= 0) {
        left += " sem";
        ::semctl(id, 0, IPC_RMID);
    }
    if (::mq_unlink("/hostile-queue") == 0)
        left += " mqueue";
    if (::shm_unlink("/hostile-shared") == 0)
        left += " posix-shm";
    return left;
}

// The grader's scratch folders (TMPDIR-or-/tmp/grader-*) there are now.
std::set<std::string> grader_scratch_folders() {
    std::set<std::string> found;
    std::error_code error;
    for (const auto& entry :
         std::filesystem::directory_iterator(std::filesystem::temp_directory_path(), error)) {
        if (entry.path().filename().string().rfind("grader-", 0) == 0)
            found.insert(entry.path().string());
    }
    return found;
}

TEST(HostileSuite, EveryHazardGetsItsVerdictAndNothingSurvives) {
    grader::GradeOptions options;
    options.build = false;
    options.source_dir = COURSE_SOURCE_DIR;
    // The course's own view, with the hostile program's source as this lab's hidden test.
    options.layout = grader::read_course_layout(COURSE_BINARY_DIR "/course-manifest.json");
    options.layout.hidden_sources.push_back(COURSE_SOURCE_DIR
                                            "/harness/tests/hostile/hostile_tests.cpp");
    grader::CourseResult course;
    course.protections = grader::apply_protections(options.limits, options.layout);
    // Its own share of memory: small enough that the memory spread over processes is
    // stopped long before it weighs on the machine.
    options.limits.memory_max = 512ull << 20;
    ASSERT_TRUE(ipc_left_on_the_host().empty()) << "IPC objects of an earlier run";
    HostListeners listeners;
    // What a CI hands its jobs (GitLab's CI_JOB_TOKEN, say): Hostile.ReadsTheGradersEnvironment
    // must not find it.
    ASSERT_EQ(::setenv("HOSTILE_CI_JOB_TOKEN", "the-ci-job-token", 1), 0);
    // Two tests at a time in namespaces, as the grader runs them (one at a time without).
    options.test_jobs = 2;
    double time_limit = 0;
    auto expected =
        load_expectations(time_limit, options.limits.isolate, options.limits.cgroup != nullptr);
    for (const auto& p : course.protections)
        std::cout << "  protection: " << p << "\n";
    auto scratch_before = grader_scratch_folders();  // another grader's may be there
    auto start = std::chrono::steady_clock::now();
    course.labs.push_back(grader::grade_lab(hostile_lab(expected, time_limit), options));
    course.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto& results = course.labs[0].tests;
    ASSERT_EQ(results.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const auto& r = results[i];
        std::printf("  %-42s %-19s %5.2f s  %s\n", expected[i].test.c_str(),
                    grader::to_string(r.verdict).c_str(), r.seconds,
                    r.message.substr(0, r.message.find('\n')).c_str());
        EXPECT_EQ(grader::to_string(r.verdict), expected[i].verdict)
            << expected[i].test << ": " << r.message << "\n--- output:\n"
            << r.output.substr(0, 2000);
        EXPECT_NE(r.message.find(expected[i].words), std::string::npos)
            << expected[i].test << ": the message should say " << expected[i].words << ": "
            << r.message;
        if (r.verdict != grader::Verdict::pass) {
            EXPECT_FALSE(r.message.empty()) << expected[i].test << " has no message";
        }
        EXPECT_LE(r.seconds, time_limit + 1) << expected[i].test << " ran past its limit + 1 s";
        EXPECT_EQ(r.leftover, "") << expected[i].test << " left a scratch folder behind";
    }
    std::printf("  %zu tests graded in %.1f s\n", results.size(), course.seconds);
    // The report: written to a file, complete, valid JSON, a verdict for every test.
    hsys::TempDir dir("hostile-report");
    grader::write_report_json(course, (dir.path() / "report.json").string());
    json report = json::parse(course::read_file((dir.path() / "report.json").string()));
    ASSERT_EQ(report.at("tests").size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(report["tests"][i].at("verdict").get<std::string>(), expected[i].verdict)
            << expected[i].test;
    }
    EXPECT_FALSE(report.at("protections").empty());
    if (options.limits.isolate) {
        // Nothing the tests read of the reference reached an output or the report (a
        // student release has no reference to leak).
        const char* reference = COURSE_SOURCE_DIR "/solutions/01-process/process.cpp";
        if (std::filesystem::exists(reference)) {
            std::string solution = course::read_file(reference);
            EXPECT_EQ(report.dump().find(solution.substr(0, 200)), std::string::npos);
        }
        for (const auto& r : results)
            EXPECT_EQ(r.output.find("LEAKED"), std::string::npos) << r.output.substr(0, 500);
        EXPECT_EQ(listeners.reached(), "") << "a test reached the host's network";
        EXPECT_EQ(ipc_left_on_the_host(), "") << "IPC objects stayed on the machine";
    } else {
        ipc_left_on_the_host();  // the fallback's IPC is the machine's: leave nothing
    }
    // Nothing survives: no child of ours, no process running the hostile program.
    EXPECT_TRUE(harness::children_of(::getpid()).empty()) << "the grader left a child";
    EXPECT_TRUE(hostile_processes().empty()) << "a hostile process survived the grading";
    // Nor a file: every test's scratch folder is gone (Hostile.MakesADeepTree's 60,000
    // levels included).
    for (const auto& folder : grader_scratch_folders())
        EXPECT_TRUE(scratch_before.count(folder)) << folder << " survived the grading";
    if (!options.limits.isolate) {
        std::error_code ignored;  // the fallback's shared /tmp keeps the poison
        std::filesystem::remove("/tmp/hostile-poison", ignored);
    }
}

}  // namespace
