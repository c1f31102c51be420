// Weaving code blocks from sources, and the check that every tag is used.
#include "codeblocks.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "course/sys.hpp"
#include "source.hpp"

namespace weave {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        course::throw_errno("open " + path.string());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> lesson_paths(const fs::path& root) {
    std::vector<std::string> paths;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(root / "lessons", error))
        if (entry.is_regular_file() && entry.path().extension() == ".md")
            paths.push_back("lessons/" + entry.path().filename().string());
    std::sort(paths.begin(), paths.end());
    return paths;
}

std::vector<Lesson> load_lessons(const fs::path& root, const std::vector<std::string>& paths,
                                 Reporter& reporter) {
    std::vector<Lesson> lessons;
    for (const auto& path : paths) {
        lessons.push_back(parse_lesson(path, read_text(root / path)));
        reporter.errors(lessons.back().problems);
    }
    return lessons;
}

bool save_lesson(const fs::path& root, const Lesson& lesson) {
    auto text = join_lines(lesson.lines);
    if (read_text(root / lesson.path) == text)
        return false;
    std::ofstream out(root / lesson.path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out)
        course::throw_errno("write " + (root / lesson.path).string());
    return true;
}

namespace {

/// Sources read once each; nothing for a file that does not exist.
class SourceCache {
  public:
    explicit SourceCache(fs::path root) : root_(std::move(root)) {}
    const SourceFile* get(const std::string& path, Reporter& reporter) {
        auto found = cache_.find(path);
        if (found == cache_.end()) {
            std::optional<SourceFile> source;
            if (fs::is_regular_file(root_ / path)) {
                source = scan_source(path, read_text(root_ / path));
                reporter.errors(source->problems);
            }
            found = cache_.emplace(path, std::move(source)).first;
        }
        return found->second ? &*found->second : nullptr;
    }

  private:
    fs::path root_;
    std::map<std::string, std::optional<SourceFile>> cache_;
};

std::string spec(const CodeBlock& block) {
    return block.tag.empty() ? block.path : block.path + "#" + block.tag;
}

/// Checks or rewrites the code blocks of one lesson.
void weave_lesson(Lesson& lesson, SourceCache& sources, bool write, Reporter& reporter) {
    for (std::size_t k = 0; k < lesson.code.size(); ++k) {
        const auto& block = lesson.code[k];
        const int line = static_cast<int>(block.marker) + 1;
        const auto* source = sources.get(block.path, reporter);
        if (source == nullptr) {
            reporter.error(lesson.path, line, "no such file: " + block.path);
            continue;
        }
        auto wanted = region_lines(*source, block.tag);
        if (!wanted) {
            reporter.error(lesson.path, line,
                           "no tag '" + block.tag + "' in " + block.path + " (mark it with `//> " +
                               block.tag + "` ... `//< " + block.tag + "`)");
            continue;
        }
        auto shown = lesson.content(block.fence);
        if (shown == *wanted)
            continue;
        if (write) {
            lesson.replace(block.fence, *wanted);
            reparse(lesson);  // later blocks moved
        } else if (dedent(shown) == *wanted) {
            reporter.error(lesson.path, line,
                           "code block " + spec(block) +
                               " is indented, but regions are shown de-indented (run `make "
                               "lessons`)");
        } else {
            reporter.error(
                lesson.path, line,
                "code block " + spec(block) +
                    " differs from its source (run `make lessons`; - lesson, + source):\n" +
                    short_diff(shown, *wanted));
        }
    }
}

bool is_tagged_source(const fs::path& path) {
    static const std::set<std::string> extensions{".cpp", ".hpp", ".h",  ".cc",
                                                  ".c",   ".sh",  ".py", ".cmake"};
    return extensions.count(path.extension().string()) != 0 || path.filename() == "CMakeLists.txt";
}

}  // namespace

void weave_code(const fs::path& root, std::vector<Lesson>& lessons, bool write,
                Reporter& reporter) {
    SourceCache sources(root);
    for (auto& lesson : lessons) {
        weave_lesson(lesson, sources, write, reporter);
        if (write && save_lesson(root, lesson))
            reporter.note("wove " + lesson.path);
    }
}

const std::vector<std::string>& tagged_folders() {
    static const std::vector<std::string> folders{"labs",    "solutions", "lessons/code",
                                                  "harness", "tools",     "bench"};
    return folders;
}

void check_unused_tags(const fs::path& root, const std::vector<Lesson>& lessons,
                       Reporter& reporter) {
    std::set<std::pair<std::string, std::string>> used;
    for (const auto& lesson : lessons)
        for (const auto& block : lesson.code)
            used.emplace(block.path, block.tag);
    std::vector<std::string> files;
    for (const auto& folder : tagged_folders()) {
        if (!fs::is_directory(root / folder))
            continue;
        auto it = fs::recursive_directory_iterator(root / folder);
        for (auto end = fs::end(it); it != end; ++it) {
            auto name = it->path().filename().string();
            if (it->is_directory() && (name.starts_with(".") || name.starts_with("build")))
                it.disable_recursion_pending();
            else if (it->is_regular_file() && is_tagged_source(it->path()))
                files.push_back(fs::relative(it->path(), root).generic_string());
        }
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        auto source = scan_source(file, read_text(root / file));
        reporter.errors(source.problems);
        for (const auto& [tag, span] : source.tags)
            if (used.count({file, tag}) == 0)
                reporter.error(file, span.open_line,
                               "unused tag '" + tag + "': no lesson shows " + file + "#" + tag);
    }
}

}  // namespace weave
