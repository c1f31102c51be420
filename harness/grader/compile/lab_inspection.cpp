#include "compile/lab_inspection.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <system_error>

#include "hsys/io.hpp"

namespace grader {
namespace {

// How many findings a test's message names; the rest are in the review notes.
constexpr std::size_t kFindingsInMessage = 3;

// The trusted definitions for @p paths, read once per process.
const TrustedSymbols& trusted_symbols(const std::vector<std::string>& paths) {
    static std::map<std::vector<std::string>, std::unique_ptr<TrustedSymbols>> loaded;
    auto& entry = loaded[paths];
    if (!entry)
        entry = std::make_unique<TrustedSymbols>(TrustedSymbols::load(paths));
    return *entry;
}

const LabSpec* find_lab(const std::vector<LabSpec>& course, const std::string& id) {
    for (const auto& lab : course) {
        if (lab.id == id)
            return &lab;
    }
    return nullptr;
}

// @p lab, then every lab it builds on, each once (a depth-first walk of `depends`).
void with_dependencies(const LabSpec& lab, const std::vector<LabSpec>& course,
                       std::vector<const LabSpec*>& order) {
    for (const LabSpec* seen : order) {
        if (seen->id == lab.id)
            return;
    }
    order.push_back(&lab);
    for (const auto& id : lab.depends) {
        if (const LabSpec* dependency = find_lab(course, id))
            with_dependencies(*dependency, course, order);
    }
}

// The findings in one lab's library: its student objects only.
std::vector<ObjectFinding> inspect_library(const LabSpec& lab, const std::string& library,
                                           const TrustedSymbols& trusted, std::string& problem) {
    std::string bytes;
    try {
        bytes = hsys::read_file_bounded(library, kLibraryCap);
    } catch (const std::system_error& e) {
        problem = "Lab " + lab.id + "'s compiled code could not be read: " + e.what();
        return {};
    }
    std::vector<std::string> members;
    for (const auto& source : lab.sources) {
        auto slash = source.find_last_of('/');
        members.push_back((slash == std::string::npos ? source : source.substr(slash + 1)) + ".o");
    }
    auto found = inspect_archive(bytes, members, trusted);
    for (auto& finding : found)
        finding.object = "Lab " + lab.id + ", " + finding.object;
    return found;
}

}  // namespace

bool LabInspection::refuses() const {
    return std::any_of(findings.begin(), findings.end(),
                       [](const ObjectFinding& f) { return f.integrity; });
}

std::string LabInspection::integrity_message() const {
    std::string message = "the compiled code cannot be trusted with the course's result channel:";
    std::size_t named = 0, refusing = 0;
    for (const auto& finding : findings) {
        if (!finding.integrity)
            continue;
        if (++refusing <= kFindingsInMessage) {
            message += "\n  " + finding.object + " " + finding.what;
            ++named;
        }
    }
    if (refusing > named)
        message += "\n  ... and " + std::to_string(refusing - named) + " more (report.json)";
    return message + "\n(no test of this lab was run; an instructor will look)";
}

std::vector<ReviewNote> LabInspection::notes() const {
    std::vector<ReviewNote> notes;
    std::set<std::string> seen;
    if (!problem.empty())
        notes.push_back({"(compiled code)", 0, problem, ""});
    for (const auto& finding : findings) {
        std::string what = (finding.integrity ? "integrity: " : "") + finding.what;
        if (!seen.insert(finding.object + what).second)
            continue;
        notes.push_back({finding.object, 0, what, finding.symbol});
    }
    return notes;
}

LabInspection inspect_lab(const LabSpec& lab, bool student, const std::vector<LabSpec>& course,
                          const std::vector<std::string>& trusted_binaries) {
    LabInspection inspection;
    const TrustedSymbols* trusted = nullptr;
    try {
        trusted = &trusted_symbols(trusted_binaries);
    } catch (const std::exception& e) {
        inspection.problem = std::string(
                                 "the grader could not read the libraries it checks "
                                 "compiled code against: ") +
                             e.what();
        return inspection;
    }
    std::vector<const LabSpec*> labs;
    with_dependencies(lab, course, labs);
    for (const LabSpec* each : labs) {
        const auto& library = student ? each->student.library : each->reference.library;
        if (library.empty()) {
            inspection.problem = "the build names no library for Lab " + each->id +
                                 ": its compiled code was not inspected";
            continue;
        }
        auto found = inspect_library(*each, library, *trusted, inspection.problem);
        inspection.findings.insert(inspection.findings.end(), found.begin(), found.end());
    }
    return inspection;
}

}  // namespace grader
