// Decoding the sandbox child's reports (child_reports.hpp).
#include "sandbox/child_reports.hpp"

#include <algorithm>
#include <cstring>

namespace grader::child {
namespace {

// The text in @p field (at most @p size bytes, NUL-terminated within them), or nullptr
// when it runs off the end or holds a byte that is not printable ASCII.
const char* valid_text(const char* field, std::size_t size) noexcept {
    std::size_t length = ::strnlen(field, size);
    if (length == size)
        return nullptr;
    bool printable =
        std::all_of(field, field + length, [](char c) { return c >= ' ' && c <= '~'; });
    return printable ? field : nullptr;
}

// Whether @p status is a wait status a process can end with: exited (0..255) or killed
// by a signal (1..64, with or without a core dump).
bool valid_wait_status(int status) noexcept {
    if (status < 0 || status > 0xffff)
        return false;
    int low = status & 0x7f;
    if (low == 0)
        return (status & 0x80) == 0;  // exited: the code is in the high byte
    return low <= 64 && (status >> 8) == 0;
}

// Why @p report is not a report the child writes ("" when it is one).
const char* report_problem(const ChildReport& report) noexcept {
    if (valid_text(report.step, sizeof report.step) == nullptr ||
        valid_text(report.path, sizeof report.path) == nullptr)
        return "a report whose texts are not printable or not ended";
    if (report.step[0] != '\0')
        return report.error > 0 && report.error < 4096 ? "" : "a failed step without an errno";
    if (!valid_wait_status(report.status) || report.leftovers < 0 || report.last_pid < -1)
        return "an account of the test's end that no process can have";
    return "";
}

}  // namespace

ChildReports decode_child_reports(std::string_view bytes) noexcept {
    ChildReports reports;
    try {
        for (std::size_t at = 0; at < bytes.size(); at += sizeof(ChildReport)) {
            if (bytes.size() - at < sizeof(ChildReport)) {
                reports.failed = true;
                reports.failure = "the sandbox's report pipe ends inside a report";
                break;
            }
            ChildReport report;
            std::memcpy(&report, bytes.data() + at, sizeof report);
            if (const char* problem = report_problem(report); *problem != '\0') {
                reports.failed = true;
                reports.failure = std::string("the sandbox's report pipe holds ") + problem;
                break;
            }
            if (report.step[0] != '\0') {
                reports.failed = true;
                reports.failure = std::string("cannot ") + report.step +
                                  (report.path[0] ? std::string(" (") + report.path + ")" : "") +
                                  ": " + std::strerror(report.error);
                break;
            }
            reports.ended = true;
            reports.status = report.status;
            reports.leftovers = static_cast<int>(
                std::min<long long>(0LL + reports.leftovers + report.leftovers, 1 << 30));
            reports.last_pid = report.last_pid;
        }
    } catch (...) {  // out of memory while saying why: `failed` says it, without words
        reports.failed = true;
    }
    return reports;
}

}  // namespace grader::child
