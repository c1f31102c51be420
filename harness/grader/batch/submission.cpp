// Finding a student's files in what they uploaded: the repository at the root, inside one
// top-level folder (GitHub's "Download ZIP"), only labs/, bare lab folders or bare files.
#include "batch/submission.hpp"

#include <filesystem>
#include <optional>
#include <system_error>

namespace grader {
namespace fs = std::filesystem;

// True when @p name is one of the course's: `labs`, a lab's folder or one of its sources.
static bool is_course_name(const std::string& name, const std::vector<LabSpec>& labs) {
    if (name == "labs")
        return true;
    for (const auto& lab : labs) {
        if (name == lab.slug)
            return true;
        for (const auto& source : lab.sources) {
            if (name == source)
                return true;
        }
    }
    return false;
}

// The only folder of @p dir, when it has exactly one and none of the course's names.
static std::optional<fs::path> only_folder(const fs::path& dir, const std::vector<LabSpec>& labs) {
    std::optional<fs::path> found;
    std::error_code error;
    for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
        std::string name = it->path().filename().string();
        if (name.empty() || name[0] == '.' || name == "__MACOSX")
            continue;
        if (is_course_name(name, labs))
            return std::nullopt;
        auto status = fs::symlink_status(it->path(), error);
        if (error || !fs::is_directory(status))
            continue;  // a stray file (README.md, a PDF) does not stop the search
        if (found)
            return std::nullopt;  // two folders: nothing to choose between
        found = it->path();
    }
    return error ? std::nullopt : found;
}

std::string submission_root(const std::string& submission, const std::vector<LabSpec>& labs) {
    fs::path root = submission;
    for (int depth = 0; depth < 4; ++depth) {  // a zip of a folder of a folder, at most
        auto inner = only_folder(root, labs);
        if (!inner)
            break;
        root = *inner;
    }
    return root.string();
}

// "`A` (from `B`)" for overlay_submission's "A from B" (paths in code spans: no Markdown
// reads their underscores).
static std::string code_spans(const std::string& text, const std::string& separator,
                              const std::string& joiner) {
    auto at = text.find(separator);
    if (at == std::string::npos)
        return "`" + text + "`";
    return "`" + text.substr(0, at) + "`" + joiner + "`" + text.substr(at + separator.size()) + "`";
}

std::string describe_submission(const std::vector<std::string>& notes, const std::string& root) {
    std::string taken, missing, other;
    for (const auto& note : notes) {
        if (note.rfind("copied ", 0) == 0) {
            taken += "- " + code_spans(note.substr(7), " from ", " from ") + "\n";
        } else if (note.rfind("missing ", 0) == 0) {
            std::string file = note.substr(8);
            missing += "- `" + file.substr(0, file.find(':')) + "`\n";
        } else {
            other += "- " + note + "\n";
        }
    }
    std::string text = "## Your submission\n\n";
    if (!root.empty())
        text += "Your files were found in the folder `" + root + "/` of your upload.\n\n";
    if (taken.empty()) {
        text +=
            "**None of the course's files was found in your submission: every lab was graded "
            "as the untouched stub.** Upload your source files (e.g. `process.cpp`), their "
            "lab folders, or your whole repository.\n\n";
    } else {
        text += "Taken from your submission:\n\n" + taken + "\n";
    }
    if (!missing.empty())
        text += "Missing (the untouched stub was graded instead):\n\n" + missing + "\n";
    if (!other.empty())
        text += other + "\n";
    return text;
}

}  // namespace grader
