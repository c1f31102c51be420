#include "sandbox/hidden_files.hpp"

#include <errno.h>
#include <sys/stat.h>

#include <filesystem>
#include <system_error>

namespace grader {
namespace fs = std::filesystem;

std::string object_folder(const std::string& object) {
    for (fs::path folder = fs::path(object).parent_path(); folder.has_relative_path();
         folder = folder.parent_path()) {
        if (folder.extension() == ".dir")
            return folder.string();
    }
    return fs::path(object).parent_path().string();
}

namespace {

// Sets @p path's mode to @p mode; nothing when it does not exist.
void set_mode(const std::string& path, mode_t mode) {
    if (::chmod(path.c_str(), mode) != 0 && errno != ENOENT)
        throw std::system_error(errno, std::generic_category(), "chmod " + path);
}

}  // namespace

std::vector<std::string> hidden_files(const LabSpec& lab, const CourseLayout& layout) {
    if (lab.hidden_test_files.empty())
        return {};
    std::string course_copy = layout.source_dir + "/labs/" + lab.slug + "/";
    std::vector<std::string> files = {lab.dir + "/lab.json", course_copy + "lab.json"};
    for (const auto& file : lab.hidden_test_files) {
        files.push_back(lab.dir + "/" + file);
        files.push_back(course_copy + file);
    }
    for (const auto& object : lab.hidden_objects) {
        files.push_back(object_folder(object));
        files.push_back(object);
    }
    for (const auto* program : {&lab.hidden_student, &lab.hidden_reference}) {
        if (!program->executable.empty())
            files.push_back(program->executable);
    }
    return files;
}

void close_to_others(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        if (errno == ENOENT)
            return;
        throw std::system_error(errno, std::generic_category(), "stat " + path);
    }
    if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        set_mode(path, info.st_mode & 07700);
}

void close_hidden_files(const LabSpec& lab, const CourseLayout& layout) {
    for (const auto& path : hidden_files(lab, layout))
        close_to_others(path);
}

void open_hidden_program(const std::string& program) {
    set_mode(program, 0711);
}

}  // namespace grader
