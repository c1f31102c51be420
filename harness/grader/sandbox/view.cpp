#include "sandbox/view.hpp"

#include <algorithm>
#include <filesystem>

#include <sys/stat.h>

#include "course/file.hpp"
#include "sandbox/hidden_files.hpp"

namespace grader {
namespace fs = std::filesystem;

namespace {

// Adds @p path, resolved, when it exists.
void add_existing(std::vector<std::string>& to, const std::string& path) {
    if (path.empty())
        return;
    std::error_code error;
    auto resolved = fs::canonical(path, error);
    if (!error && std::find(to.begin(), to.end(), resolved.string()) == to.end())
        to.push_back(resolved.string());
}

int depth(const std::string& path) {
    return static_cast<int>(std::count(path.begin(), path.end(), '/'));
}

// Whether @p path is @p dir or lies inside it.
bool inside(const std::string& path, const std::string& dir) {
    return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
                           (dir == "/" || path[dir.size()] == '/'));
}

// The folders on the way to @p path (not @p path itself) that others may not enter: the
// sandbox's user (nobody) could not reach @p path through them. Hiding one and showing
// the way again (the view's usual steps) opens the way without opening the folder: a
// course cloned into a private folder, a build tree in a `mktemp -d` folder.
std::vector<std::string> closed_folders_above(const std::string& path) {
    std::vector<std::string> closed;
    for (auto slash = path.find('/', 1); slash != std::string::npos;
         slash = path.find('/', slash + 1)) {
        auto folder = path.substr(0, slash);
        struct stat info {};
        if (::lstat(folder.c_str(), &info) == 0 && S_ISDIR(info.st_mode) &&
            (info.st_mode & S_IXOTH) == 0) {
            closed.push_back(folder);
        }
    }
    return closed;
}

// The hidden tests' programs and the folders of their objects, of @p lab, into @p layout.
void add_hidden_builds(const labmeta::LabSpec& lab, CourseLayout& layout) {
    for (const auto* program : {&lab.hidden_student, &lab.hidden_reference}) {
        if (!program->executable.empty())
            layout.hidden_builds.push_back(program->executable);
    }
    for (const auto& object : lab.hidden_objects)
        layout.hidden_builds.push_back(object_folder(object));
}

}  // namespace

CourseLayout read_course_layout(const labmeta::Manifest& manifest) {
    CourseLayout layout;
    layout.source_dir = manifest.source_dir;
    layout.build_dir = manifest.build_dir;
    layout.labs_dir = manifest.labs_dir;
    layout.solutions_dir = manifest.solutions_dir;
    layout.sandbox_hide = manifest.sandbox_hide;
    for (const auto& lab : manifest.labs) {
        for (const auto& file : lab.hidden_test_files) {
            // The built copy, and the course's own when the build uses another (a batch).
            layout.hidden_sources.push_back(lab.dir + "/" + file);
            layout.hidden_sources.push_back(layout.source_dir + "/labs/" + lab.slug + "/" + file);
        }
        if (!lab.hidden_test_files.empty()) {
            layout.hidden_metadata.push_back(lab.dir + "/lab.json");
            layout.hidden_metadata.push_back(layout.source_dir + "/labs/" + lab.slug + "/lab.json");
        }
        add_hidden_builds(lab, layout);
    }
    return layout;
}

CourseLayout read_course_layout(const std::string& manifest_path) {
    return read_course_layout(labmeta::load_manifest(manifest_path));
}

View student_view(const CourseLayout& layout) {
    View view;
    add_existing(view.hidden, layout.solutions_dir);
    for (const auto* paths :
         {&layout.hidden_sources, &layout.hidden_metadata, &layout.hidden_builds}) {
        for (const auto& path : *paths)
            add_existing(view.hidden, path);
    }
    // Every build tree: *_ref programs and libraries, objects, logs, reports.
    add_existing(view.hidden, layout.build_dir);
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(layout.source_dir, error)) {
        if (entry.is_directory(error) && fs::exists(entry.path() / "CMakeCache.txt", error))
            add_existing(view.hidden, entry.path().string());
    }
    for (const auto& path : layout.sandbox_hide)
        add_existing(view.hidden, path);
    add_existing(view.hidden, "/root");
    add_existing(view.hidden, "/home");
    add_existing(view.shown, layout.source_dir);
    add_existing(view.shown, layout.labs_dir);
    return view;
}

std::vector<ViewStep> plan_view(const View& view, const std::string& program,
                                const std::string& workdir, const std::string& cwd) {
    std::vector<ViewStep> steps;
    auto add = [&](ViewStep::Kind kind, const std::string& path) {
        std::error_code error;
        auto resolved = fs::weakly_canonical(path, error).string();
        if (error)
            resolved = path;
        bool is_file = !fs::is_directory(resolved, error);
        steps.push_back({kind, resolved, is_file});
    };
    for (const auto& path : view.hidden)
        add(ViewStep::hide, path);
    for (const auto& path : view.shown)
        add(ViewStep::show, path);
    add(ViewStep::show, program);
    add(ViewStep::show_writable, workdir);
    if (!cwd.empty() && cwd != workdir)
        add(ViewStep::folder, cwd);
    std::vector<std::string> closed;
    for (const auto& step : steps) {
        if (step.kind != ViewStep::hide) {
            for (auto& folder : closed_folders_above(step.path)) {
                if (std::find(closed.begin(), closed.end(), folder) == closed.end())
                    closed.push_back(std::move(folder));
            }
        }
    }
    for (const auto& folder : closed)
        steps.push_back({ViewStep::hide, folder, false});
    // Outer paths first; at one path, hiding comes before showing.
    std::stable_sort(steps.begin(), steps.end(), [](const ViewStep& a, const ViewStep& b) {
        int da = depth(a.path), db = depth(b.path);
        return da != db ? da < db : a.kind < b.kind;
    });
    std::vector<ViewStep> plan;
    for (const auto& step : steps) {
        // What covers the step's path once the steps before it are applied: the deepest
        // of them above it, or the sandbox's private /tmp and /dev/shm.
        const ViewStep* cover = nullptr;
        for (const auto& done : plan) {
            bool mounted = done.kind != ViewStep::folder;  // a folder step mounts nothing
            if (mounted && inside(step.path, done.path) &&
                (!cover || depth(done.path) >= depth(cover->path))) {
                cover = &done;
            }
        }
        bool hidden_above =
            (cover && cover->kind == ViewStep::hide) ||
            (!cover && (inside(step.path, "/tmp") || inside(step.path, "/dev/shm")));
        if (step.kind == ViewStep::hide && hidden_above)
            continue;
        if ((step.kind == ViewStep::show || step.kind == ViewStep::folder) && !hidden_above)
            continue;
        plan.push_back(step);
    }
    return plan;
}

}  // namespace grader
