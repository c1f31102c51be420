// weave: keeps the lessons honest. Fills their code blocks from the tagged regions of
// compiled sources (--write), checks they are up to date and every tag is used (--check),
// re-runs their terminal sessions (--check-sessions, --write-sessions), and turns them
// into Doxygen pages (--doxygen-filter). Exit 0: all good; 1: problems found; 2: usage.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

#include "codeblocks.hpp"
#include "doxygen.hpp"
#include "labmeta/manifest.hpp"
#include "sessions.hpp"

namespace fs = std::filesystem;

namespace {

struct Options {
    fs::path root = ".";
    fs::path bin;
    fs::path manifest;
    bool write = false, check = false, check_sessions = false, write_sessions = false;
    int timeout_seconds = 10;
    std::string doxygen_file;
    std::vector<std::string> lessons;
};

/// The lessons to work on: those named (relative to the root or not), or all of them.
std::vector<std::string> selected_lessons(const Options& options) {
    if (options.lessons.empty())
        return weave::lesson_paths(options.root);
    std::vector<std::string> paths;
    for (const auto& name : options.lessons) {
        auto path = fs::weakly_canonical(fs::path(name).is_absolute() || fs::exists(name)
                                             ? fs::path(name)
                                             : options.root / name);
        paths.push_back(fs::relative(path, fs::canonical(options.root)).generic_string());
    }
    return paths;
}

int run(const Options& options) {
    if (!options.doxygen_file.empty()) {
        std::cout << weave::doxygen_page(options.root, options.doxygen_file);
        return 0;
    }
    weave::Reporter reporter(std::cerr);
    auto lessons = weave::load_lessons(options.root, selected_lessons(options), reporter);
    if (options.write || options.check)
        weave::weave_code(options.root, lessons, !options.check, reporter);
    if (options.check && options.lessons.empty()) {
        weave::check_unused_tags(options.root, lessons, reporter);
        weave::check_lab_sections(options.root, reporter);
    }
    if (options.check_sessions || options.write_sessions) {
        weave::SessionSetup setup;
        // Absolute: the sessions run in a scratch directory, where a relative PATH entry
        // would point nowhere.
        setup.bin_dir =
            fs::absolute(options.bin.empty() ? options.root / "build" / "bin" : options.bin);
        setup.timeout = std::chrono::seconds(options.timeout_seconds);
        if (!fs::is_directory(setup.bin_dir)) {
            std::cerr << "weave: no such directory: " << setup.bin_dir.string()
                      << " (build first, or pass --bin BUILD/bin)\n";
            return 2;
        }
        // `proc`, `progress`, ...: the programs' aliases, declared once (lab.json, tools/).
        auto manifest = options.manifest.empty() ? setup.bin_dir / ".." / "course-manifest.json"
                                                 : options.manifest;
        setup.aliases = labmeta::session_aliases(labmeta::load_manifest(manifest.string()));
        weave::check_sessions(options.root, lessons, setup, options.write_sessions, reporter);
    }
    if (reporter.count() > 0) {
        std::cerr << "weave: " << reporter.count() << " problem"
                  << (reporter.count() == 1 ? "" : "s") << " in the lessons";
        if (options.check)
            std::cerr << " (run `make lessons` to refresh code blocks)";
        std::cerr << "\n";
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"weave: fill, check and run the lessons' code blocks and terminal sessions"};
    Options options;
    app.add_option("--root", options.root, "the course's root folder")
        ->check(CLI::ExistingDirectory);
    app.add_flag("--write", options.write, "rewrite code blocks from their sources (make lessons)");
    app.add_flag(
        "--check", options.check,
        "fail when a code block is out of date, a file or tag is missing, or a tag is unused");
    app.add_flag("--check-sessions", options.check_sessions,
                 "run the sessions and compare outputs");
    app.add_flag("--write-sessions", options.write_sessions,
                 "run the sessions and rewrite the outputs that no longer match");
    app.add_option("--bin", options.bin, "the build's bin/ folder (default ROOT/build/bin)");
    app.add_option("--manifest", options.manifest,
                   "the build's course-manifest.json, for the programs' aliases (default BIN/..)");
    app.add_option("--timeout", options.timeout_seconds, "time limit per session, in seconds")
        ->check(CLI::PositiveNumber);
    app.add_option("--doxygen-filter", options.doxygen_file,
                   "print FILE as Doxygen should read it (Doxyfile FILTER_PATTERNS)");
    app.add_option("lessons", options.lessons, "only these lessons (default: lessons/*.md)");
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& help) {
        return app.exit(help);
    } catch (const CLI::ParseError& error) {
        app.exit(error);
        return 2;
    }
    if (!options.write && !options.check && !options.check_sessions && !options.write_sessions &&
        options.doxygen_file.empty()) {
        std::cerr << "weave: say what to do: --write, --check, --check-sessions, --write-sessions "
                     "or --doxygen-filter FILE (see --help)\n";
        return 2;
    }
    try {
        return run(options);
    } catch (const std::exception& error) {
        std::cerr << "weave: " << error.what() << "\n";
        return 2;
    }
}
