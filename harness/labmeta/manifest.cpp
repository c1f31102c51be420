// course-manifest.json: written by CMake at configure time (course_write_manifest in
// cmake/CourseLab.cmake), read here for the grader and the weaver.
#include "labmeta/manifest.hpp"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "course/file.hpp"

namespace labmeta {

using nlohmann::json;

namespace {

BuildTarget build_target(const json& entry) {
    return {entry.at("target").get<std::string>(), entry.at("executable").get<std::string>(),
            entry.value("library", "")};
}

// The hidden-test programs and objects of a lab's entry @p entry ("hidden"), if any.
void read_hidden(const json& entry, LabSpec& lab) {
    if (!entry.contains("hidden"))
        return;
    const json& hidden = entry.at("hidden");
    lab.hidden_student = build_target(hidden.at("student"));
    if (hidden.contains("reference"))
        lab.hidden_reference = build_target(hidden.at("reference"));
    std::string objects = hidden.value("objects", "");
    for (std::size_t start = 0; start < objects.size();) {
        auto end = std::min(objects.find('\n', start), objects.size());
        if (end > start)
            lab.hidden_objects.push_back(objects.substr(start, end - start));
        start = end + 1;
    }
}

json read_manifest_json(const std::string& manifest_path) {
    try {
        return json::parse(course::read_file(manifest_path));
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot read the build manifest " + manifest_path + ": " +
                                 e.what() + " (run `make` first: it configures the build)");
    }
}

std::runtime_error malformed(const std::string& manifest_path, const json::exception& e) {
    return std::runtime_error("malformed build manifest " + manifest_path + ": " + e.what() +
                              " (reconfigure: cmake --preset default)");
}

// The folders of the manifest @p j, into @p manifest.
void read_layout(const json& j, Manifest& manifest) {
    manifest.source_dir = j.at("source_dir").get<std::string>();
    manifest.build_dir = j.at("build_dir").get<std::string>();
    manifest.labs_dir = j.value("labs_dir", manifest.source_dir + "/labs");
    manifest.solutions_dir = j.value("solutions_dir", manifest.source_dir + "/solutions");
    manifest.sandbox_hide = j.value("sandbox_hide", std::vector<std::string>{});
}

}  // namespace

std::string Manifest::labs_root() const {
    std::filesystem::path folder = labs_dir;
    if (!folder.has_filename())  // "course/labs/"
        folder = folder.parent_path();
    return folder.parent_path().string();
}

Manifest load_manifest_layout(const std::string& manifest_path) {
    json j = read_manifest_json(manifest_path);
    Manifest manifest;
    try {
        read_layout(j, manifest);
    } catch (const json::exception& e) {
        throw malformed(manifest_path, e);
    }
    return manifest;
}

Manifest load_manifest(const std::string& manifest_path) {
    json j = read_manifest_json(manifest_path);
    Manifest manifest;
    try {
        read_layout(j, manifest);
        for (const auto& entry : j.at("labs")) {
            auto dir = entry.at("dir").get<std::string>();
            LabSpec lab = parse_lab_json(course::read_file(entry.at("metadata")), dir);
            lab.slug = entry.at("slug").get<std::string>();
            lab.student = build_target(entry.at("student"));
            if (entry.contains("reference"))
                lab.reference = build_target(entry.at("reference"));
            read_hidden(entry, lab);
            manifest.labs.push_back(std::move(lab));
        }
        manifest.trusted_binaries = j.value("trusted_binaries", std::vector<std::string>{});
        for (const auto& entry : j.value("programs", json::array())) {
            BuiltProgram program;
            program.name = entry.at("name").get<std::string>();
            program.lab = entry.value("lab", "");
            program.aliases = entry.value("aliases", std::vector<std::string>{});
            program.student = build_target(entry.at("student"));
            if (entry.contains("reference"))
                program.reference = build_target(entry.at("reference"));
            manifest.programs.push_back(std::move(program));
        }
    } catch (const json::exception& e) {
        throw malformed(manifest_path, e);
    }
    check_uses(manifest.labs);
    return manifest;
}

std::vector<std::pair<std::string, std::string>> session_aliases(const Manifest& manifest) {
    std::vector<std::pair<std::string, std::string>> aliases;
    for (const auto& program : manifest.programs) {
        if (program.reference.executable.empty())
            continue;
        for (const auto& alias : program.aliases)
            aliases.emplace_back(alias, program.reference.executable);
    }
    return aliases;
}

}  // namespace labmeta
